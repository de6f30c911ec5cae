// report.mjs — turns bench/out/results.jsonl (one line per run, written by
// bench/run.sh) into the table of bench/RESULTS.md and prints it.  Every
// figure is the median over the runs.  Exit status 1 when licit and DuckDB
// disagree on any count or digest (or licit did not accept every line).
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

const a = {};
for (let i = 2; i < process.argv.length; i += 2) a[process.argv[i].slice(2)] = process.argv[i + 1];
const runs = readFileSync(a.results, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const T1 = a.t1, T2 = a.t2, T0 = a['check-t0'];
const bytes = Number(a.bytes), lines = Number(a.lines);

const median = (xs) => {
  const s = xs.filter((x) => x !== undefined && x !== null && !Number.isNaN(x)).sort((x, y) => x - y);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const med = (f) => median(runs.map(f));
const range = (f) => {
  const xs = runs.map(f).filter((x) => !Number.isNaN(x));
  return xs.length > 1 ? ` (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})` : '';
};
function fmt(x, digits) {
  if (Number.isNaN(x) || x === undefined) return 'n/a';
  if (digits !== undefined) return x.toFixed(digits);
  const ax = Math.abs(x);
  if (ax >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (ax >= 1e4) return `${(x / 1e3).toFixed(1)} k`;
  if (ax >= 100) return x.toFixed(0);
  if (ax >= 10) return x.toFixed(1);
  if (ax >= 1) return x.toFixed(2);
  return x.toPrecision(2);
}
const s = (x) => `${fmt(x)} s`;
const MB = 1e6;
const mib = (kb) => `${fmt(kb / 1024)} MiB`;

// ------------------------------------------------------------ machine --
const sh = (c) => { try { return execSync(c, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return ''; } };
const machine = {
  cores: cpus().length,
  cpu: (cpus()[0]?.model ?? '').replace(/\s+/g, ' '),
  mem: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
  kernel: sh('uname -r'),
  date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  commit: sh('git -C "$(dirname "$0")" rev-parse --short HEAD') || sh('git rev-parse --short HEAD'),
  dirty: sh('git status --porcelain --untracked-files=no') ? ' (with uncommitted changes)' : '',
  node: process.version,
  duckdb: runs[0].duckdb.out.duckdb,
  threads: runs[0].duckdb.out.threads,
};
const gen = a.gen && existsSync(a.gen) ? JSON.parse(readFileSync(a.gen, 'utf8')) : null;
const genStats = a['gen-stats'] && existsSync(a['gen-stats']) ? readFileSync(a['gen-stats'], 'utf8').trim() : '';

// ------------------------------------------------------------ figures --
const ingestS = med((r) => r.ingest.mon.wall_s);
const readS = med((r) => r.duckdb.out.read_s);
const evalS = (T, pass) => med((r) => r.eval[T][pass].mon.wall_s);
const q = (r, T) => r.duckdb.out.queries.find((x) => x.at === T);
const qFirst = (T) => med((r) => q(r, T).first_s);
const qRepeat = (T) => med((r) => median(q(r, T).repeat_s));
const ingestPlusEval = med((r) => r.ingest.mon.wall_s + r.eval[T2].first.mon.wall_s);
const readPlusQuery = med((r) => r.duckdb.out.read_s + q(r, T2).first_s);
const ratio1 = ingestPlusEval / readPlusQuery;
const ratioEval = (T) => evalS(T, 'second') / qRepeat(T);
const snapDocs = med((r) => r.snapshot.out.counts.included);
const snapS = med((r) => r.snapshot.mon.wall_s);
const snapTotal = med((r) => r.snapshot.out.timing.total_s);
const lat = (k, f) => med((r) => (r.latency[k] ? r.latency[k][f] : NaN));
const hasExplain = runs.some((r) => r.latency.explain);

// ------------------------------------------------------------ equality --
let ok = true;
const checks = [];
// All ten reasons of SPEC section 4, each present on both sides and equal.
const REASONS = ['deleted', 'no_policy', 'too_old', 'minor', 'region_excluded', 'not_public', 'signal',
  'objected', 'no_consent', 'mentioned'];
const sameCounts = (x, y) => !!x && !!y && x.considered === y.considered && x.included === y.included &&
  REASONS.every((k) => Number.isInteger(x.excluded?.[k]) && x.excluded[k] === y.excluded?.[k]) &&
  Object.keys(x.excluded).length === REASONS.length && Object.keys(y.excluded).length === REASONS.length;
for (const r of runs) {
  const acc = r.ingest.out;
  if (acc.accepted !== lines || acc.rejected !== 0 || acc.duplicates !== 0) {
    ok = false;
    checks.push(`run ${r.run}: licit accepted ${acc.accepted} of ${lines} lines (rejected ${acc.rejected}, duplicates ${acc.duplicates}): MISMATCH`);
  }
  for (const T of [T1, T2]) {
    for (const pass of ['first', 'second']) {
      const l = r.eval[T][pass].out, d = q(r, T);
      const m = sameCounts(l.counts, d.counts) && l.digest === d.digest;
      if (!m) ok = false;
      if (!m || (r.run === 1 && pass === 'first'))
        checks.push(`run ${r.run}, meta-genai at ${T} (${pass} eval): ${m ? 'MATCH' : 'MISMATCH'} — ${l.counts.included} of ${l.counts.considered} included, digest ${l.digest.slice(0, 16)}…${m ? '' : ` vs DuckDB ${JSON.stringify(d.counts)} ${d.digest}`}`);
    }
  }
  const sn = r.snapshot.out, e2 = r.eval[T2].first.out;
  const ms = sn.digest === e2.digest && sameCounts(sn.counts, e2.counts);
  if (!ms) ok = false;
  if (!ms || r.run === 1) checks.push(`run ${r.run}: snapshot at ${T2} vs eval: ${ms ? 'MATCH' : 'MISMATCH'}`);
  for (const c of r.duckdb.out.check ?? []) {
    const l = r.check[c.at];
    const m = l && sameCounts(l.counts, c.counts) && l.digest === c.digest;
    if (!m) ok = false;
    checks.push(`run ${r.run}, ${c.policy}@${l?.policy?.version} (bench/policy-check.json: signals, opt_in, groups, honor_mentions${l?.policy?.version === '2025-06-own-audience' ? ', inherit_audience false' : ''}) at ${c.at}: ${m ? 'MATCH' : 'MISMATCH'} — ${c.counts.included} of ${c.counts.considered} included, mentioned ${c.counts.excluded.mentioned}, not_public ${c.counts.excluded.not_public}${m ? '' : `; licit ${JSON.stringify(l?.counts)} ${l?.digest} vs DuckDB ${JSON.stringify(c.counts)} ${c.digest}`}`);
  }
  const sn2 = r.duckdb.out.sanity;
  if (sn2) {
    const m = sn2.n === lines && sn2.distinct_ids === lines && sn2.seq_not_line === 0;
    if (!m) ok = false;
    checks.push(`run ${r.run}: input sanity in DuckDB (rows = lines, ids distinct, rowid + 1 = line number): ${m ? 'MATCH' : 'MISMATCH'} ${JSON.stringify(sn2)}`);
  }
}

// ------------------------------------------------------------ the table --
const r0 = runs[0];
const ev2 = r0.eval[T2].first.out;
const pct = (n) => `${(100 * n / ev2.counts.considered).toFixed(1)}%`;
const out = [];
const row = (...c) => out.push(`| ${c.join(' | ')} |`);
out.push('# Benchmark results');
out.push('');
out.push(`Generated by \`make bench\` (bench/run.sh); do not edit by hand.  ${machine.date}, commit ${machine.commit}${machine.dirty}.`);
out.push('');
out.push(`Machine: ${machine.cores} cores (${machine.cpu}), ${machine.mem} memory, Linux ${machine.kernel}; node ${machine.node}, DuckDB ${machine.duckdb} (${machine.threads} threads, in memory).`);
out.push(`Input: \`licit-gen --seed ${a.seed} --events ${a.size}\` — ${fmt(lines)} events, ${fmt(bytes / MB)} MB of JSON Lines` +
  (gen ? `, generated in ${s(gen.wall_s)} (${fmt(lines / gen.wall_s)} events/s, written to disk).` : '.'));
out.push(`Policy: examples/policies/meta-genai.json; T1 = ${T1}, T2 = ${T2}.  Each figure is the median of ${runs.length} run(s)${runs.length > 1 ? ' (min–max in parentheses)' : ''}.`);
out.push('');
out.push('| measure | licit | DuckDB | licit / DuckDB |');
out.push('|---|---|---|---|');
row('ingest (licit, durable LMDB store) / read (DuckDB, in-memory table)', `${s(ingestS)}${range((r) => r.ingest.mon.wall_s)}`, `${s(readS)}${range((r) => r.duckdb.out.read_s)}`, fmt(ingestS / readS, 2));
const cpu = (f) => med((r) => { const m = f(r); return m.user_s + m.sys_s; });
row('  licit CPU time (user + sys; wall minus CPU is waiting: fsync, or other work on the machine)', s(cpu((r) => r.ingest.mon)), '', '');
row('  events/s', fmt(lines / ingestS), fmt(lines / readS), '');
row('  MB/s of input', fmt(bytes / MB / ingestS), fmt(bytes / MB / readS), '');
row('  peak resident memory (includes LMDB\'s mapped pages)', mib(med((r) => r.ingest.mon.maxrss_kb)), mib(med((r) => r.duckdb.mon.maxrss_kb)) + ' (whole run)', '');
row('  peak anonymous memory (RssAnon, sampled every 10 ms)', mib(med((r) => r.ingest.mon.rss_anon_max_kb)), mib(med((r) => r.duckdb.mon.rss_anon_max_kb)) + ' (whole run)', '');
row('  bytes written to disk per event (write_bytes of /proc/PID/io, from getrusage)', fmt(med((r) => r.ingest.mon.write_bytes) / lines), '', '');
row('  store on disk (allocated blocks; the data file is sparse) / input', `${fmt(med((r) => r.store_du) / MB)} MB = ${fmt(med((r) => r.store_du) / bytes, 2)}×`, 'n/a (not persisted)', '');
for (const T of [T1, T2]) {
  row(`eval at ${T}: first run / first query`, s(evalS(T, 'first')), s(qFirst(T)), fmt(evalS(T, 'first') / qFirst(T), 3));
  row(`eval at ${T}: second run / query on loaded tables (median of 3)`, s(evalS(T, 'second')), s(qRepeat(T)), `**${fmt(ratioEval(T), 3)}**`);
}
row(`  licit CPU time of the second eval at T1 / T2 (user + sys)`, `${s(cpu((r) => r.eval[T1].second.mon))} / ${s(cpu((r) => r.eval[T2].second.mon))}`, '', '');
row(`**ingest + first eval at T2 / read + first query at T2**`, s(ingestPlusEval), s(readPlusQuery), `**${fmt(ratio1, 2)}**`);
row(`snapshot at T2: ${fmt(snapDocs)} documents`, `${s(snapS)} (library: ${s(snapTotal)}, compress ${s(med((r) => r.snapshot.out.timing.compress_s))}, write ${s(med((r) => r.snapshot.out.timing.write_s))})`, '', '');
row('  documents/s, MB/s (uncompressed documents)', `${fmt(snapDocs / snapS)} docs/s, ${fmt(med((r) => r.snapshot.out.timing.bytes_raw) / MB / snapS)} MB/s`, '', '');
row('  compressed / raw', `${fmt(med((r) => r.snapshot.out.timing.bytes_compressed) / MB)} MB / ${fmt(med((r) => r.snapshot.out.timing.bytes_raw) / MB)} MB`, '', '');
if (hasExplain) {
  row('explain latency: median / p99', `${fmt(lat('explain', 'median_us'))} µs / ${fmt(lat('explain', 'p99_us'))} µs`, '', '');
  row('report latency: median / p99', `${fmt(lat('report', 'median_us'))} µs / ${fmt(lat('report', 'p99_us'))} µs`, '', '');
}
row(`post look-up + decision (explain's reads): median / p99 / max, ${fmt(lat('posts', 'n'))} random posts`, `${fmt(lat('posts', 'median_us'))} µs / ${fmt(lat('posts', 'p99_us'))} µs / ${fmt(lat('posts', 'max_us'))} µs`, '', '');
row(`user look-up + all their posts' decisions (report's reads): median / p99 / max, ${fmt(lat('users', 'n'))} random users`, `${fmt(lat('users', 'median_us'))} µs / ${fmt(lat('users', 'p99_us'))} µs / ${fmt(lat('users', 'max_us'))} µs`, '', '');
row('  per-user facts of every user at T (licit_eval_open_threads, as eval), once', `${fmt(med((r) => r.latency.eval_open_ms))} ms`, '', '');
out.push('');
out.push(`At T2: ${fmt(ev2.counts.considered)} posts considered, ${ev2.counts.included} included (${pct(ev2.counts.included)}); excluded: ` +
  Object.entries(ev2.counts.excluded).filter(([, n]) => n).map(([k, n]) => `${k} ${n} (${pct(n)})`).join(', ') + '.');
const wl = r0.duckdb.out.workload;
if (wl) {
  const p1 = (n, d) => `${(100 * n / d).toFixed(1)}%`;
  out.push('');
  out.push(`Workload (counted by DuckDB): ${p1(wl.replies, wl.posts)} of posts are replies, ${p1(wl.mentioning, wl.posts)} mention someone, ${p1(wl.linked, wl.accounts)} of accounts (${wl.linked} of ${wl.accounts}) are linked at the end.`);
}
out.push('');
out.push('## Targets (issue 5)');
out.push('');
const tgt = (name, val, limit, cmp = '<=') => {
  const met = cmp === '<=' ? val <= limit : val < limit;
  out.push(`- ${name}: ${fmt(val, 3)} (target ${cmp === '<=' ? 'at most' : 'under'} ${limit}) — ${met ? 'met' : `**not met** (${fmt(val / limit, 1)}× the target)`}`);
};
tgt('eval on an ingested store / DuckDB query on loaded tables, at T2', ratioEval(T2), 0.1);
tgt('eval on an ingested store / DuckDB query on loaded tables, at T1', ratioEval(T1), 0.1);
tgt('ingest + first eval / read + query', ratio1, 1.0);
if (hasExplain) {
  tgt('explain median, µs', lat('explain', 'median_us'), 100, '<');
  tgt('explain p99, µs', lat('explain', 'p99_us'), 1000, '<');
  tgt('report median, µs', lat('report', 'median_us'), 100, '<');
  tgt('report p99, µs', lat('report', 'p99_us'), 1000, '<');
} else {
  out.push('- explain / report: the commands are not in the library yet; the rows above time the store look-ups and decisions they need (bench/latency.c, EXPLAIN/REPORT HOOK).');
  tgt('  post look-up + decision median, µs', lat('posts', 'median_us'), 100, '<');
  tgt('  post look-up + decision p99, µs', lat('posts', 'p99_us'), 1000, '<');
  tgt('  user look-up + decisions median, µs', lat('users', 'median_us'), 100, '<');
  tgt('  user look-up + decisions p99, µs', lat('users', 'p99_us'), 1000, '<');
}
out.push(`- anonymous memory peak during ingest of ${fmt(lines)} events: ${mib(med((r) => r.ingest.mon.rss_anon_max_kb))} (compare across BENCH_SIZE; LMDB's mapped pages are file-backed and excluded).`);
out.push('');
out.push('## Equality check (licit vs DuckDB: counts by reason and digest)');
out.push('');
for (const c of checks) out.push(`- ${c}`);
out.push('');
out.push(`**${ok ? 'MATCH' : 'MISMATCH'}**`);
out.push('');
out.push('## How it is measured');
out.push('');
out.push('- Wall times of licit are whole processes (`licit ingest|eval|snapshot`, start to exit) measured by bench/runmon.c, which also takes the peak RSS (getrusage) and samples RssAnon from /proc every 10 ms.  The event file is in the page cache for both sides.');
out.push('- DuckDB: bench/duckdb.mjs (node, @duckdb/node-api as pinned in bench/package.json).  "read" is `CREATE TABLE ev AS SELECT … FROM read_ndjson(…)` with explicit typed columns; "query" is bench/asof.sql at T, timed in-process; the first query is cold, the next three run on the loaded tables.');
out.push('- Latency: bench/latency.c, linked against the library, opens the store read-only and times each look-up with CLOCK_MONOTONIC inside one read transaction; process start, store opening, and listing the ids to ask about are excluded.');
out.push('- The machine may be shared with other work while the bench runs; the min–max ranges show the spread.');
if (genStats) {
  out.push('');
  out.push('## The generated input');
  out.push('');
  out.push('```');
  out.push(genStats);
  out.push('```');
}
const md = out.join('\n') + '\n';
writeFileSync(a.out, md);
process.stdout.write(md);
if (!ok) {
  console.error('bench: MISMATCH between licit and DuckDB (see above)');
  process.exit(1);
}
