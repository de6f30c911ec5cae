-- asof.sql — SPEC section 4 (evaluation as of T) as one DuckDB query: the
-- independent formulation that bench/duckdb.mjs runs against licit's eval.
--
-- Inputs (made by bench/duckdb.mjs):
--   ev(id, type, ts, pid, uid, visibility, text, kind, lang, signals, region,
--      private, birth_date, ai_training)
--      one row per input line, in file order, ts in microseconds (UTC);
--      the log position seq is the line number (rowid + 1): every line of
--      the generated stream is accepted (SPEC section 2: it is valid, in
--      time order, without duplicate ids -- the bench checks that licit
--      accepted every line).
--   versions(id, effective, content_since, min_age, visibility, honor)
--   modes(version, key, mode)      the version's "regions" object
--   groups(name, cc)               EU, EEA and the policy's region_groups
-- ${T} is replaced by T in microseconds.
--
-- "As of T" is the value set by the event with the greatest (ts, seq) among
-- those with ts <= T: arg_max(value, ts * 2^32 + rowid) over the rows that
-- set it.  seq = rowid + 1 < 2^32, so the key orders exactly as (ts, seq)
-- does, and one HUGEINT key is three times faster in DuckDB than a (ts, seq)
-- struct.  Each CTE reads ev itself: a shared CTE of the filtered events is
-- materialised by DuckDB, copying every text (slower than re-scanning).
-- The digest orders post ids bytewise: duckdb.mjs sets default_collation
-- to '' (binary: memcmp of the UTF-8 bytes); ORDER BY encode(pid) says the
-- same but costs twice as much.
WITH
ver AS (SELECT * FROM versions WHERE effective <= ${T} ORDER BY effective DESC LIMIT 1),
-- posts considered at T: created at or before T
p AS (SELECT pid, uid, ts AS created FROM ev WHERE ts <= ${T} AND type = 'post'),
-- the user's attributes as of T (an account event sets only the fields it has)
u_region AS (SELECT uid, arg_max(region, ts::HUGEINT * 4294967296 + rowid) AS region
             FROM ev WHERE ts <= ${T} AND type = 'account' AND region IS NOT NULL GROUP BY uid),
u_private AS (SELECT uid, arg_max(private, ts::HUGEINT * 4294967296 + rowid) AS private
              FROM ev WHERE ts <= ${T} AND type = 'account' AND private IS NOT NULL GROUP BY uid),
u_birth AS (SELECT uid, arg_max(birth_date, ts::HUGEINT * 4294967296 + rowid) AS birth
            FROM ev WHERE ts <= ${T} AND type = 'account' AND birth_date IS NOT NULL GROUP BY uid),
u_pref AS (SELECT uid, arg_max(ai_training, ts::HUGEINT * 4294967296 + rowid) AS pref
           FROM ev WHERE ts <= ${T} AND type = 'preference' GROUP BY uid),
u_del AS (SELECT DISTINCT uid FROM ev WHERE ts <= ${T} AND type = 'account_delete'),
-- the post's attributes as of T
p_del AS (SELECT DISTINCT pid FROM ev WHERE ts <= ${T} AND type = 'delete'),
p_vis AS (SELECT pid, arg_max(visibility, ts::HUGEINT * 4294967296 + rowid) AS vis
          FROM ev WHERE ts <= ${T} AND type IN ('post', 'visibility') GROUP BY pid),
-- a post without "signals" has none; an edit without "signals" keeps them
p_sig AS (SELECT pid, arg_max(coalesce(signals, []::VARCHAR[]), ts::HUGEINT * 4294967296 + rowid) AS sig
          FROM ev WHERE ts <= ${T} AND (type = 'post' OR (type = 'edit' AND signals IS NOT NULL)) GROUP BY pid),
-- the text as of T: only the position of the event that set it here; the
-- text itself is fetched for included posts only (below)
p_text AS (SELECT pid, max(ts::HUGEINT * 4294967296 + rowid) AS k
           FROM ev WHERE ts <= ${T} AND type IN ('post', 'edit') GROUP BY pid),
-- the region's mode under the version in force: a country key beats a
-- group key; then "default"; then no_choice
vm AS (SELECT m.key, m.mode FROM modes m JOIN ver ON m.version = ver.id),
regs AS (SELECT DISTINCT region FROM u_region),
rmode AS (
  SELECT r.region,
         coalesce((SELECT mode FROM vm WHERE vm.key = r.region),
                  (SELECT min(vm.mode) FROM vm JOIN groups g ON g.name = vm.key WHERE g.cc = r.region),
                  (SELECT mode FROM vm WHERE vm.key = 'default'),
                  'no_choice') AS mode
  FROM regs r),
defmode AS (SELECT coalesce((SELECT mode FROM vm WHERE key = 'default'), 'no_choice') AS mode),
d AS (
  SELECT p.pid, CAST(t.k % 4294967296 AS BIGINT) AS text_row,
    CASE
      WHEN pd.pid IS NOT NULL OR ud.uid IS NOT NULL THEN 'deleted'
      WHEN v.id IS NULL THEN 'no_policy'
      WHEN v.content_since IS NOT NULL AND p.created < v.content_since THEN 'too_old'
      WHEN v.min_age IS NOT NULL AND ub.birth IS NOT NULL
           AND year(make_timestamp(p.created)) - year(ub.birth)
               - CASE WHEN month(make_timestamp(p.created)) * 100 + day(make_timestamp(p.created))
                           < month(ub.birth) * 100 + day(ub.birth) THEN 1 ELSE 0 END
               < v.min_age THEN 'minor'
      WHEN coalesce(rm.mode, dm.mode) = 'excluded' THEN 'region_excluded'
      WHEN NOT list_contains(v.visibility, pv.vis) OR coalesce(upv.private, false) THEN 'not_public'
      WHEN len(list_intersect(coalesce(ps.sig, []::VARCHAR[]), v.honor)) > 0 THEN 'signal'
      WHEN coalesce(rm.mode, dm.mode) = 'opt_out' AND up.pref = 'deny' THEN 'objected'
      WHEN coalesce(rm.mode, dm.mode) = 'opt_in' AND coalesce(up.pref, 'unset') <> 'allow' THEN 'no_consent'
      ELSE 'included'
    END AS reason
  FROM p
  LEFT JOIN ver v ON true
  CROSS JOIN defmode dm
  LEFT JOIN p_del pd ON pd.pid = p.pid
  LEFT JOIN u_del ud ON ud.uid = p.uid
  LEFT JOIN u_birth ub ON ub.uid = p.uid
  LEFT JOIN u_region ur ON ur.uid = p.uid
  LEFT JOIN rmode rm ON rm.region = ur.region
  LEFT JOIN u_private upv ON upv.uid = p.uid
  LEFT JOIN u_pref up ON up.uid = p.uid
  LEFT JOIN p_vis pv ON pv.pid = p.pid
  LEFT JOIN p_sig ps ON ps.pid = p.pid
  LEFT JOIN p_text t ON t.pid = p.pid),
digest AS (
  SELECT sha256(coalesce(string_agg(d.pid || chr(10) || sha256(coalesce(ev.text, '')) || chr(10), '' ORDER BY d.pid),
                         '')) AS digest
  FROM d JOIN ev ON ev.rowid = d.text_row
  WHERE d.reason = 'included')
SELECT
  count(*) AS considered,
  count(*) FILTER (WHERE reason = 'included') AS included,
  count(*) FILTER (WHERE reason = 'deleted') AS deleted,
  count(*) FILTER (WHERE reason = 'no_policy') AS no_policy,
  count(*) FILTER (WHERE reason = 'too_old') AS too_old,
  count(*) FILTER (WHERE reason = 'minor') AS minor,
  count(*) FILTER (WHERE reason = 'region_excluded') AS region_excluded,
  count(*) FILTER (WHERE reason = 'not_public') AS not_public,
  count(*) FILTER (WHERE reason = 'signal') AS signal,
  count(*) FILTER (WHERE reason = 'objected') AS objected,
  count(*) FILTER (WHERE reason = 'no_consent') AS no_consent,
  (SELECT digest FROM digest) AS digest
FROM d
