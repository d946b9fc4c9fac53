// The SQL editor: CodeMirror 6 with PostgreSQL highlighting, completion of
// keywords and of the session's schemas, tables, columns and functions, search and
// replace, and a mark under the token an error points at. Colours come
// from the theme's CSS variables, so it follows light and dark. Font size, tab size, completion
// and the keys of run, explain, explain analyze and format follow the user's preferences.
import { autocompletion, closeBrackets, closeBracketsKeymap, closeCompletion, completionKeymap, type Completion as CompletionOption } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { sql, PostgreSQL, type SQLNamespace } from '@codemirror/lang-sql';
import { bracketMatching, indentOnInput, indentUnit, syntaxHighlighting } from '@codemirror/language';
import { highlightSelectionMatches, openSearchPanel, search, searchKeymap } from '@codemirror/search';
import { Compartment, EditorState, Prec, StateEffect, StateField, type Extension } from '@codemirror/state';
import {
  Decoration,
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
  type DecorationSet,
} from '@codemirror/view';
import { effect } from '@preact/signals';
import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { sqlHighlight, sqlTheme } from '../../components/sqlStyle';
import type { Preferences } from '../../api/preferences';
import { codeMirrorKey } from '../preferences/keys';
import { preferences } from '../preferences/state';
import { completionFunctions, type Completion, type FunctionCompletion } from './completion';
import type { EditorHandle } from './model';

export interface EditorCommands {
  run: () => void;
  runStatement: () => void;
  cancel: () => boolean;
  format: () => void;
  explain: () => void;
  analyze: () => void;
}

interface EditorProps {
  initial: string;
  cursor: number;
  completion: Completion | null;
  commands: EditorCommands;
  onChange: () => void;
  onReady: (handle: EditorHandle) => void;
}

const setErrorMark = StateEffect.define<{ from: number; to: number } | null>();
const errorMark = Decoration.mark({ class: 'cm-error-mark' });

const errorField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, tr) {
    let next = marks.map(tr.changes);
    for (const e of tr.effects) {
      if (e.is(setErrorMark)) next = e.value ? Decoration.set([errorMark.range(e.value.from, e.value.to)]) : Decoration.none;
    }
    // Typing clears the mark: the position no longer means anything.
    return tr.docChanged ? Decoration.none : next;
  },
  provide: (f) => EditorView.decorations.from(f),
});

/** A function as a completion: shown with its arguments, inserted as "name(". */
function functionOption(f: FunctionCompletion): CompletionOption {
  const name = /^[a-z_][a-z0-9_$]*$/.test(f.name) ? f.name : `"${f.name.replace(/"/g, '""')}"`;
  return { label: `${f.name}(${f.args})`, apply: `${name}(`, type: 'function', detail: f.schema };
}

/** A dot inside a name would be read as one more level of the namespace. */
const escapeDots = (name: string) => name.replace(/\./g, '\\.');

/**
 * The schemas with their tables (and columns) and functions; functions of
 * the schemas on the search path also complete bare.
 */
function languageFor(completion: Completion | null): Extension {
  if (!completion) return sql({ dialect: PostgreSQL, upperCaseKeywords: false });
  const functions = completionFunctions.get(completion) ?? [];
  const namespace: Record<string, SQLNamespace> = { ...completion };
  for (const f of functions) {
    namespace[`${escapeDots(f.schema)}.${escapeDots(`${f.name}(${f.args})`)}`] = { self: functionOption(f), children: [] };
  }
  const bare = functions.filter((f) => f.onSearchPath).map(functionOption);
  return sql({ dialect: PostgreSQL, schema: namespace, tables: bare, upperCaseKeywords: false });
}

/** Font size, tab size and completion as the preferences say. */
function settingsFor(p: Preferences): Extension {
  return [
    EditorView.theme({ '&': { fontSize: `${p.editor_font_size}px` } }),
    EditorState.tabSize.of(p.editor_tab_size),
    indentUnit.of(' '.repeat(p.editor_tab_size)),
    p.autocompletion ? autocompletion() : [],
  ];
}

/** The chosen keys of the commands a user may rebind, above every other binding. */
function chosenKeys(p: Preferences, run: (fn: keyof EditorCommands) => (view: EditorView) => boolean): Extension {
  const k = p.shortcuts;
  return Prec.highest(
    keymap.of([
      { key: codeMirrorKey(k.execute), run: run('run') },
      { key: codeMirrorKey(k.explain), run: run('explain') },
      { key: codeMirrorKey(k.explain_analyze), run: run('analyze') },
      { key: codeMirrorKey(k.format), run: run('format') },
    ]),
  );
}

export function Editor({ initial, cursor, completion, commands, onChange, onReady }: EditorProps): JSX.Element {
  const hostRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const language = useRef(new Compartment());
  const settings = useRef(new Compartment());
  const chosen = useRef(new Compartment());
  const commandsRef = useRef(commands);
  commandsRef.current = commands;
  const changeRef = useRef(onChange);
  changeRef.current = onChange;

  useEffect(() => {
    const run = (fn: keyof EditorCommands) => (view: EditorView) => {
      const handled = commandsRef.current[fn]() !== false;
      // a command that ran (execute, explain, format) leaves no completion list over the editor
      if (handled) closeCompletion(view);
      return handled;
    };
    const keys = Prec.highest(
      keymap.of([
        { key: 'Mod-Enter', run: run('run') },
        { key: 'Shift-Mod-Enter', run: run('runStatement') },
        { key: 'Escape', run: run('cancel') },
        { key: 'Mod-h', run: openSearchPanel },
      ]),
    );
    const state = EditorState.create({
      doc: initial,
      selection: { anchor: Math.min(cursor, initial.length) },
      extensions: [
        chosen.current.of(chosenKeys(preferences.peek(), run)),
        keys,
        lineNumbers(),
        highlightActiveLineGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        settings.current.of(settingsFor(preferences.peek())),
        highlightActiveLine(),
        highlightSelectionMatches(),
        search({ top: true }),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...completionKeymap, indentWithTab]),
        language.current.of(languageFor(completion)),
        syntaxHighlighting(sqlHighlight),
        errorField,
        sqlTheme,
        EditorView.contentAttributes.of({ 'aria-label': 'SQL editor' }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged || u.selectionSet) changeRef.current();
        }),
      ],
    });
    const view = new EditorView({ state, parent: hostRef.current! });
    viewRef.current = view;
    onReady({
      text: () => view.state.doc.toString(),
      selection: () => view.state.selection.main,
      cursor: () => view.state.selection.main.head,
      setText: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
      markError: (from, to) => {
        const len = view.state.doc.length;
        const a = Math.min(from, len);
        const b = Math.min(Math.max(to, a + 1), len);
        view.dispatch({
          effects: [setErrorMark.of(a < b ? { from: a, to: b } : null), EditorView.scrollIntoView(a, { y: 'center' })],
          selection: { anchor: a },
        });
      },
      clearError: () => view.dispatch({ effects: setErrorMark.of(null) }),
      focus: () => view.focus(),
    });
    // preferences saved later apply to the open editor at once
    const stop = effect(() => {
      const p = preferences.value;
      view.dispatch({ effects: [settings.current.reconfigure(settingsFor(p)), chosen.current.reconfigure(chosenKeys(p, run))] });
    });
    return () => {
      stop();
      view.destroy();
    };
  }, []);

  useEffect(() => {
    viewRef.current?.dispatch({ effects: language.current.reconfigure(languageFor(completion)) });
  }, [completion]);

  return <div class="query-editor" ref={hostRef} />;
}
