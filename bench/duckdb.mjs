// duckdb.mjs — the benchmark's peer: DuckDB reads the same JSON Lines file and
// computes SPEC section 4's counts and digest with SQL (bench/asof.sql).
//
//   node bench/duckdb.mjs --events FILE --policy FILE --at T[,T...]
//                         [--repeat K] [--check-policy FILE [--check-at T,...]] [--sanity]
//
// Prints one JSON object:
//   {"duckdb", "threads", "read_s", "rows",
//    "queries": [{"at", "first_s", "repeat_s": [...], "counts", "digest"}],
//    "check": [{"policy", "at", "counts", "digest"}], "sanity": {...}}
// read_s times loading the file into a typed in-memory table (the JSON parse
// and the timestamp conversion); each query runs once cold ("first_s") and K
// more times ("repeat_s") on the loaded tables.  --check-policy runs the
// query again under another policy at the --check-at times (default: --at),
// not timed: a second check of the rules.  --sanity checks the input's shape.
// counts has the shape of `licit eval --json`.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

const here = dirname(fileURLToPath(import.meta.url));
const REASONS = ['deleted', 'no_policy', 'too_old', 'minor', 'region_excluded', 'not_public', 'signal',
  'objected', 'no_consent', 'mentioned'];
const EU = 'AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK'.split(' ');
const EEA = [...EU, 'IS', 'LI', 'NO'];

function args() {
  const a = { repeat: 3, at: [], sanity: false };
  const v = process.argv.slice(2);
  for (let i = 0; i < v.length; i++) {
    const k = v[i];
    if (k === '--sanity') { a.sanity = true; continue; }
    const x = v[++i];
    if (x === undefined) throw new Error(`${k} needs a value`);
    if (k === '--events') a.events = x;
    else if (k === '--policy') a.policy = x;
    else if (k === '--check-policy') a.check = x;
    else if (k === '--check-at') a.checkAt = x.split(',');
    else if (k === '--at') a.at = x.split(',');
    else if (k === '--repeat') a.repeat = Number(x);
    else throw new Error(`unknown option ${k}`);
  }
  if (!a.events || !a.policy || !a.at.length) {
    console.error('usage: node duckdb.mjs --events FILE --policy FILE --at T[,T...] [--repeat K] [--check-policy FILE]');
    process.exit(2);
  }
  return a;
}

// RFC 3339 to microseconds (whole seconds or a fraction, Z or an offset).
function micros(s) {
  const m = /^(\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) throw new Error(`bad time ${s}`);
  const sec = Date.parse(m[1].toUpperCase() + (m[3].toUpperCase() === 'Z' ? 'Z' : m[3])) / 1000;
  const frac = m[2] ? Number((m[2] + '00000').slice(0, 6)) : 0;
  return BigInt(sec) * 1000000n + BigInt(frac);
}

const q = (s) => `'${String(s).replaceAll("'", "''")}'`;
const list = (a) => `[${a.map(q).join(', ')}]::VARCHAR[]`;

// The policy file as three small tables (SPEC section 3 defaults applied).
async function loadPolicy(con, file, suffix) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const groups = { EU, EEA, ...(p.region_groups || {}) };
  const rows = (t, vals) => vals.length ? `INSERT INTO ${t}${suffix} VALUES ${vals.join(', ')}` : null;
  const stmts = [
    `CREATE OR REPLACE TABLE versions${suffix} (id VARCHAR, effective BIGINT, content_since BIGINT, min_age INTEGER, visibility VARCHAR[], honor VARCHAR[], inherit BOOLEAN, honor_mentions BOOLEAN)`,
    `CREATE OR REPLACE TABLE modes${suffix} (version VARCHAR, key VARCHAR, mode VARCHAR)`,
    `CREATE OR REPLACE TABLE groups${suffix} (name VARCHAR, cc VARCHAR)`,
    rows('versions', p.versions.map((v) => `(${q(v.id)}, ${micros(v.effective)}, ${v.content_since ? micros(v.content_since) : 'NULL'}, ${v.min_age ?? 'NULL'}, ${list(v.visibility ?? ['public'])}, ${list(v.honor_signals ?? [])}, ${v.inherit_audience ?? true}, ${v.honor_mentions ?? false})`)),
    rows('modes', p.versions.flatMap((v) => Object.entries(v.regions ?? {}).map(([k, m]) => `(${q(v.id)}, ${q(k)}, ${q(m)})`))),
    rows('groups', Object.entries(groups).flatMap(([g, ccs]) => ccs.map((c) => `(${q(g)}, ${q(c)})`))),
  ];
  for (const s of stmts) if (s) await con.run(s);
  return p.name;
}

async function one(con, sql) {
  const r = await con.runAndReadAll(sql);
  return r.getRowObjectsJson()[0];
}

function shape(row) {
  const excluded = {};
  for (const r of REASONS) excluded[r] = Number(row[r]);
  return { considered: Number(row.considered), included: Number(row.included), excluded };
}

const a = args();
const sqlTemplate = readFileSync(join(here, 'asof.sql'), 'utf8');
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
// Bytewise string order for the digest (asof.sql): no collation.
await con.run("SET default_collation = ''");
const out = { duckdb: (await one(con, 'SELECT version() AS v')).v,
  threads: Number((await one(con, "SELECT current_setting('threads') AS t")).t) };
await loadPolicy(con, a.policy, '');

// Read: the file into a typed table, one row per line in file order.
let t0 = performance.now();
await con.run(`CREATE TABLE ev AS
  SELECT id, type, epoch_us(ts) AS ts, post AS pid, "user" AS uid, visibility, text, kind, lang, signals,
         region, private, birth_date, ai_training, parent, mentions, "with" AS wuid
  FROM read_ndjson(${q(a.events)}, columns = {
    id: 'VARCHAR', type: 'VARCHAR', ts: 'TIMESTAMPTZ', post: 'VARCHAR', "user": 'VARCHAR',
    visibility: 'VARCHAR', text: 'VARCHAR', kind: 'VARCHAR', lang: 'VARCHAR', signals: 'VARCHAR[]',
    region: 'VARCHAR', private: 'BOOLEAN', birth_date: 'DATE', ai_training: 'VARCHAR',
    parent: 'VARCHAR', mentions: 'VARCHAR[]', "with": 'VARCHAR'},
    maximum_object_size = 4194304)`);
out.read_s = (performance.now() - t0) / 1000;
out.rows = Number((await one(con, 'SELECT count(*) AS n FROM ev')).n);

const sqlAt = (T, suffix = '') => sqlTemplate.replaceAll('${T}', String(micros(T)))
  .replace(/\bversions\b/g, `versions${suffix}`).replace(/\bmodes\b/g, `modes${suffix}`)
  .replace(/\bgroups\b/g, `groups${suffix}`);

out.queries = [];
for (const T of a.at) {
  const sql = sqlAt(T);
  t0 = performance.now();
  const row = await one(con, sql);
  const entry = { at: T, first_s: (performance.now() - t0) / 1000, repeat_s: [], counts: shape(row), digest: row.digest };
  for (let i = 0; i < a.repeat; i++) {
    t0 = performance.now();
    await one(con, sql);
    entry.repeat_s.push((performance.now() - t0) / 1000);
  }
  out.queries.push(entry);
}

if (a.check) {
  const name = await loadPolicy(con, a.check, '_check');
  out.check = [];
  for (const T of a.checkAt ?? a.at) {
    const row = await one(con, sqlAt(T, '_check'));
    out.check.push({ policy: name, at: T, counts: shape(row), digest: row.digest });
  }
}

if (a.sanity) {
  // The generator writes "id":"e<seed>-<line>", so seq = line number can be
  // checked, and ids must be distinct (no duplicates to skip).
  out.sanity = await one(con, `SELECT count(*) AS n, count(DISTINCT id) AS distinct_ids,
    count(*) FILTER (WHERE split_part(id, '-', 2) <> CAST(rowid + 1 AS VARCHAR)) AS seq_not_line
    FROM ev`);
  for (const k of Object.keys(out.sanity)) out.sanity[k] = Number(out.sanity[k]);
  // The workload's shape as the issue states it: replies and mentions among
  // posts, accounts with a link in force at the end among known accounts.
  const w = await one(con, `WITH
    lk AS (SELECT least(uid, wuid) AS a, greatest(uid, wuid) AS b, arg_max(type, ts::HUGEINT * 4294967296 + rowid) AS state
           FROM ev WHERE type IN ('link', 'unlink') GROUP BY ALL),
    linked AS (SELECT a AS u FROM lk WHERE state = 'link' UNION SELECT b FROM lk WHERE state = 'link'),
    known AS (SELECT uid AS u FROM ev WHERE uid IS NOT NULL UNION SELECT wuid FROM ev WHERE wuid IS NOT NULL)
    SELECT count(*) FILTER (WHERE type = 'post') AS posts,
           count(*) FILTER (WHERE type = 'post' AND parent IS NOT NULL) AS replies,
           count(*) FILTER (WHERE type = 'post' AND len(mentions) > 0) AS mentioning,
           (SELECT count(*) FROM known) AS accounts, (SELECT count(*) FROM linked) AS linked
    FROM ev`);
  out.workload = {};
  for (const k of Object.keys(w)) out.workload[k] = Number(w[k]);
}
console.log(JSON.stringify(out));
