// The source and target pickers of Schema Diff: a server of the user's, one of
// its databases, and optionally one schema of it.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { listObjects } from '../../api/servers';
import type { DiffSide } from '../../api/schemaDiff';
import { currentServers } from '../../state/servers';

export interface SideDraft {
  serverId: number;
  database: string;
  schema: string;
}

export function toSide(d: SideDraft): DiffSide {
  return { server_id: d.serverId, database: d.database, schema: d.schema === '' ? null : d.schema };
}

function segment(name: string): string {
  return name.replace(/%/g, '%25').replace(/\//g, '%2F');
}

/** The names under PATH on SERVER, or [] while none is picked or when they cannot be read. */
function useNames(serverId: number, path: string | null): string[] {
  const [names, setNames] = useState<string[]>([]);
  useEffect(() => {
    setNames([]);
    if (!serverId || path === null) return;
    let live = true;
    listObjects(serverId, path).then(
      (nodes) => live && setNames(nodes.map((n) => n.label)),
      () => live && setNames([]),
    );
    return () => {
      live = false;
    };
  }, [serverId, path]);
  return names;
}

interface SidePickerProps {
  label: string;
  value: SideDraft;
  onChange: (v: SideDraft) => void;
}

export function SidePicker({ label, value, onChange }: SidePickerProps): JSX.Element {
  const servers = currentServers().filter((s) => s.connected);
  const databases = useNames(value.serverId, '/databases');
  const schemas = useNames(value.serverId, value.database ? `/databases/${segment(value.database)}/schemas` : null);
  const key = label.toLowerCase();
  return (
    <fieldset class="sd-side" aria-label={label}>
      <legend>{label}</legend>
      <label>
        Server
        <select name={`${key}-server`} value={String(value.serverId)} onChange={(e) => onChange({ serverId: Number(e.currentTarget.value), database: '', schema: '' })}>
          <option value="0">Choose…</option>
          {servers.map((s) => (
            <option key={s.id} value={String(s.id)}>{s.name}</option>
          ))}
        </select>
      </label>
      <label>
        Database
        <select name={`${key}-database`} value={value.database} onChange={(e) => onChange({ ...value, database: e.currentTarget.value, schema: '' })}>
          <option value="">Choose…</option>
          {[...new Set([...(value.database ? [value.database] : []), ...databases])].map((d) => (
            <option key={d} value={d}>{d}</option>
          ))}
        </select>
      </label>
      <label>
        Schema
        <select name={`${key}-schema`} value={value.schema} onChange={(e) => onChange({ ...value, schema: e.currentTarget.value })}>
          <option value="">All schemas</option>
          {[...new Set([...(value.schema ? [value.schema] : []), ...schemas])].map((d) => (
            <option key={d} value={d}>{d}</option>
          ))}
        </select>
      </label>
    </fieldset>
  );
}
