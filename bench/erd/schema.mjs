// The benchmark's schema "app": TABLES tables in modules of 20 around their
// own hubs, five tables every module references, a few self-references, a
// tenth of the tables joined to nothing; FKS foreign keys. The same every run.
/** A deterministic pseudo-random sequence (the same schema every run). */
function random(seed) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

const TYPES = ['integer', 'bigint', 'text', 'varchar(64)', 'numeric(12,2)', 'boolean', 'timestamptz', 'date', 'jsonb', 'uuid', 'smallint', 'double precision'];

/** DDL of the schema: CREATE TABLEs in batches, then the foreign keys in batches (one transaction cannot lock them all). */
export function schemaDdl(TABLES, FKS) {
  const r = random(7);
  const hubs = 5;
  const moduleSize = 20;
  const tables = [];
  for (let i = 0; i < TABLES; i++) {
    const cols = [`id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY`];
    const n = 2 + Math.floor(r() * r() * 18);
    for (let c = 0; c < n; c++) cols.push(`col_${c} ${TYPES[Math.floor(r() * TYPES.length)]}${r() < 0.5 ? ' NOT NULL' : ''}`);
    tables.push({ name: i < hubs ? `hub_${i}` : `m${Math.floor((i - hubs) / moduleSize)}_t${i}`, cols });
  }
  const fks = [];
  const lonely = (i) => i >= hubs && i % 10 === 3; // a tenth of the tables stay unjoined
  while (fks.length < FKS) {
    const a = hubs + Math.floor(r() * (TABLES - hubs));
    const p = r();
    let b;
    if (p < 0.25) b = Math.floor(r() * r() * hubs);
    else if (p < 0.9) {
      const start = hubs + Math.floor((a - hubs) / moduleSize) * moduleSize;
      b = start + Math.floor(r() * r() * Math.min(moduleSize, TABLES - start));
    } else b = hubs + Math.floor(r() * (TABLES - hubs));
    if (r() < 0.05) b = a;
    if (!lonely(a) && !lonely(b)) fks.push([a, b]);
  }
  const creates = tables.map((t) => `CREATE TABLE app.${t.name} (${t.cols.join(', ')});`);
  const alters = fks.map(([a, b], i) => `ALTER TABLE app.${tables[a].name} ADD COLUMN ref${i} bigint, ADD CONSTRAINT fk${i} FOREIGN KEY (ref${i}) REFERENCES app.${tables[b].name};`);
  const batches = [];
  for (let i = 0; i < creates.length; i += 100) batches.push(creates.slice(i, i + 100).join('\n'));
  for (let i = 0; i < alters.length; i += 100) batches.push(alters.slice(i, i + 100).join('\n'));
  return batches;
}

