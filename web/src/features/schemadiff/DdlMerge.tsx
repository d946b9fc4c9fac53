// The two DDLs of an object side by side, read-only, the differences marked
// (CodeMirror's merge view), coloured from the theme so light and dark follow.
import { PostgreSQL, sql } from '@codemirror/lang-sql';
import { syntaxHighlighting } from '@codemirror/language';
import { MergeView } from '@codemirror/merge';
import { EditorState } from '@codemirror/state';
import { EditorView, lineNumbers } from '@codemirror/view';
import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { sqlHighlight, sqlTheme } from '../../components/sqlStyle';

function side(doc: string, label: string) {
  return {
    doc,
    extensions: [
      EditorState.readOnly.of(true),
      EditorView.editable.of(false),
      lineNumbers(),
      EditorView.lineWrapping,
      sql({ dialect: PostgreSQL }),
      syntaxHighlighting(sqlHighlight),
      sqlTheme,
      EditorView.contentAttributes.of({ 'aria-label': label, 'aria-readonly': 'true' }),
    ],
  };
}

export function DdlMerge({ source, target }: { source: string; target: string }): JSX.Element {
  const hostRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const view = new MergeView({
      a: side(source, 'Source DDL'),
      b: side(target, 'Target DDL'),
      parent: hostRef.current!,
      highlightChanges: true,
      gutter: true,
      collapseUnchanged: { margin: 3, minSize: 8 },
    });
    return () => view.destroy();
  }, [source, target]);
  return <div class="sd-merge" ref={hostRef} />;
}
