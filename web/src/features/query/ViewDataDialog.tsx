// View/Edit Data: asks for a table (and a filter, a sort column and a
// limit), reads its columns and key, and shows its rows in the tab.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { tableInfo } from '../../api/query';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { CheckboxField, FormError, SelectField, TextField } from '../../components/Field';
import { errorMessage } from '../../lib/format';
import { preferences } from '../preferences/state';
import type { QueryTab } from './model';

type Limit = 'all' | 'first';

export function ViewDataDialog({ tab, onClose }: { tab: QueryTab; onClose: () => void }): JSX.Element {
  const [schema, setSchema] = useState('public');
  const [table, setTable] = useState('');
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState('');
  const [desc, setDesc] = useState(false);
  // how many rows by default is the user's preference (0: all)
  const first = preferences.value.view_data_limit || 100;
  const [limit, setLimit] = useState<Limit>(preferences.value.view_data_limit > 0 ? 'first' : 'all');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const tables = tab.completion.value?.[schema.trim()];

  const submit = async () => {
    if (!table.trim()) {
      setError('Enter the table to view.');
      return;
    }
    setBusy(true);
    try {
      const info = await tableInfo(tab.target.serverId, tab.target.database, schema.trim(), table.trim());
      onClose();
      await tab.viewData(info, {
        schema: info.schema,
        table: info.table,
        filter: filter.trim() || undefined,
        order_by: sort.trim() ? [{ column: sort.trim(), desc }] : undefined,
        limit: limit === 'first' ? first : undefined,
      });
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="View/Edit Data"
      size="small"
      onClose={onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy}>
            View
          </Button>
        </>
      }
    >
      <TextField id="view-schema" label="Schema" value={schema} onValue={setSchema} required />
      <TextField id="view-table" label="Table" value={table} onValue={setTable} required list="view-tables" />
      <datalist id="view-tables">
        {Object.keys(tables ?? {}).map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
      <TextField id="view-filter" label="Filter (WHERE …)" value={filter} onValue={setFilter} placeholder="id > 10" />
      <TextField id="view-sort" label="Sort by column" value={sort} onValue={setSort} list="view-columns" />
      <datalist id="view-columns">
        {(tables?.[table.trim()] ?? []).map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
      <CheckboxField id="view-desc" label="Descending" checked={desc} onValue={setDesc} />
      <SelectField<Limit>
        id="view-limit"
        label="Rows"
        value={limit}
        onValue={setLimit}
        options={[
          { value: 'all', label: 'All rows' },
          { value: 'first', label: `First ${first} rows` },
        ]}
      />
      <FormError message={error} />
    </Dialog>
  );
}
