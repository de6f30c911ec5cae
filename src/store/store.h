/*
 * store.h — the licit store: an LMDB environment holding the event log and
 * the state that answers "as of T" for any T.
 *
 * What is kept (one LMDB named database each):
 *   meta      string key -> value: format version, counters, pseudonym key,
 *             the installed policy, followed feeds' cursors (cursor.c)
 *   log       seq (u64) -> encoded event (event.h): every accepted event in
 *             arrival order; text lives only here
 *   ids       event id -> seq: duplicate detection
 *   postrec   post ordinal (u32) -> post record (below), which names the
 *             post's id: new posts are appended, and a scan reads them in
 *             the order they arrived
 *   postids   post id -> post ordinal (u32): the id index, in the bytewise
 *             id order snapshots are written in
 *   users     user id -> user ordinal (u32)
 *   ustate    user ordinal -> user record (below)
 *   uposts    user ordinal -> post ordinals (sorted duplicates): per-user index
 *   signals   signal token -> signal ordinal (u32)
 *   snapshots snapshot name -> snapshot record
 *   snapbits  (snapshot ordinal, chunk) -> bitmap of included post ordinals
 *   policies  install number (u64) -> policy JSON: every policy ever installed
 *   orphans   parent post id -> ordinals of replies that arrived before it
 *   links     (lower user ordinal, higher) -> history of link (1) / unlink (0)
 *   ulinks    user ordinal -> ordinals of every account it was ever linked to
 *   umentions user ordinal -> ordinals of every post that ever mentioned it
 *   manifests snapshot name -> its manifest.json and manifest.json.sig as written
 *   merkle    (snapshot ordinal, kind, chunk) -> a snapshot's Merkle leaves
 *             (post ordinals in leaf order) and complete subtree hashes
 *
 * Records hold integers (ordinals, times, log positions), never text, so the
 * records evaluation scans stay small.  Every history entry carries the seq of
 * the event that set it, so any decision can cite its event.
 *
 * Guarantees: a write transaction commits atomically (LMDB), so a process
 * killed at any moment leaves the store at its last commit: a prefix of the
 * accepted events.  Readers see the last commit and never block the writer.
 * Records use native byte order.
 */
#ifndef LICIT_STORE_H
#define LICIT_STORE_H

#include "core/buf.h"
#include "event/event.h"
#include "licit.h"

typedef struct licit_store licit_store;
typedef struct licit_txn licit_txn; /* a read or a write transaction */

/* One history entry: the value set by event `seq` at time `ts`.  Lists are
 * kept sorted by (ts, seq). */
typedef struct licit_hist {
  int64_t ts;
  uint64_t seq;
  int32_t val; /* meaning depends on the list */
  int32_t aux;
} licit_hist;

/* A text version: the entry plus the SHA-256 of the text (the text itself is
 * in the log record of event `h.seq`).  h.val is 1 when the text was
 * flagged as an opt-out notice at ingest (licit_event.optout_notice). */
typedef struct licit_text_hist {
  licit_hist h;
  uint8_t sha[32];
} licit_text_hist;

/* The post record, decoded into aligned memory owned by a licit_buf. */
typedef struct licit_post_rec {
  uint32_t ord;
  uint32_t id_len;
  const char *id; /* the post's id (in the scratch buffer) */
  uint32_t user; /* author's user ordinal */
  int64_t created_ts;
  uint64_t created_seq;
  int64_t del_ts;   /* LICIT_TIME_NONE when not deleted */
  uint64_t del_seq; /* 0 when not deleted */
  uint32_t n_vis, n_text, n_sig, n_sigords;
  const licit_hist *vis;        /* val = licit_vis */
  const licit_text_hist *text;  /* val = opt-out notice flag */
  const licit_hist *sig;        /* val = offset into sigords, aux = count */
  const uint32_t *sigords;
  /* The parent post's ordinal + 1; 0 when the post is no reply or its
   * parent has not arrived yet (it is filled in when the parent arrives). */
  uint32_t parent;
  /* Mentions: entries like sig (val = offset into menords, aux = count);
   * menords are user ordinals, distinct within an entry. */
  uint32_t n_men, n_menords;
  const licit_hist *men;
  const uint32_t *menords;
} licit_post_rec;

/* Whether a decoded record is the post with this id. */
static inline bool licit_post_names(const licit_post_rec *r, const char *id, size_t n) {
  return r->id_len == n && memcmp(r->id, id, n) == 0;
}

/* The user record.  val meanings: region = (c0 << 8 | c1), 0 for "";
 * private = 0/1; birth = days since epoch; pref = licit_pref; del unused. */
typedef struct licit_user_rec {
  uint32_t ord;
  uint32_t n_region, n_private, n_birth, n_pref, n_del;
  const licit_hist *region, *private_, *birth, *pref, *del;
  const char *id;
  size_t id_len;
  /* An account is known from its first accepted event (seq first_seq; 0
   * for records older than this field: known from the start).  An account
   * that was only mentioned has a record (so posts can name it by
   * ordinal) but is not known: unknown == true. */
  bool unknown;
  uint64_t first_seq;
} licit_user_rec;

/* The entry in force at T among those with seq <= maxseq: the one with the
 * greatest (ts, seq) with ts <= T; NULL when none. */
const licit_hist *licit_hist_at(const licit_hist *h, uint32_t n, size_t stride, int64_t T,
                                uint64_t maxseq);

typedef struct licit_store_stats {
  uint64_t events, posts, users, signals, snapshots, policies;
  uint64_t bytes_on_disk; /* data file, allocated blocks (the map; see store.c) */
  uint64_t bytes_used;    /* pages LMDB has in use */
} licit_store_stats;

/* licit_store_open flags (0: open, creating the store when missing). */
#define LICIT_STORE_RDONLY 1u   /* read only: never creates, never writes */
#define LICIT_STORE_EXISTING 2u /* read-write, but never creates a store */
#define LICIT_STORE_FEED 4u     /* a writer that feeds events in (ingest, follow) */

/* The store's size from which writers keep the page cache in 4 KiB folios
 * (docs/store.md, rounds 9 and 10), as a 4 KiB write into a large folio
 * writes the whole folio back: the ingest's warming reads ahead with
 * readahead(2) from there on, and a writer that adds less than the store
 * holds has its map advised MADV_RANDOM beyond it (licit_store_open_adding),
 * so that its page faults do not read around into large folios. */
#define LICIT_STORE_SMALL_FOLIOS_FROM ((uint64_t)1 << 30)

/* licit_store_open for a writer that expects to add about `adds` bytes
 * (an ingest: from its input's size).  A writer that adds less than the
 * store holds, in a store of LICIT_STORE_SMALL_FOLIOS_FROM or more, keeps
 * the page cache it reads in small folios (store.c, random_tail); with
 * LICIT_STORE_FEED (an incremental ingest, a follower) it does so in a
 * store of any size and first drops the clean cache of the store's first
 * 2 GiB, where a first ingest leaves large folios (small_writer). */
int licit_store_open_adding(const char *dir, unsigned flags, uint64_t adds, licit_store **out, licit_err *err);

/* Opens the store in directory `dir`.  Without flags a missing store is
 * created (the directory too).  With LICIT_STORE_RDONLY or
 * LICIT_STORE_EXISTING a missing store is LICIT_ENOSTORE (naming `dir`)
 * and nothing is created.  A read-only open maps the file read-only, so it
 * works on a store the user may read but not write; without write access
 * to DIR/lock.mdb it reads without LMDB's lock table, which is safe only
 * when no writer runs (a copy, a read-only mount).  A store of an older
 * format opens read-only as it is (tables added since read as empty); a
 * write open upgrades it.  A store of a newer format is LICIT_ESTORE.
 * Errors: LICIT_ENOSTORE, LICIT_EIO, LICIT_ESTORE, LICIT_ENOSPACE (a new
 * store on a full disk), LICIT_ENOMEM, each with a message naming `dir`. */
int licit_store_open(const char *dir, unsigned flags, licit_store **out, licit_err *err);
void licit_store_close(licit_store *s);
const char *licit_store_dir(const licit_store *s);

/* Makes room for a write transaction that may add about `bytes` to the
 * store (and copy-on-write up to half of it): grows the map when needed
 * and allocates the data file's blocks under all of it, so that no page
 * the transaction writes can lack disk space (which would be SIGBUS, not
 * an error).  Call it with no transaction open in this process, before
 * every licit_txn_begin(write).  LICIT_ENOSPACE, naming the store and the
 * space missing, when the file system cannot hold that much (nothing is
 * changed; earlier commits stay); LICIT_EUSAGE on a read-only store.  A
 * write that still outgrows the map fails with LICIT_EFULL. */
int licit_store_reserve(licit_store *s, size_t bytes, licit_err *err);

/* For a writer on another thread (the ingest pipeline).  The bytes of the
 * data file the last commit uses (0 when LMDB cannot say); a write
 * transaction takes its new pages from there on. */
uint64_t licit_store_used_bytes(licit_store *s);
/* Brings the data file's pages in [from, to) into the page cache ahead of
 * the writer (pages already there cost a look-up), so that the writer's
 * first touch of a new page does not wait for the kernel to make it
 * (zero-filling a page is about a fifth of an ingest's writing thread
 * otherwise).  `through_map`: by mapping them in this process
 * (MADV_POPULATE_READ), where the kernel's fault path reads them into
 * folios of up to 2 MiB; else with readahead(2), in 4 KiB folios (a 4 KiB
 * write through the shared map dirties its whole folio, which is then
 * written whole).  Changes nothing in the file; safe from any thread at
 * any time; only an optimisation. */
void licit_store_warm(licit_store *s, uint64_t from, uint64_t to, bool through_map);
/* Starts writing back the log file's records written since the last call
 * (sync_file_range(2), SYNC_FILE_RANGE_WRITE) when there are at least
 * min_bytes of them, so that the commit's fdatasync finds them on the way
 * or on disk.  Waits while the device is busy, and is meant for a thread
 * with time to spare (the ingest's parsing thread while the ring is full);
 * call it from one thread only.  Changes nothing in the file; only an
 * optimisation.  Returns whether it started anything. */
bool licit_store_log_writeback(licit_store *s, uint64_t min_bytes);
/* Brings the log file's page cache up to `ahead` bytes beyond what the
 * writer has written (at most `step` a call, nothing while less than
 * step / 4 is missing), so that the writer's appends copy into pages that
 * exist: on a machine whose free memory goes back to a hypervisor (free
 * page reporting), a page touched for the first time costs a fault on the
 * host, and 3 GB of new log cost the writer about 4 s at 10M events
 * (docs/store.md, round 28).  Only while a write transaction is open; the
 * file grows (ftruncate(2), under the lock that the writer's appends
 * take, so never shorter than what it holds) to the end of what is
 * warmed, with holes or the blocks the batch reserved, and the commit
 * cuts it back to its records before it syncs the file: a killed writer
 * leaves zeros beyond the committed end, which the next write transaction
 * cuts off (log_begin).  Meant for a thread with time to spare; call it
 * from one thread only.  Returns whether it did anything. */
bool licit_store_log_warm(licit_store *s, uint64_t ahead, uint64_t step);
/* A hint from the thread that feeds write transaction t: the hashes
 * (licit_hash64, 0 for none) of the post id (new_post: of a post event),
 * the parent id and the account id an event a few places ahead will look
 * up.  Asks the processor for the cache lines those look-ups will read
 * first: the post filter's block (and the orphans filter's for a new
 * post), the held-back ids' slot and the account cache's set.  Reads
 * nothing from the store and changes no answer; only an optimisation.
 * For the thread that owns t. */
void licit_txn_hint(licit_txn *t, uint64_t post, bool new_post, uint64_t parent, uint64_t user);
/* The data file's offset where write transaction t takes its next new
 * page (pages before it are in use or reused from the free list); 0 when
 * unknown.  For the thread that owns t. */
uint64_t licit_txn_write_end(const licit_txn *t);
/* For an ingest that will add many posts (src/store/pending.c): builds a
 * filter of the store's post ids (a scan of them; sized for expect_new
 * more) so that looking up a post that does not exist rarely touches the
 * table, and lets write transaction t hold new and changed posts back to
 * put them sorted.  Kept across this process's batches while no other
 * process commits in between.  0, or LICIT_E* (then it is just not used). */
int licit_store_filter_posts(licit_txn *t, uint64_t expect_new);
/* Between two events of a write transaction: puts the posts it holds back
 * once enough wait.  Records read before are invalid after it.  0 or
 * LICIT_E*. */
int licit_txn_checkpoint(licit_txn *t);

/* Transactions.  A read transaction sees the last commit.  Only one write
 * transaction runs at a time in the whole system (others wait).  Decoded
 * records and looked-up strings are valid until the transaction ends. */
int licit_txn_begin(licit_store *s, bool write, licit_txn **out, licit_err *err);
/* A read transaction on the same commit as read transaction t, for another
 * thread of the same scan: begin it, use it and end it (abort) on that
 * thread, before t ends.  1 (none made) when t writes or a commit came in
 * between; then read through t. */
int licit_txn_begin_sibling(licit_txn *t, licit_txn **out);
int licit_txn_commit(licit_txn *t, licit_err *err); /* frees t, also on failure */
void licit_txn_abort(licit_txn *t);                 /* frees t; NULL ok */

/* The log length: the seq of the last accepted event. */
uint64_t licit_txn_log_len(const licit_txn *t);
uint64_t licit_txn_n_posts(const licit_txn *t);
uint64_t licit_txn_n_users(const licit_txn *t);

/* The per-store secret for author pseudonyms (32 bytes, created with the
 * store). */
int licit_txn_pseudonym_key(licit_txn *t, const uint8_t **key);

/* ------------------------------------------------------------ writing -- */

/* Storing an accepted event.  The store judges nothing: the acceptance
 * rules of SPEC section 2 are the ingest's rules stage (src/ingest/rules.h),
 * which reads what it needs with the typed look-ups below and the
 * licit_*_get functions, decides, and hands what it loaded to
 * licit_store_write.  All of these need a write transaction. */

/* What the rules stage loaded for an event, handed to the writer so it does
 * not look the same records up again. */
typedef struct licit_loaded {
  bool user_found;     /* post: the author; account events and link: `user` */
  licit_user_rec user;
  bool with_found;     /* link, unlink: the other account */
  licit_user_rec with;
  licit_post_rec post; /* edit, visibility, delete: the post */
  uint32_t parent;     /* post: the parent's ordinal + 1, 0 when not in the store */
} licit_loaded;

/* The seq the next accepted event gets. */
uint64_t licit_txn_next_seq(const licit_txn *t);
/* Scratch buffers owned by the transaction for its caller's use (slots
 * 0..LICIT_TXN_BUFS-1), freed when it ends; NULL for another slot. */
#define LICIT_TXN_BUFS 4
licit_buf *licit_txn_buf(licit_txn *t, int slot);
/* An account by id: *found false when the store has no record of it.  A
 * record with u->unknown set is an account that was only mentioned. */
int licit_store_user_lookup(licit_txn *t, licit_strv id, bool *found, licit_user_rec *u, licit_buf *scratch);
/* A post by id: *found false when the store has none. */
int licit_store_post_lookup(licit_txn *t, licit_strv id, bool *found, licit_post_rec *p, licit_buf *scratch);
/* Claims an event id for event `seq` in one look-up: 0 when claimed,
 * LICIT_EDUPLICATE (with *dup_of, the seq that has it) when it was taken. */
int licit_store_claim_id(licit_txn *t, licit_strv id, uint64_t seq, uint64_t *dup_of);
/* Gives a claimed id back (the event was then rejected). */
int licit_store_release_id(licit_txn *t, licit_strv id);
/* Appends the event at `seq` (= licit_txn_next_seq) and updates the state.
 * On failure (LICIT_ESTORE, LICIT_EFULL, LICIT_ENOMEM, LICIT_EIO, with err)
 * the transaction must be aborted. */
int licit_store_write(licit_txn *t, const licit_event *ev, const licit_loaded *ld, uint64_t seq, licit_err *err);

/* ----------------------------------------------------------- lookups -- */

/* By id: its ordinal from postids, then the record, which must name the
 * same id (so a damaged index is LICIT_ESTORE, never another post).
 * Decodes into `scratch` (owned by the caller, reused between calls). */
int licit_post_get(licit_txn *t, const char *id, size_t n, licit_post_rec *rec, licit_buf *scratch);
/* The id of a post ordinal, read from its record (valid for the
 * transaction, and in a write transaction until its next write). */
int licit_post_id(licit_txn *t, uint32_t ord, licit_strv *id);
/* An account by ordinal (in a write transaction through its cache of
 * accounts): LICIT_ENOTFOUND when there is no such record. */
int licit_user_get(licit_txn *t, uint32_t ord, licit_user_rec *rec, licit_buf *scratch);
int licit_user_ord(licit_txn *t, const char *id, size_t n, uint32_t *ord);
/* The event at `seq`; strings point into the store (valid for the txn). */
int licit_log_get(licit_txn *t, uint64_t seq, licit_event *ev, licit_strv *sigbuf, size_t sigcap);
/* The seq of the accepted event with this id; LICIT_ENOTFOUND when none. */
int licit_store_event_id(licit_txn *t, const char *id, size_t n, uint64_t *seq);
/* The signal token of an ordinal / the ordinal of a token. */
int licit_signal_ord(licit_txn *t, const char *tok, size_t n, uint32_t *ord);

/* A post by ordinal: one look-up in postrec; the record must name the
 * ordinal (else LICIT_ESTORE); LICIT_ENOTFOUND when there is no such
 * ordinal. */
int licit_post_get_ord(licit_txn *t, uint32_t ord, licit_post_rec *rec, licit_buf *scratch);

/* Links between accounts.  Each pair's history is a list of entries
 * (val 1: linked, 0: unlinked) sorted by (ts, seq). */
typedef struct licit_link_rec {
  uint32_t a, b; /* a < b */
  uint32_t n;
  const licit_hist *hist;
} licit_link_rec;
/* The pair's record; LICIT_ENOTFOUND when the two were never linked. */
int licit_link_get(licit_txn *t, uint32_t a, uint32_t b, licit_link_rec *rec, licit_buf *scratch);
/* Every account ever linked to `user`, ascending (free() *others). */
int licit_user_links(licit_txn *t, uint32_t user, uint32_t **others, size_t *n);
/* Every post that ever mentioned `user` (in a post or edit), ascending
 * by ordinal (free() *posts); whether it does as of T is in its record. */
int licit_user_mentioned_in(licit_txn *t, uint32_t user, uint32_t **posts, size_t *n);
/* Cursor over all pairs ever linked. */
typedef struct licit_link_iter licit_link_iter;
int licit_link_iter_open(licit_txn *t, licit_link_iter **out);
/* 1 with rec set (valid until the next call), 0 at the end, or an error. */
int licit_link_iter_next(licit_link_iter *it, licit_link_rec *rec, licit_buf *scratch);
void licit_link_iter_close(licit_link_iter *it);

/* Cursor over all posts in bytewise post-id order (licit_id_cmp). */
typedef struct licit_post_iter licit_post_iter;
int licit_post_iter_open(licit_txn *t, licit_post_iter **out);
/* The posts with from <= ordinal < to (to 0: no bound), in ordinal order:
 * the order they are stored in, read sequentially. */
int licit_post_iter_open_ords(licit_txn *t, uint32_t from, uint32_t to, licit_post_iter **out);
/* 1 with id and rec set, 0 at the end, or a negative error.  id may be
 * NULL (it is also rec->id); in id order the record must name the id of
 * its postids entry (else LICIT_ESTORE). */
int licit_post_iter_next(licit_post_iter *it, licit_strv *id, licit_post_rec *rec, licit_buf *scratch);
/* An id-order iterator's next post without its record: 1 with its id
 * and ordinal, 0 at the end, or a negative error. */
int licit_post_iter_next_ord(licit_post_iter *it, licit_strv *id, uint32_t *ord);
/* The current post's id (from its record, valid until the next call). */
int licit_post_iter_id(licit_post_iter *it, licit_strv *id);
void licit_post_iter_close(licit_post_iter *it);

/* The leading part of a post record, which the thread walk needs.  vis
 * points into the caller's memory. */
typedef struct licit_post_head {
  uint32_t ord, user, parent, n_vis;
  int64_t created_ts, del_ts;
  uint64_t created_seq, del_seq;
  const licit_hist *vis;
} licit_post_head;
/* How many posts were stored with a parent (replies), for evaluations that
 * can skip the thread pass when there are none. */
uint64_t licit_txn_n_replies(const licit_txn *t);

/* The post ordinals of a user, ascending. */
int licit_user_posts(licit_txn *t, uint32_t user, uint32_t **ords, size_t *n);
/* The account's posts plus the posts that ever mentioned it, counted as
 * stored (a write transaction's held-back entries are not counted): what a
 * report of it reads.  One descent into each table. */
int licit_user_weight(licit_txn *t, uint32_t user, size_t *n);

/* Cursor over all users in ordinal order. */
typedef struct licit_user_iter licit_user_iter;
int licit_user_iter_open(licit_txn *t, licit_user_iter **out);
/* The users with ordinals in [from, to), or from `from` on when to is 0. */
int licit_user_iter_open_range(licit_txn *t, uint32_t from, uint32_t to, licit_user_iter **out);
/* 1 with rec set, 0 at the end, or a negative error. */
int licit_user_iter_next(licit_user_iter *it, licit_user_rec *rec, licit_buf *scratch);
void licit_user_iter_close(licit_user_iter *it);

/* ----------------------------------------------------------- lineage -- */

/* A registered snapshot.  The set of included posts is kept as a bitmap
 * over post ordinals (a bit per post; all-zero chunks are not stored), so
 * "was post P in snapshot S?" is one lookup. */
#define LICIT_SNAP_COUNTS 12 /* considered, included, then excluded[1..10] by reason */
typedef struct licit_snapshot_info {
  uint32_t ord;          /* registration order, from 0 */
  uint32_t nbits;        /* post ordinals covered: the store's post count at build */
  int64_t at;
  uint64_t log_position;
  uint64_t counts[LICIT_SNAP_COUNTS];
  char digest[65];
  char merkle_root[65];  /* "" for a snapshot built before Merkle roots */
  uint64_t policy_install; /* the install (table policies) it was built under; 0: none or unknown */
  char *name;            /* owned by the info (licit_snapshot_info_free) */
  char *policy_name;     /* NULL when no policy */
  char *policy_version;  /* NULL when no version was in force */
  char *out_dir;
} licit_snapshot_info;

void licit_snapshot_info_free(licit_snapshot_info *s);

/* What a snapshot registers beside its record and bitmap, so that proofs
 * cost O(log n) look-ups and never a re-read of the documents:
 *  - leaf_ords: the post ordinal of each Merkle leaf, in leaf (id) order;
 *  - level[j]: the hashes of the complete subtrees of 2^(min_level + j)
 *    leaves, level_n[j] of them, for j < n_levels;
 *  - the manifest and signature bytes exactly as written. */
typedef struct licit_snapshot_extra {
  uint64_t n_leaves;
  const uint32_t *leaf_ords;
  unsigned min_level, n_levels;
  const uint8_t *const *level;
  const uint64_t *level_n;
  const char *manifest, *sig;
  size_t manifest_len, sig_len;
} licit_snapshot_extra;

/* Registers a snapshot, its bitmap (nbits bits, LSB-first in 64-bit
 * words) and `x` (may be NULL: no Merkle data, no manifest).  Sets
 * info->ord.  LICIT_EEXISTS when the name is taken. */
int licit_snapshot_register(licit_txn *t, licit_snapshot_info *info, const uint64_t *bits,
                            const licit_snapshot_extra *x, licit_err *err);
/* LICIT_ENOTFOUND when no snapshot has that name. */
int licit_snapshot_get(licit_txn *t, const char *name, licit_snapshot_info *info);
/* All snapshots in registration order; free with licit_snapshot_list_free. */
int licit_snapshot_list(licit_txn *t, licit_snapshot_info **arr, size_t *n);
void licit_snapshot_list_free(licit_snapshot_info *arr, size_t n);
/* 1 when the snapshot included post `post_ord`, 0 when not, < 0 on error. */
int licit_snapshot_has(licit_txn *t, const licit_snapshot_info *s, uint32_t post_ord);
/* The same answers for many posts against one snapshot (a report: every
 * post of an account): each chunk of the bitmap is looked up once and kept
 * as a pointer into the map, valid while the read transaction t lasts (in a
 * write transaction every question is looked up).  Zero-initialise, then
 * ask; licit_snap_reader_free when done. */
typedef struct licit_snap_reader {
  const unsigned char **chunk; /* per chunk: its bytes, NULL while not looked up */
  uint32_t *len;               /* per chunk: its length, UINT32_MAX when absent (no bits) */
  size_t nchunks;
} licit_snap_reader;
int licit_snap_reader_has(licit_txn *t, const licit_snapshot_info *s, licit_snap_reader *r, uint32_t post_ord);
void licit_snap_reader_free(licit_snap_reader *r);
/* licit_snap_reader_free of each of n readers, then free(r) (NULL: nothing). */
void licit_snap_readers_free(licit_snap_reader *r, size_t n);
/* The snapshot's whole bitmap (nbits bits, zero-filled words; free()). */
int licit_snapshot_bits(licit_txn *t, const licit_snapshot_info *s, uint64_t **bits);

/* The manifest and signature a snapshot wrote (pointing into the store:
 * valid until the transaction ends).  LICIT_ENOTFOUND for a snapshot
 * registered before the store kept them. */
int licit_snapshot_manifest(licit_txn *t, const char *name, licit_strv *manifest, licit_strv *sig);
/* The post ordinal of Merkle leaf i of snapshot s.  LICIT_ENOTFOUND when the
 * snapshot has no Merkle data or i is out of range. */
int licit_snapshot_leaf_ord(licit_txn *t, const licit_snapshot_info *s, uint64_t i, uint32_t *ord);
/* The stored hash of the complete subtree (level, index) of snapshot s;
 * LICIT_ENOTFOUND when not stored (levels below the snapshot's minimum). */
int licit_snapshot_node(licit_txn *t, const licit_snapshot_info *s, unsigned level, uint64_t index,
                        uint8_t out[32]);
/* The lowest level of complete subtrees the store keeps for snapshots. */
#define LICIT_MERKLE_MIN_LEVEL 5

/* The policy JSON of install number `no` (1, 2, ...; table policies);
 * LICIT_ENOTFOUND when there is none.  Valid until the transaction ends. */
int licit_store_policy_install(licit_txn *t, uint64_t no, licit_strv *json);
/* The number of the installed policy (0: none installed). */
uint64_t licit_txn_policy_installs(const licit_txn *t);

/* -------------------------------------------------------------- keys -- */

/* The store's snapshot signing key (Ed25519, SPEC section 5): its private
 * seed and public key (32 bytes each).  A write transaction makes the
 * pair when the store has none yet (a store made by an earlier version);
 * a read transaction then gets LICIT_ENOTFOUND.  The seed never leaves
 * the store except through this call. */
int licit_store_sign_key(licit_txn *t, uint8_t seed[32], uint8_t pub[32], licit_err *err);

/* ------------------------------------------------------------ tokens -- */

/* What the server's access tokens need from the store (SPEC section 9;
 * src/store/tokens.c).  None of these is the snapshot signing key.
 *
 * licit_store_token_key: the Ed25519 key that signs person tokens, as its
 *   32-byte seed and public key.  A write transaction makes it when the
 *   store has none; a read transaction then gets LICIT_ENOTFOUND.
 * licit_store_operator_token: the operator's opaque secret (NUL-terminated
 *   into out).  A write transaction makes it when there is none, and with
 *   `rotate` replaces it (the old one stops working at the commit); a read
 *   transaction without one gets LICIT_ENOTFOUND.
 * licit_store_token_revoke: every token of `user` with iat <= at_s (Unix
 *   seconds) is invalid from the commit on; a later revocation only moves
 *   the mark forward.  LICIT_EINVAL for a string that is no user id.
 * licit_store_token_revoked: the mark of `user`: 0 with *at_s set, or
 *   LICIT_ENOTFOUND when its tokens were never revoked.
 * Errors otherwise: LICIT_ESTORE (damaged entry), LICIT_EIO, with err. */
#define LICIT_OPERATOR_TOKEN_MAX 96
int licit_store_token_key(licit_txn *t, uint8_t seed[32], uint8_t pub[32], licit_err *err);
int licit_store_operator_token(licit_txn *t, bool rotate, char out[LICIT_OPERATOR_TOKEN_MAX], licit_err *err);
int licit_store_token_revoke(licit_txn *t, const char *user, size_t n, int64_t at_s, licit_err *err);
int licit_store_token_revoked(licit_txn *t, const char *user, size_t n, int64_t *at_s);

/* ---------------------------------------------------------- policies -- */

/* Installs policy JSON text (already validated) as the current policy. */
int licit_store_policy_put(licit_txn *t, const char *json, size_t n);
/* The current policy text, or LICIT_ENOPOLICY. */
int licit_store_policy_get(licit_txn *t, licit_strv *json);

/* ----------------------------------------------------------- cursors -- */

/* A followed feed's cursor (src/follow): how far its messages were
 * processed, as a time_us, written in the same write transaction as the
 * events of those messages, so a commit holds both or neither.  `feed` is
 * the feed key (follow.h: the URL without its cursor parameter), 1 byte or
 * more; long keys are stored by their SHA-256.  Kept in the meta table.
 * licit_cursor_get: 0 with *cursor set, LICIT_ENOTFOUND when the feed has
 * none, LICIT_ESTORE for a damaged entry.  licit_cursor_put needs a write
 * transaction; LICIT_EINVAL for an empty key, else LMDB's errors as
 * licit_txn_commit's (with err). */
int licit_cursor_get(licit_txn *t, const char *feed, size_t n, int64_t *cursor);
int licit_cursor_put(licit_txn *t, const char *feed, size_t n, int64_t cursor, licit_err *err);

/* Sizes and counters.  LICIT_ESTORE / LICIT_EIO when LMDB cannot say
 * (then *st is zeroed). */
int licit_store_stats_get(licit_txn *t, licit_store_stats *st);

/* Maps every page of the store into this process ahead of a full scan
 * (eval, snapshot, debt): one system call instead of a page fault per page.
 * Only an optimisation; does nothing where the kernel cannot. */
void licit_store_prefault(licit_store *s);

/* Maps the data file's bytes [from, to) writable in this process ahead of
 * the writer (MADV_POPULATE_WRITE), so that its first writes there do not
 * fault.  Where the file has no blocks yet (beyond licit_store_reserve)
 * the kernel declines, and nothing changes.  The pages become dirty: call
 * it only for pages the writer is about to take, or they are written out
 * empty at the next commit.  Does nothing where the kernel cannot (before
 * Linux 5.14). */
void licit_store_warm_write(licit_store *s, uint64_t from, uint64_t to);
/* The store of a transaction. */
licit_store *licit_txn_store(licit_txn *t);

/* Reading many posts by ordinal on one core is paced by memory: each post
 * is a look-up ending on a leaf page of a large table that is rarely
 * cached.  licit_prefetch_posts starts a thread that reads the same posts
 * (ords[0..n), the caller's array, kept alive until the end) through a
 * read transaction on t's commit, from the end backwards, so that their
 * pages are mapped and cached when the caller reaches them; the caller says
 * how far it got with licit_prefetch_at (the thread stops there) and calls
 * licit_prefetch_end before t ends.  NULL (nothing started, and every call
 * a no-op) below `min` posts (starting a thread costs some tens of µs:
 * LICIT_PREFETCH_MIN for a caller's walk), for a write transaction, while
 * two such threads run for the store already (each holds an LMDB reader
 * slot), or when no thread can be had; the thread reads nothing when a
 * commit came in between.  Only an
 * optimisation: the thread's reads are never used. */
#define LICIT_PREFETCH_MIN 64
typedef struct licit_prefetch licit_prefetch;
licit_prefetch *licit_prefetch_posts(licit_txn *t, const uint32_t *ords, size_t n, size_t min);
void licit_prefetch_at(licit_prefetch *p, size_t i);
void licit_prefetch_end(licit_prefetch *p);

#endif
