-- asof.sql — SPEC section 4 (evaluation as of T) as one DuckDB query: the
-- independent formulation that bench/duckdb.mjs runs against licit's eval.
--
-- Inputs (made by bench/duckdb.mjs):
--   ev(id, type, ts, pid, uid, visibility, text, kind, lang, signals, region,
--      private, birth_date, ai_training, parent, mentions, wuid)
--      one row per input line, in file order, ts in microseconds (UTC),
--      wuid = a link/unlink's "with"; the log position seq is the line
--      number (rowid + 1): every line of the generated stream is accepted
--      (SPEC section 2: it is valid, in time order, without duplicate ids --
--      the bench checks that licit accepted every line).  Of the acceptance
--      rules the query applies those that decide what an account's deletion,
--      a link or a post is: an account or a post is deleted by its first
--      account_delete or delete (a second one is rejected whatever its ts), a post
--      naming itself as parent is no post, a link/unlink naming one account
--      twice or coming after the deletion of an account it names is ignored.
--   versions(id, effective, content_since, min_age, visibility, honor,
--            inherit, honor_mentions)
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
--
-- Persons are the connected components of the links in force at T: the
-- transitive closure of the link graph (a recursive CTE; UNION keeps it
-- finite), each account labelled with the least account id it reaches.
-- The thread walk is a recursive CTE over parent, one row per (post,
-- ancestor), stopping at a parent not created by T, at the post itself, at
-- the first failing ancestor (nothing more can change the answer) or after
-- 100 ancestors.  A loop that does not pass through the post itself is
-- walked round until the cap: every post visited again was already looked
-- at, so the answer is that of the walk that stops at the first repeat.
WITH RECURSIVE
ver AS (SELECT * FROM versions WHERE effective <= ${T} ORDER BY effective DESC LIMIT 1),
-- posts considered at T: created at or before T
p AS (SELECT rowid AS prow, pid, uid, ts AS created, parent FROM ev
      WHERE ts <= ${T} AND type = 'post' AND parent IS DISTINCT FROM pid),
-- the user's attributes as of T (an account event sets only the fields it has)
u_region AS (SELECT uid, arg_max(region, ts::HUGEINT * 4294967296 + rowid) AS region
             FROM ev WHERE ts <= ${T} AND type = 'account' AND region IS NOT NULL GROUP BY uid),
u_private AS (SELECT uid, arg_max(private, ts::HUGEINT * 4294967296 + rowid) AS private
              FROM ev WHERE ts <= ${T} AND type = 'account' AND private IS NOT NULL GROUP BY uid),
u_birth AS (SELECT uid, arg_max(birth_date, ts::HUGEINT * 4294967296 + rowid) AS birth
            FROM ev WHERE ts <= ${T} AND type = 'account' AND birth_date IS NOT NULL GROUP BY uid),
-- an account's deletion: its first account_delete, as a (ts, seq) key
acc_del AS (SELECT uid, arg_min(ts::HUGEINT * 4294967296 + rowid, rowid) AS k
            FROM ev WHERE type = 'account_delete' GROUP BY uid),
u_del AS (SELECT uid FROM acc_del WHERE k < (${T} + 1)::HUGEINT * 4294967296),
-- links: per unordered pair, the latest link/unlink as of T
lk AS (SELECT least(e.uid, e.wuid) AS a, greatest(e.uid, e.wuid) AS b,
              arg_max(e.type, e.ts::HUGEINT * 4294967296 + e.rowid) AS state
       FROM ev e
       LEFT JOIN acc_del d1 ON d1.uid = e.uid
       LEFT JOIN acc_del d2 ON d2.uid = e.wuid
       WHERE e.ts <= ${T} AND e.type IN ('link', 'unlink') AND e.uid <> e.wuid
         AND (d1.k IS NULL OR d1.k > e.ts::HUGEINT * 4294967296 + e.rowid)
         AND (d2.k IS NULL OR d2.k > e.ts::HUGEINT * 4294967296 + e.rowid)
       GROUP BY ALL),
ed AS (SELECT a AS x, b AS y FROM lk WHERE state = 'link'
       UNION ALL SELECT b, a FROM lk WHERE state = 'link'),
-- reach(x, y): y is x's account or linked to it through other accounts
reach AS (SELECT x, y FROM ed
          UNION
          SELECT r.x, e.y FROM reach r JOIN ed e ON e.x = r.y),
-- the person of every linked account: the least account id of its component
person AS (SELECT x AS uid, least(x, min(y)) AS label FROM reach GROUP BY x),
-- each account's own latest preference as of T, then the person's: the
-- latest among its accounts (deleted ones too)
u_pref_own AS (SELECT uid, max(ts::HUGEINT * 4294967296 + rowid) AS k,
                      arg_max(ai_training, ts::HUGEINT * 4294967296 + rowid) AS pref
               FROM ev WHERE ts <= ${T} AND type = 'preference' GROUP BY uid),
person_pref AS (SELECT pe.label, arg_max(o.pref, o.k) AS pref
                FROM person pe JOIN u_pref_own o ON o.uid = pe.uid GROUP BY pe.label),
u_pref AS (SELECT o.uid, o.pref FROM u_pref_own o ANTI JOIN person pe ON pe.uid = o.uid
           UNION ALL
           SELECT pe.uid, pp.pref FROM person pe JOIN person_pref pp ON pp.label = pe.label),
-- the post's attributes as of T; a post is deleted by its first delete
p_del AS (SELECT pid FROM ev WHERE type = 'delete' GROUP BY pid HAVING arg_min(ts, rowid) <= ${T}),
p_vis AS (SELECT pid, arg_max(visibility, ts::HUGEINT * 4294967296 + rowid) AS vis
          FROM ev WHERE ts <= ${T} AND type IN ('post', 'visibility') GROUP BY pid),
-- a post without "signals" has none; an edit without "signals" keeps them
p_sig AS (SELECT pid, arg_max(coalesce(signals, []::VARCHAR[]), ts::HUGEINT * 4294967296 + rowid) AS sig
          FROM ev WHERE ts <= ${T} AND (type = 'post' OR (type = 'edit' AND signals IS NOT NULL)) GROUP BY pid),
-- a post's mentions: those of the latest post/edit that carried "mentions"
p_men AS (SELECT pid, arg_max(mentions, ts::HUGEINT * 4294967296 + rowid) AS men
          FROM ev WHERE ts <= ${T} AND type IN ('post', 'edit') AND mentions IS NOT NULL GROUP BY pid),
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
-- every considered post with what checks 1-9 need; "gone" and "hidden" are
-- what an ancestor fails on under inherit_audience
pb AS (
  SELECT p.prow, p.pid, p.uid, p.created, p.parent, CAST(t.k % 4294967296 AS BIGINT) AS text_row,
         pd.pid IS NOT NULL OR ud.uid IS NOT NULL AS gone,
         NOT coalesce(list_contains(v.visibility, pv.vis), false) OR coalesce(upv.private, false) AS hidden,
         ub.birth, coalesce(rm.mode, dm.mode) AS mode, ps.sig, coalesce(up.pref, 'unset') AS pref
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
-- the parent of each considered post, when it is considered too (posts
-- are keyed by the row of their post event from here on)
up1 AS MATERIALIZED (
  SELECT c.prow AS child, a.prow AS anc, a.gone OR a.hidden AS bad, c.gone OR c.hidden AS child_bad
  FROM pb c JOIN pb a ON a.pid = c.parent
  WHERE (SELECT inherit FROM ver)),
-- the walk goes on only from an ancestor that passed
up1_from_good AS MATERIALIZED (SELECT child, anc, bad FROM up1 WHERE NOT child_bad),
-- the thread walk (inherit_audience): one row per ancestor looked at
walk AS (
  SELECT child AS start, anc AS cur, 1 AS depth, bad FROM up1
  UNION ALL
  SELECT w.start, u.anc, w.depth + 1, u.bad
  FROM walk w JOIN up1_from_good u ON u.child = w.cur
  WHERE NOT w.bad AND w.depth < 100 AND u.anc <> w.start),
thread_fails AS (SELECT DISTINCT start AS prow FROM walk WHERE bad),
-- check 10: an account whose objection is honoured (not deleted, region
-- mode opt_out/opt_in, person's preference deny; "known" follows: a deny
-- comes from its own preference event or from a link to it, both as of T)
honoured AS (
  SELECT up.uid FROM u_pref up
  CROSS JOIN defmode dm
  LEFT JOIN u_region ur ON ur.uid = up.uid
  LEFT JOIN rmode rm ON rm.region = ur.region
  WHERE up.pref = 'deny' AND coalesce(rm.mode, dm.mode) IN ('opt_out', 'opt_in')
    AND up.uid NOT IN (SELECT uid FROM u_del)),
mentioned AS (
  SELECT DISTINCT m.pid
  FROM (SELECT pid, unnest(men) AS muid FROM p_men WHERE len(men) > 0 AND (SELECT honor_mentions FROM ver)) m
  JOIN honoured h ON h.uid = m.muid
  JOIN p ON p.pid = m.pid
  LEFT JOIN person pa ON pa.uid = p.uid
  LEFT JOIN person pm ON pm.uid = m.muid
  WHERE coalesce(pa.label, p.uid) <> coalesce(pm.label, m.muid)),
d AS (
  SELECT b.pid, b.text_row,
    CASE
      WHEN b.gone THEN 'deleted'
      WHEN v.id IS NULL THEN 'no_policy'
      WHEN v.content_since IS NOT NULL AND b.created < v.content_since THEN 'too_old'
      WHEN v.min_age IS NOT NULL AND b.birth IS NOT NULL
           AND year(make_timestamp(b.created)) - year(b.birth)
               - CASE WHEN month(make_timestamp(b.created)) * 100 + day(make_timestamp(b.created))
                           < month(b.birth) * 100 + day(b.birth) THEN 1 ELSE 0 END
               < v.min_age THEN 'minor'
      WHEN b.mode = 'excluded' THEN 'region_excluded'
      WHEN b.hidden OR tf.prow IS NOT NULL THEN 'not_public'
      WHEN len(list_intersect(coalesce(b.sig, []::VARCHAR[]), v.honor)) > 0 THEN 'signal'
      WHEN b.mode = 'opt_out' AND b.pref = 'deny' THEN 'objected'
      WHEN b.mode = 'opt_in' AND b.pref <> 'allow' THEN 'no_consent'
      WHEN mn.pid IS NOT NULL THEN 'mentioned'
      ELSE 'included'
    END AS reason
  FROM pb b
  LEFT JOIN ver v ON true
  LEFT JOIN thread_fails tf ON tf.prow = b.prow
  LEFT JOIN mentioned mn ON mn.pid = b.pid),
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
  count(*) FILTER (WHERE reason = 'mentioned') AS mentioned,
  (SELECT digest FROM digest) AS digest
FROM d
