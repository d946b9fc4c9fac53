// The Parameters tab: libpq connection parameters as rows of name and value.
import type { JSX } from 'preact';
import { DataTable } from '../../components/DataTable';
import { AddRowButton, RemoveButton } from '../../components/RowEditing';
import { StoragePicker } from '../storage/StoragePicker';
import { PARAMETER_KEYS, PARAMETER_VALUES, SECRET_PARAMS, paramRow, type FieldErrors, type ParamRow } from './serverForm';

interface ParamsEditorProps {
  rows: ParamRow[];
  errors: FieldErrors;
  onRows: (rows: ParamRow[]) => void;
}

/** Parameters naming a file: one in the user's storage (Tusk resolves them there, as pgAdmin does). */
const FILE_KEYS = new Set(['sslcert', 'sslkey', 'sslrootcert', 'sslcrl', 'sslcrldir', 'passfile']);

function ValueSuggestions({ keyName }: { keyName: string }): JSX.Element | null {
  const values = PARAMETER_VALUES[keyName];
  if (!values) return null;
  return (
    <datalist id={`param-values-${keyName}`}>
      {values.map((v) => (
        <option key={v} value={v} />
      ))}
    </datalist>
  );
}

export function ParamsEditor({ rows, errors, onRows }: ParamsEditorProps): JSX.Element {
  const update = (row: number, change: Partial<ParamRow>) => onRows(rows.map((r) => (r.row === row ? { ...r, ...change } : r)));

  const add = () => {
    const used = new Set(rows.map((r) => r.key));
    const key = PARAMETER_KEYS.find((k) => !used.has(k)) ?? PARAMETER_KEYS[0];
    const added = paramRow(key);
    onRows([...rows, added]);
    // Focus the new row's name once it is drawn.
    requestAnimationFrame(() => document.getElementById(`param-key-${added.row}`)?.focus());
  };

  return (
    <div class="params-editor">
      <DataTable
        columns={['Name', 'Value', { label: 'Remove', class: 'actions-col', hidden: true }]}
        class="params-table"
        wrap=""
        note={rows.length === 0 && "No connection parameters. libpq's defaults apply."}
      >
        {rows.map((r, i) => {
          const error = errors[`param:${r.row}`];
          return (
            <tr key={r.row} class={error ? 'is-invalid' : undefined}>
              <td class="param-key">
                <select
                  id={`param-key-${r.row}`}
                  aria-label={`Name of parameter ${i + 1}`}
                  value={r.key}
                  onChange={(e) => update(r.row, { key: e.currentTarget.value })}
                >
                  {PARAMETER_KEYS.map((k) => (
                    <option key={k} value={k}>
                      {k}
                    </option>
                  ))}
                </select>
              </td>
              <td class="param-value">
                {FILE_KEYS.has(r.key) ? (
                  <StoragePicker
                    mode="open"
                    id={`param-value-${r.row}`}
                    ariaLabel={`Value of ${r.key}`}
                    placeholder={r.key === 'passfile' ? 'pgpass' : `certs/${r.key.replace('ssl', '')}.crt`}
                    value={r.value}
                    onValue={(value) => update(r.row, { value })}
                  />
                ) : (
                <input
                  id={`param-value-${r.row}`}
                  // Preact types password inputs without a list; sslpassword has no suggestions.
                  type={(SECRET_PARAMS.has(r.key) ? 'password' : 'text') as 'text'}
                  placeholder={r.saved ? 'Kept encrypted; type to replace' : undefined}
                  aria-label={`Value of ${r.key}`}
                  aria-invalid={error ? true : undefined}
                  aria-describedby={error ? `param-error-${r.row}` : undefined}
                  list={PARAMETER_VALUES[r.key] ? `param-values-${r.key}` : undefined}
                  value={r.value}
                  autocomplete="off"
                  spellcheck={false}
                  onInput={(e) => update(r.row, { value: e.currentTarget.value })}
                />
                )}
                {error && (
                  <p id={`param-error-${r.row}`} class="field-error">
                    {error}
                  </p>
                )}
              </td>
              <td class="actions-col">
                <RemoveButton what={r.key} onRemove={() => onRows(rows.filter((x) => x.row !== r.row))} />
              </td>
            </tr>
          );
        })}
      </DataTable>
      {rows.some((r) => FILE_KEYS.has(r.key)) && (
        <p class="muted params-note">
          Files are read from your storage: <code>certs/ca.crt</code> (or <code>/certs/ca.crt</code>, as pgAdmin wrote it) is the file
          certs/ca.crt there. Upload them in Storage, or pick one with Browse….
        </p>
      )}
      {[...new Set(rows.map((r) => r.key))].map((k) => (
        <ValueSuggestions key={k} keyName={k} />
      ))}
      <AddRowButton noun="parameter" onAdd={add} />
    </div>
  );
}
