// Reading the object paths the server hands out. A path alternates
// collections and names ("/databases/app/schemas/public/tables/users");
// names have '/' and '%' percent-escaped. Paths are never built here, only
// taken apart (and cut back to a parent, which is again a server path).

/** A name segment as the user knows it: only %2F and %25 are escapes. */
export function decodeSegment(segment: string): string {
  return segment.replace(/%2F|%25/gi, (m) => (m === '%25' ? '%' : '/'));
}

/** The path's (collection, name) steps, names decoded; a trailing collection has name null. */
export function pathSteps(path: string): Array<{ collection: string; name: string | null }> {
  const parts = path.split('/').filter((p) => p !== '');
  const steps: Array<{ collection: string; name: string | null }> = [];
  for (let i = 0; i < parts.length; i += 2) {
    steps.push({ collection: parts[i]!, name: parts[i + 1] === undefined ? null : decodeSegment(parts[i + 1]!) });
  }
  return steps;
}

/** The path one segment up: a member's collection, or a collection's owner ("/" at the top). */
export function parentPath(path: string): string {
  const cut = path.replace(/\/+$/, '').lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
}

/** Whether PATH is ROOT or lies under it. */
export function isUnder(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`);
}

/** The database a path lies in, or null for server-wide objects (roles, tablespaces). */
export function databaseOf(path: string): string | null {
  const first = pathSteps(path)[0];
  return first?.collection === 'databases' ? first.name : null;
}

const RELATION_COLLECTIONS = new Set(['tables', 'partitions', 'views', 'materialized_views']);

/** The schema and name of the table, view or materialized view a member path names. */
export function relationOf(path: string): { schema: string; table: string } | null {
  const steps = pathSteps(path);
  const last = steps[steps.length - 1];
  const schema = steps.find((s) => s.collection === 'schemas')?.name;
  if (!last || last.name === null || !schema || !RELATION_COLLECTIONS.has(last.collection)) return null;
  return { schema, table: last.name };
}

/**
 * The object's names below the database, outermost first (["cat", "parent",
 * "id"]); a database or server-wide object: its own name alone.
 */
export function nameSteps(path: string): string[] {
  const steps = pathSteps(path).filter((s) => s.name !== null);
  const inner = steps.length > 1 && steps[0]!.collection === 'databases' ? steps.slice(1) : steps;
  return inner.map((s) => s.name!);
}

/**
 * How the user names the object: its names below the database joined by
 * dots ("cat.parent", "cat.parent.id"), a database or server-wide object by
 * its own name. Names may hold dots themselves: where that matters (what a
 * drop takes), show nameSteps apart.
 */
export function qualifiedName(path: string): string {
  return nameSteps(path).join('.');
}
