// Catalog column names as words for headings: "estimated_rows" is
// "Estimated rows", "oid" is "OID".
const ACRONYMS = new Set(['oid', 'sql', 'acl', 'ttl', 'fts', 'rls']);

export function humanize(name: string): string {
  const words = name.split('_').map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w));
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
