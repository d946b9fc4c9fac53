// Configuration: pg_settings searched by name, description or category,
// grouped by category, with changed-from-default and pending-restart marked.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { fetchSettings, type Setting } from '../../api/monitor';
import { SearchInput } from '../../components/SearchInput';
import { formatCount } from '../../lib/format';
import { MonitorTable, type Column } from './MonitorTable';
import { MonitorPanel, usePanelData, type PanelProps } from './panel';

const SEARCH_DELAY_MS = 250;

function withUnit(value: string | null, unit: string | null): string {
  if (value === null) return '';
  return unit ? `${value} ${unit}` : value;
}

const COLUMNS: Array<Column<Setting>> = [
  {
    key: 'name',
    title: 'Name',
    class: 'dash-setting-name',
    render: (s) => (
      <>
        <span class="dash-mono">{s.name}</span>
        {s.changed === 't' && (
          <span class="dash-badge is-accent" title={`Changed from the built-in default (${s.default_value ?? 'none'})`}>
            changed
          </span>
        )}
        {s.pending_restart === 't' && (
          <span class="dash-badge is-warn" title="Changed in the configuration file; takes effect after a restart">
            restart pending
          </span>
        )}
      </>
    ),
  },
  {
    key: 'setting',
    title: 'Setting',
    class: 'dash-setting-value',
    render: (s) => <span title={s.allowed_values ? `Allowed: ${s.allowed_values}` : s.min_val !== null ? `From ${s.min_val} to ${s.max_val ?? ''}` : undefined}>{withUnit(s.setting, s.unit)}</span>,
  },
  { key: 'default', title: 'Default', class: 'dash-setting-value muted', render: (s) => withUnit(s.default_value, s.unit) },
  {
    key: 'source',
    title: 'Source',
    render: (s) => (
      <span title={s.sourcefile ? `${s.sourcefile}${s.sourceline ? `:${s.sourceline}` : ''}` : undefined}>{s.source ?? ''}</span>
    ),
  },
  { key: 'context', title: 'Applies', render: (s) => <span class="muted">{s.context ?? ''}</span> },
  { key: 'description', title: 'Description', class: 'dash-clip', render: (s) => <span title={s.description ?? ''}>{s.description ?? ''}</span> },
];

export function SettingsPanel({ serverId, visible }: PanelProps): JSX.Element {
  const [input, setInput] = useState('');
  const [query, setQuery] = useState('');
  const [changedOnly, setChangedOnly] = useState(false);
  useEffect(() => {
    const timer = window.setTimeout(() => setQuery(input.trim()), SEARCH_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [input]);
  const data = usePanelData(() => fetchSettings(serverId, query), `${serverId}|${query}`, visible);
  const all = data.value ?? [];
  const rows = changedOnly ? all.filter((s) => s.changed === 't' || s.pending_restart === 't') : all;
  const pending = all.filter((s) => s.pending_restart === 't').length;

  return (
    <MonitorPanel
      label="Configuration"
      data={data}
      tools={
        <>
          <SearchInput class="dash-filter" placeholder="Search name, description, category" label="Search settings" value={input} onValue={setInput} />
          <label class="dash-check">
            <input type="checkbox" checked={changedOnly} onChange={(e) => setChangedOnly(e.currentTarget.checked)} />
            Changed only
          </label>
          <span class="dash-bar-count">
            {formatCount(rows.length)} {rows.length === 1 ? 'setting' : 'settings'}
            {pending > 0 && <span class="dash-badge is-warn">{formatCount(pending)} need a restart</span>}
          </span>
        </>
      }
    >
      <MonitorTable
        label="Settings"
        columns={COLUMNS}
        rows={rows}
        rowKey={(s) => s.name}
        rowClass={(s) => [s.changed === 't' ? 'is-changed' : '', s.pending_restart === 't' ? 'is-pending' : ''].filter(Boolean).join(' ')}
        groupBy={(s) => s.category ?? 'Other'}
        empty={data.value === null ? 'Loading…' : 'No setting matches.'}
      />
    </MonitorPanel>
  );
}
