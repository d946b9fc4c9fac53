// Import a pgAdmin servers.json, from a file or pasted. The server takes all
// of it or nothing; when it refuses, each bad entry is listed with why.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { importServers, type ImportProblem } from '../../api/servers';
import { DataTable } from '../../components/DataTable';
import { FormError, TextAreaField } from '../../components/Field';
import { FormDialog } from '../../components/FormDialog';
import { errorMessage } from '../../lib/format';
import { refreshAll } from '../../state/servers';
import { showToast } from '../../state/toasts';

interface ImportDialogProps {
  onClose: () => void;
}

function problemsOf(err: unknown): ImportProblem[] {
  if (!(err instanceof ApiError) || err.code !== 'invalid_import' || !Array.isArray(err.details.details)) return [];
  return err.details.details as ImportProblem[];
}

function parse(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (err) {
    return { error: `This is not valid JSON: ${errorMessage(err)}` };
  }
}

function ProblemList({ problems }: { problems: ImportProblem[] }): JSX.Element {
  return (
    <DataTable columns={['Entry', 'Key', 'Problem']} wrap="import-problems">
      {problems.map((p, i) => (
        <tr key={i}>
          <td class="cell-mono">{p.entry}</td>
          <td class="cell-mono">{p.key}</td>
          <td class="cell-wrap">{p.reason}</td>
        </tr>
      ))}
    </DataTable>
  );
}

export function ImportDialog({ onClose }: ImportDialogProps): JSX.Element {
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [problems, setProblems] = useState<ImportProblem[]>([]);

  const pick = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    setFileName(file.name);
    setError(null);
    setProblems([]);
    try {
      setText(await file.text());
    } catch (err) {
      setError(`Could not read ${file.name}: ${errorMessage(err)}`);
    }
  };

  const submit = async () => {
    if (busy) return;
    setProblems([]);
    if (!text.trim()) {
      setError('Choose a servers.json file or paste its contents.');
      return;
    }
    const parsed = parse(text);
    if ('error' in parsed) {
      setError(parsed.error);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const count = await importServers(parsed.value);
      showToast(`Imported ${count} ${count === 1 ? 'server' : 'servers'}`);
      void refreshAll();
      onClose();
    } catch (err) {
      setBusy(false);
      setError(errorMessage(err));
      setProblems(problemsOf(err));
    }
  };

  return (
    <FormDialog title="Import servers" size="medium" submitLabel="Import" busy={busy} onSubmit={submit} onClose={onClose}>
      <p class="muted">
        A <code>servers.json</code> as pgAdmin's <code>setup.py dump-servers</code> writes it. Groups that do not exist yet are created.
      </p>
      <div class="field">
        <label for="import-file">File</label>
        <div class="file-field">
          <input id="import-file" type="file" accept=".json,application/json" onChange={(e) => void pick(e.currentTarget)} />
          {fileName && <span class="muted">{fileName}</span>}
        </div>
      </div>
      <TextAreaField
        id="import-text"
        label="Contents"
        rows={10}
        mono
        value={text}
        onValue={(v) => {
          setText(v);
          setFileName(null);
        }}
        placeholder={'{\n  "Servers": {\n    "1": { "Name": "…", "Group": "…", "Host": "…", "Port": 5432, … }\n  }\n}'}
      />
      <FormError message={error} />
      {problems.length > 0 && <ProblemList problems={problems} />}
    </FormDialog>
  );
}
