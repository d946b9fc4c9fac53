// Dashboard sampling cost: with 1 and then 20 browsers watching the same
// server's dashboard for 10 s each, how many sample queries the monitored
// server runs per second and what each costs it (pg_stat_statements), and
// Tusk's CPU and memory. Starts its own PostgreSQL and release tusk.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startPg, startTusk, tuskBin as bin } from '../lib.mjs';

const SECONDS = 10;

const pg = startPg('d');
const psql = (sql) => pg.psql(sql, 'postgres');
const psqlValue = (sql) => execFileSync('psql', ['-X', '-q', '-At', '-c', sql], { env: { ...process.env, ...pg.env }, encoding: 'utf8' }).trim();
psql('CREATE EXTENSION pg_stat_statements');

const tusk = await startTusk(pg.base, pg.env);
const { url } = tusk;
const server = { id: tusk.serverId };

const ticks = () => { const f = readFileSync(`/proc/${tusk.pid}/stat`, 'utf8').split(') ')[1].split(' '); return Number(f[11]) + Number(f[12]); };
const rss = () => Number(readFileSync(`/proc/${tusk.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;
const sampleStats = () => psqlValue("SELECT COALESCE(sum(calls), 0) || ' ' || COALESCE(sum(total_exec_time), 0) FROM pg_stat_statements WHERE query LIKE '%pg_database_size%' AND query LIKE '%pg_is_in_recovery%'").split(' ').map(Number);

async function run(watchers) {
  const ctrls = [];
  let events = 0;
  for (let i = 0; i < watchers; i++) {
    const ctrl = new AbortController();
    ctrls.push(ctrl);
    const res = await fetch(new URL(`api/v1/servers/${server.id}/dashboard/events?database=postgres`, url), { headers: { cookie: tusk.cookie }, signal: ctrl.signal });
    (async () => {
      const reader = res.body.getReader();
      const dec = new TextDecoder();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          events += (dec.decode(value).match(/event: sample/g) || []).length;
        }
      } catch { /* aborted */ }
    })();
  }
  await new Promise((r) => setTimeout(r, 1500)); // settle
  const [c0, t0] = sampleStats(), k0 = ticks(), e0 = events;
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const [c1, t1] = sampleStats(), k1 = ticks(), e1 = events;
  const mem = rss();
  ctrls.forEach((c) => c.abort());
  await new Promise((r) => setTimeout(r, 2500)); // the sampler stops
  return { watchers, queriesPerSecond: (c1 - c0) / SECONDS, msPerSample: (t1 - t0) / Math.max(1, c1 - c0), tuskCpuPercent: (k1 - k0) / SECONDS, eventsPerSecond: (e1 - e0) / SECONDS, rss: mem };
}

const results = [await run(1), await run(20)];
await tusk.stop();
pg.stop();

console.log(`dashboard benchmark: ${SECONDS} s per run (${bin})`);
for (const r of results) {
  console.log(`${String(r.watchers).padStart(2)} watcher(s): server runs ${r.queriesPerSecond.toFixed(2)} sample queries/s at ${r.msPerSample.toFixed(2)} ms each; ` +
    `${r.eventsPerSecond.toFixed(1)} events/s delivered; Tusk CPU ${r.tuskCpuPercent.toFixed(1)}% of a core, RSS ${r.rss.toFixed(1)} MiB`);
}
