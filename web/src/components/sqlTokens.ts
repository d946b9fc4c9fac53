// SQL cut into highlighted pieces without an editor, for the statement
// previews of dialogs: PostgreSQL's grammar from @codemirror/lang-sql, the
// classes of @lezer/highlight's classHighlighter (styled in controls.css
// from the same colours as the editor). Loaded on first use.
import { PostgreSQL } from '@codemirror/lang-sql';
import { classHighlighter, highlightCode } from '@lezer/highlight';

/** A piece of the text and its class ('' for plain text); the pieces joined are the text. */
export interface SqlToken {
  text: string;
  cls: string;
}

export function sqlTokens(text: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  const tree = PostgreSQL.language.parser.parse(text);
  highlightCode(
    text,
    tree,
    classHighlighter,
    (piece, cls) => tokens.push({ text: piece, cls }),
    () => tokens.push({ text: '\n', cls: '' }),
  );
  return tokens;
}
