// Splits a SQL script into statements on semicolons that are outside
// quotes, dollar quotes and comments, keeping each statement's place.

export interface Statement {
  /** The statement's text without the leading blank space and the semicolon. */
  text: string;
  /** Offsets into the script: text is script.slice(start, end). */
  start: number;
  end: number;
}

const DOLLAR_TAG = /^\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/;

/** The index just after the quoted run that starts at i (script[i] is the quote). */
function skipQuoted(sql: string, i: number, quote: string, backslashes: boolean): number {
  let j = i + 1;
  while (j < sql.length) {
    const c = sql[j]!;
    if (backslashes && c === '\\') j += 2;
    else if (c === quote) {
      if (sql[j + 1] === quote) j += 2;
      else return j + 1;
    } else j++;
  }
  return j;
}

function skipBlockComment(sql: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < sql.length) {
    if (sql.startsWith('/*', j)) {
      depth++;
      j += 2;
    } else if (sql.startsWith('*/', j)) {
      depth--;
      j += 2;
      if (depth === 0) return j;
    } else j++;
  }
  return j;
}

/** Where the token at i ends when it opens a quote, comment or dollar quote; -1 otherwise. */
function skipSpecial(sql: string, i: number): number {
  const c = sql[i]!;
  if (c === "'") {
    const prev = sql[i - 1];
    const escaped = (prev === 'E' || prev === 'e') && !/[\w$]/.test(sql[i - 2] ?? '');
    return skipQuoted(sql, i, "'", escaped);
  }
  if (c === '"') return skipQuoted(sql, i, '"', false);
  if (c === '-' && sql[i + 1] === '-') {
    const nl = sql.indexOf('\n', i);
    return nl < 0 ? sql.length : nl + 1;
  }
  if (c === '/' && sql[i + 1] === '*') return skipBlockComment(sql, i);
  if (c === '$' && !/[\w$]/.test(sql[i - 1] ?? '')) {
    const m = DOLLAR_TAG.exec(sql.slice(i, i + 64));
    if (m) {
      const close = sql.indexOf(m[0], i + m[0].length);
      return close < 0 ? sql.length : close + m[0].length;
    }
  }
  return -1;
}

/** True when the text holds something besides blank space and comments. */
function hasCode(sql: string, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const c = sql[i]!;
    if (/\s/.test(c)) i++;
    else if ((c === '-' && sql[i + 1] === '-') || (c === '/' && sql[i + 1] === '*')) i = skipSpecial(sql, i);
    else return true;
  }
  return false;
}

function trimmed(sql: string, start: number, end: number): Statement {
  let s = start;
  let e = end;
  while (s < e && /\s/.test(sql[s]!)) s++;
  while (e > s && /\s/.test(sql[e - 1]!)) e--;
  return { text: sql.slice(s, e), start: s, end: e };
}

/** The statements of a script, in order; empty ones (";;", comments only) are left out. */
export function splitStatements(sql: string): Statement[] {
  const out: Statement[] = [];
  let start = 0;
  let i = 0;
  while (i < sql.length) {
    const skip = skipSpecial(sql, i);
    if (skip >= 0) {
      i = skip;
    } else if (sql[i] === ';') {
      if (hasCode(sql, start, i)) out.push(trimmed(sql, start, i));
      start = ++i;
    } else i++;
  }
  if (hasCode(sql, start, sql.length)) out.push(trimmed(sql, start, sql.length));
  return out;
}

/**
 * The statement the cursor is in. Between statements: the one before when
 * the cursor is still on its last line ("SELECT 1;|"), else the next one.
 */
export function statementAt(sql: string, cursor: number): Statement | null {
  const list = splitStatements(sql);
  let prev: Statement | null = null;
  for (const st of list) {
    if (cursor >= st.start && cursor <= st.end + 1) return st;
    if (st.start > cursor) {
      if (prev && !sql.slice(prev.end, cursor).includes('\n')) return prev;
      return st;
    }
    prev = st;
  }
  return prev;
}
