// Search objects: names containing the text, in the database of the
// selected node, optionally of one kind. Arrow keys move through the
// results; Enter opens the tree down to the one chosen and selects it.
import type { JSX } from 'preact';
import { useEffect, useId, useState } from 'preact/hooks';
import { SEARCH_KINDS, searchObjects, type SearchKind, type SearchResult } from '../../api/ddl';
import type { Server } from '../../api/servers';
import { Dialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import { errorMessage } from '../../lib/format';
import { showToast } from '../../state/toasts';
import { objectIcon } from '../browser/explorerModel';
import { revealPath } from './tree';

const SEARCH_DELAY_MS = 200;

type Found = { status: 'idle' } | { status: 'loading' } | { status: 'ready'; results: SearchResult[]; truncated: boolean } | { status: 'error'; message: string };

const kindName = (kind: string) => kind.replace(/_/g, ' ');

interface SearchDialogProps {
  server: Server;
  database: string;
  onClose: () => void;
}

export function SearchDialog({ server, database, onClose }: SearchDialogProps): JSX.Element {
  const [text, setText] = useState('');
  const [kind, setKind] = useState<SearchKind | ''>('');
  const [found, setFound] = useState<Found>({ status: 'idle' });
  const [active, setActive] = useState(0);
  const listId = useId();

  useEffect(() => {
    const q = text.trim();
    if (!q) {
      setFound({ status: 'idle' });
      return undefined;
    }
    let live = true;
    setFound((f) => (f.status === 'ready' ? f : { status: 'loading' }));
    const timer = window.setTimeout(() => {
      searchObjects(server.id, database, q, kind).then(
        (answer) => {
          if (!live) return;
          setFound({ status: 'ready', ...answer });
          setActive(0);
        },
        (err: unknown) => live && setFound({ status: 'error', message: errorMessage(err) }),
      );
    }, SEARCH_DELAY_MS);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [text, kind]);

  const results = found.status === 'ready' ? found.results : [];

  const open = async (result: SearchResult | undefined) => {
    if (!result) return;
    onClose();
    if (!(await revealPath(server, result.path))) showToast(`${result.label} is no longer in the tree. Refresh and search again.`, 'error');
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const moves: Record<string, number> = { ArrowDown: active + 1, ArrowUp: active - 1, PageDown: active + 10, PageUp: active - 10 };
    const to = moves[e.key];
    if (to === undefined || results.length === 0) return;
    e.preventDefault();
    const next = Math.max(0, Math.min(results.length - 1, to));
    setActive(next);
    document.getElementById(`${listId}-${next}`)?.scrollIntoView({ block: 'nearest' });
  };

  return (
    <Dialog title={`Search objects in ${database}`} size="medium" onClose={onClose} onSubmit={() => void open(results[active])}>
      <div class="search-bar" onKeyDown={onKeyDown}>
        <input
          id="search-text"
          type="search"
          class="search-text"
          aria-label="Name contains"
          placeholder="Name contains…"
          aria-controls={listId}
          aria-activedescendant={results.length > 0 ? `${listId}-${active}` : undefined}
          autocomplete="off"
          spellcheck={false}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <select id="search-kind" aria-label="Kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as SearchKind | '')}>
          <option value="">All kinds</option>
          {SEARCH_KINDS.map((k) => (
            <option key={k} value={k}>
              {kindName(k)}
            </option>
          ))}
        </select>
      </div>
      <ul id={listId} class="search-results" role="listbox" aria-label="Search results">
        {results.map((r, i) => (
          <li
            key={r.path}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            class={i === active ? 'search-result is-active' : 'search-result'}
            onMouseEnter={() => setActive(i)}
            onClick={() => void open(r)}
          >
            <Icon name={objectIcon({ path: r.path, label: r.label, kind: r.kind, icon: r.kind, has_children: false })} size={14} />
            <span class="search-label">{r.label}</span>
            <span class="search-kind">{kindName(r.kind)}</span>
          </li>
        ))}
      </ul>
      <p class="search-status muted" role="status">
        {found.status === 'idle' && 'Type part of a name. Enter opens the highlighted object in the tree.'}
        {found.status === 'loading' && 'Searching…'}
        {found.status === 'ready' && (found.results.length === 0 ? 'Nothing found.' : `${found.results.length}${found.truncated ? '+' : ''} found${found.truncated ? ': narrow the search to see the rest' : ''}.`)}
        {found.status === 'error' && found.message}
      </p>
    </Dialog>
  );
}
