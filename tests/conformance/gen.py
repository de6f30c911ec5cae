#!/usr/bin/env python3
"""Random native JSON Lines event streams (SPEC section 2) full of edge cases,
and optionally a random valid policy (SPEC section 3).

Usage:
  gen.py --seed S [--events N] [--policy-out FILE] [--at-out FILE] > events.jsonl
  gen.py --workload --seed S [--events N] [--users U] [--reply-rate R]
         [--mention-rate R] [--link-rate R] > events.jsonl

The default stream is full of edge cases: replies to posts that never arrive
or arrive later (created before or after the reply), reply loops closed by a
late parent, a thread longer than 100 posts under a failing root, links and
unlinks at equal ts and arriving late, persons whose accounts sit in regions
with different modes, mentions of unknown, deleted and linked accounts and of
the author, mentions replaced or cleared by edits, and the new rejections.
--workload writes only valid, ordinary events at the workload rates
(REPLY_RATE, MENTION_RATE, LINK_RATE below).

--at-out writes interesting evaluation times (one per line, in assorted RFC 3339
spellings): hot spots, policy effective times and 1 us before them, some event
timestamps exactly as written, far past and far future.

Deterministic for a given seed (and N). Standard library only.
"""

import argparse
import datetime
import json
import random
import sys

US = 1_000_000
HOUR = 3600 * US
DAY = 24 * HOUR

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)

COUNTRIES = ["DE", "FR", "ES", "IE", "NO", "IS", "GB", "US", "BR", "AU", "DK", "SE", ""]
VISIBILITIES = ["public", "public", "public", "unlisted", "followers", "private"]
SIGNALS = ["noai", "noimageai", "no-train", "NoAI", "\u0000", "x" * 256]
KINDS = ["post", "comment", "photo", "video"]
LANGS = ["en", "de", "fr", "pt-BR", ""]
MODES = ["no_choice", "opt_out", "opt_in", "excluded"]

# Workload rates (also what --workload streams hold): the share of posts that
# reply to another post, the share of posts that mention someone, and the share
# of accounts linked to another account.
REPLY_RATE = 0.30
MENTION_RATE = 0.20
LINK_RATE = 0.05

EU = set("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())
EEA = EU | {"IS", "LI", "NO"}
CUSTOM_GROUPS = {
    "NORDIC": ["DK", "FI", "IS", "NO", "SE"],
    "BRITISH": ["GB", "IE"],
    "OCEANIA": ["AU", "NZ"],
    "LATAM": ["BR", "AR", "MX"],
}

TEXTS = [
    "hello world", "", "Grüße aus München ☕", "漢字とかな", "emoji 📷🎉 here",
    "quote \" backslash \\ slash / tab\t newline\n cr\r end",
    "nul\u0000inside", "\u0000", "I do not give Meta permission to use my photos",
    "Goodbye Meta AI. I do not consent.", "line1\nline2", "\u2028\u2029 separators",
    "del\u007fchar", "bell\u0007 esc\u001b", "\U0001F600 astral", "\ufeffBOM-in-text",
]


def iso(us):
    return EPOCH + datetime.timedelta(microseconds=us)


def us_of(y, mo, d, h=0, mi=0, s=0):
    dt = datetime.datetime(y, mo, d, h, mi, s, tzinfo=datetime.timezone.utc)
    return (dt - EPOCH) // datetime.timedelta(microseconds=1)


# Times where things collide: midnights, leap days, year ends, policy dates.
HOT_SPOTS = [
    us_of(2023, 12, 31, 21),
    us_of(2024, 2, 28, 21),
    us_of(2024, 6, 25, 22),
    us_of(2024, 12, 31, 22),
    us_of(2025, 2, 28, 20),
    us_of(2025, 6, 30, 23),
]

OFFSETS = [("Z", 0)] * 4 + [("z", 0), ("+00:00", 0), ("-00:00", 0), ("+05:30", 330),
                            ("-08:00", -480), ("+01:00", 60), ("+05:45", 345), ("-03:30", -210)]


def fmt_ts(rng, us, plain=False):
    """An RFC 3339 spelling of the instant `us` (exact to the microsecond)."""
    suffix, minutes = ("Z", 0) if plain else rng.choice(OFFSETS)
    local = iso(us + minutes * 60 * US)
    tee = "t" if (not plain and rng.random() < 0.1) else "T"
    text = local.strftime("%Y-%m-%d") + tee + local.strftime("%H:%M:%S")
    micro = local.microsecond
    if micro == 0:
        if not plain and rng.random() < 0.2:
            text += "." + "0" * rng.randint(1, 9)
    else:
        digits = "%06d" % micro
        needed = len(digits.rstrip("0"))
        n = needed if plain else rng.randint(needed, 9)
        if n <= 6:
            text += "." + digits[:n]
        else:  # extra digits are truncated by the reader
            text += "." + digits + "".join(rng.choice("0123456789") for _ in range(n - 6))
    return text + suffix


# ---------------------------------------------------------------------------
# JSON writer with randomized spelling (escapes, spacing, key order).
# ---------------------------------------------------------------------------

SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f",
                 "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def enc_str(rng, s, fancy):
    out = ['"']
    for ch in s:
        cp = ord(ch)
        if ch in SHORT_ESCAPES:
            out.append(SHORT_ESCAPES[ch] if (not fancy or rng.random() < 0.7) else "\\u%04x" % cp)
        elif cp < 0x20:
            out.append("\\u%04x" % cp if rng.random() < 0.5 else "\\u%04X" % cp)
        elif fancy and ch == "/" and rng.random() < 0.5:
            out.append("\\/")
        elif fancy and cp > 0x7F and rng.random() < 0.3:
            if cp > 0xFFFF:  # surrogate pair escape
                v = cp - 0x10000
                out.append("\\u%04x\\u%04x" % (0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF)))
            else:
                out.append("\\u%04x" % cp)
        elif fancy and cp < 0x7F and rng.random() < 0.02:
            out.append("\\u%04x" % cp)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def enc(rng, value, fancy):
    ws = (lambda: rng.choice(["", "", " ", "\t", "  "])) if fancy else (lambda: "")
    if isinstance(value, str):
        return enc_str(rng, value, fancy)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ws() + ("," + ws()).join(enc(rng, v, fancy) for v in value) + ws() + "]"
    if isinstance(value, dict):
        items = list(value.items())
        if fancy:
            rng.shuffle(items)
        parts = [ws() + enc_str(rng, k, fancy) + ws() + ":" + ws() + enc(rng, v, fancy) + ws()
                 for k, v in items]
        return "{" + ",".join(parts) + "}"
    raise TypeError(value)


# ---------------------------------------------------------------------------
# Generator: an arrival-order simulation that mostly respects the rules.
# ---------------------------------------------------------------------------

class Gen:
    def __init__(self, seed, n_events, workload=False, n_users=None,
                 reply_rate=REPLY_RATE, mention_rate=MENTION_RATE, link_rate=LINK_RATE):
        self.rng = random.Random(seed)
        self.n = n_events
        self.workload = workload
        self.n_users = n_users
        self.reply_rate = reply_rate
        self.mention_rate = mention_rate
        self.link_rate = link_rate
        self.future_posts = []     # post ids named as parents before they exist
        self.children = {}         # post id -> posts created naming it as parent
        self.recent_posts = []     # the last posts created (parents for deep threads)
        self.partners = {}         # user id -> set of users it was linked to (roughly)
        self.ghosts = ["ghost-m%d" % i for i in range(3)]  # only ever mentioned
        self.chains = 0            # threads longer than 100 made so far
        self.must_ats = []         # probe times always written by --at-out
        self.households = {}       # user id -> the accounts it may be linked with
        self.deniers = []          # accounts that objected at some point
        self.user_pool = self.make_user_pool()
        self.initial_users = len(self.user_pool)
        self.lines = []            # output lines (str or bytes), without "\n"
        self.clock = HOT_SPOTS[0] - self.rng.randint(0, 48) * HOUR
        self.next_id = 0
        self.id_lines = []         # (id, line) of emitted events carrying an id
        self.interesting_ts = []   # timestamp strings as written
        self.users = {}            # user id -> {"deleted": ts or None}
        self.posts = {}            # post id -> {"user", "created", "deleted"}
        self.post_counter = 0
        self.big_lines = 2         # budget of ~1-2 MiB lines per stream
        self.live_posts = []       # posts not deleted, for quick random choice
        self.live_index = {}       # post id -> position in live_posts
        self.intent = "valid"      # what the current generator means to produce
        self.intents = []          # parallel to self.lines (for --intent-out)

    # -- names ----------------------------------------------------------
    def make_user_pool(self):
        rng = self.rng
        n = self.n_users if self.n_users else rng.randint(3, 30)
        pool = ["u%d" % i for i in range(n)]
        if self.workload:
            return pool
        specials = ["Ü-user", "用户", "u\u007fdel", "U0", "u" + "x" * 255, "a b",
                    "é" * 128, "did:plc:abc123"]
        for s in specials:
            if rng.random() < 0.3:
                pool.append(s)
        return pool

    def new_post_id(self):
        rng = self.rng
        self.post_counter += 1
        c = self.post_counter
        r = rng.random()
        if r < 0.6:
            return "p%d" % c
        if r < 0.7:
            return "P%d" % c
        if r < 0.78:
            return "pé%d" % c
        if r < 0.84:
            return "📷%d" % c
        if r < 0.9:
            return "p%d\u007f" % c
        if r < 0.95:
            return "https://example.social/@u/%d" % c
        return ("p%d-" % c).ljust(256, "z")  # exactly 256 bytes

    def take_big_line(self):
        if self.big_lines > 0:
            self.big_lines -= 1
            return True
        return False

    def fresh_event_id(self):
        self.next_id += 1
        return "e%d" % self.next_id

    # -- time -----------------------------------------------------------
    def tick(self):
        rng = self.rng
        if rng.random() < 4.0 / max(self.n, 1):
            later = [h for h in HOT_SPOTS if h > self.clock]
            if later:
                self.clock = rng.choice(later[:2]) - rng.randint(0, 3) * HOUR
                return
        self.clock += rng.choice([0, 0, 0, 1, 1000, US, 60 * US, 600 * US, HOUR, HOUR, 3 * HOUR])

    def backdated(self, lo=None, hi=None):
        """A time near the clock, sometimes in the past; within [lo, hi)."""
        rng = self.rng
        t = self.clock
        if rng.random() < 0.3:
            t -= rng.choice([1, US, HOUR, DAY, 7 * DAY, 40 * DAY])
        if lo is not None and t < lo:
            t = lo + rng.choice([0, 0, 1, US, HOUR])
        if hi is not None and t >= hi:
            t = hi - rng.choice([1, 1, US, HOUR])
            if lo is not None and t < lo:
                return None
        return t

    # -- emitting -------------------------------------------------------
    def emit(self, obj, ts_us=None, with_id=None, extra=True, fancy=None):
        rng = self.rng
        if with_id is None:
            with_id = rng.random() < 0.8
        if with_id and "id" not in obj:
            obj["id"] = self.fresh_event_id()
        if extra and rng.random() < 0.08:
            obj[rng.choice(["x_meta", "client", "_v", "typ", "Type"])] = rng.choice(
                [None, 1, -2.5e3, True, [1, "a", None], {"nested": {"k": [False]}}, "zz", 0.1])
        if ts_us is not None:
            obj["ts"] = fmt_ts(rng, ts_us)
            if rng.random() < 0.05:
                self.interesting_ts.append(obj["ts"])
        if fancy is None:
            fancy = rng.random() < 0.5
        line = enc(rng, obj, fancy)
        if "id" in obj and isinstance(obj["id"], str):
            self.id_lines.append((obj["id"], obj, line))
        self.add_line(line)
        return obj

    def add_line(self, line):
        rng = self.rng
        if rng.random() < 0.04:
            self.lines.append(rng.choice(["", " ", "\t", " \t \r", "\r"]))
            self.intents.append("blank")
        if rng.random() < 0.05:
            line = line + (b"\r" if isinstance(line, bytes) else "\r")
        self.lines.append(line)
        self.intents.append(self.intent)

    # -- valid events ---------------------------------------------------
    def live_user(self):
        live = [u for u in self.user_pool if (self.users.get(u) or {}).get("deleted") is None]
        return self.rng.choice(live) if live else None

    def live_post(self):
        """A post not deleted yet (its author may be deleted)."""
        return self.rng.choice(self.live_posts) if self.live_posts else None

    def mark_post_deleted(self, post, ts):
        self.posts[post]["deleted"] = ts
        i = self.live_index[post]  # swap-remove
        last = self.live_posts[-1]
        self.live_posts[i] = last
        self.live_index[last] = i
        self.live_posts.pop()
        del self.live_index[post]

    def add_post(self, post, user, ts, parent=None):
        self.posts[post] = {"user": user, "created": ts, "deleted": None, "parent": parent}
        self.live_index[post] = len(self.live_posts)
        self.live_posts.append(post)
        self.recent_posts = (self.recent_posts + [post])[-12:]
        if parent is not None:
            self.children.setdefault(parent, []).append(post)
            if parent not in self.posts and parent not in self.future_posts \
                    and not parent.startswith("gone"):
                self.future_posts.append(parent)

    def pick_parent(self):
        """A parent for a new post: mostly a recent or any existing post
        (deleted ones too), sometimes a post that arrives later, or never."""
        rng = self.rng
        r = rng.random()
        if self.posts and r < 0.45:
            return rng.choice(self.recent_posts)
        if self.posts and r < 0.75:
            return rng.choice(list(self.posts))
        if r < 0.85 or not self.future_posts:
            post = self.new_post_id()  # arrives later (if ever)
            return post
        if r < 0.93:
            return rng.choice(self.future_posts)  # a sibling reply to a missing post
        return "gone%d" % rng.randint(0, 5)  # never arrives

    def new_post_or_future(self):
        """A fresh post id, or (sometimes) one that replies already name."""
        rng = self.rng
        if self.future_posts and rng.random() < (0.3 if not self.workload else 0.1):
            return self.future_posts.pop(rng.randrange(len(self.future_posts)))
        return self.new_post_id()

    def pick_mentions(self, author):
        rng = self.rng
        out = []
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
            r = rng.random()
            dead = [u for u, st in self.users.items() if st["deleted"] is not None]
            linked = sorted(self.partners.get(author, ()))
            if self.workload:
                out.append(rng.choice(self.user_pool))
            elif r < 0.25 and self.deniers:
                out.append(rng.choice(self.deniers))  # an objection to honour, maybe
            elif r < 0.40:
                out.append(rng.choice(self.user_pool))  # maybe not known (yet)
            elif r < 0.55 and dead:
                out.append(rng.choice(dead))
            elif r < 0.65:
                out.append(rng.choice(self.ghosts))  # never known
            elif r < 0.75:
                out.append(author)
            elif r < 0.92 and linked:
                out.append(rng.choice(linked))
            elif out:
                out.append(out[-1])  # a repeat
            else:
                out.append(rng.choice(self.user_pool))
        return out

    def link_pair(self, a, b):
        self.partners.setdefault(a, set()).add(b)
        self.partners.setdefault(b, set()).add(a)
        for u in (a, b):
            self.users.setdefault(u, {"deleted": None})

    def post_limit(self, post):
        """Events for the post must have ts < this (deletion of post/author)."""
        s = self.posts[post]
        limits = [t for t in (s["deleted"], self.users[s["user"]]["deleted"]) if t is not None]
        return min(limits) if limits else None

    def random_text(self):
        rng = self.rng
        t = rng.choice(TEXTS)
        if rng.random() < 0.3:
            t += " #%d" % rng.randint(0, 99)
        return t

    def random_signals(self):
        rng = self.rng
        return rng.sample(SIGNALS, rng.randint(0, 2))

    def ev_post(self, user=None, ts=None, parent=None, mentions=None, visibility=None):
        rng = self.rng
        user = user or self.live_user()
        if user is None:
            return
        if ts is None:
            ts = self.backdated()
        post = self.new_post_or_future()
        self.users.setdefault(user, {"deleted": None})
        obj = {"type": "post", "post": post, "user": user,
               "visibility": visibility or rng.choice(VISIBILITIES)}
        if parent is None and rng.random() < self.reply_rate:
            if self.children.get(post) and rng.random() < 0.4:
                parent = rng.choice(self.children[post])  # closes a loop
            else:
                parent = self.pick_parent()
        if parent is not None and parent != post:
            obj["parent"] = parent
        if mentions is None and rng.random() < self.mention_rate:
            mentions = self.pick_mentions(user)
        if mentions is not None:
            obj["mentions"] = mentions
        if rng.random() < 0.9:
            obj["text"] = self.random_text()
        if rng.random() < 0.4:
            obj["kind"] = rng.choice(KINDS)
        if rng.random() < 0.4:
            obj["lang"] = rng.choice(LANGS)
        if rng.random() < 0.3:
            obj["signals"] = self.random_signals()
        self.add_post(post, user, ts, obj.get("parent"))
        self.emit(obj, ts)
        return post

    def ev_post_change(self, kind):
        rng = self.rng
        post = self.live_post()
        if post is None:
            return
        ts = self.backdated(lo=self.posts[post]["created"], hi=self.post_limit(post))
        if ts is None:
            return
        obj = {"type": kind, "post": post}
        if kind == "edit":
            obj["text"] = self.random_text()
            r = rng.random()
            if r < 0.15:
                obj["signals"] = []
            elif r < 0.5:
                obj["signals"] = self.random_signals()
            r = rng.random()
            if r < 0.1:
                obj["mentions"] = []
            elif r < 0.3:
                obj["mentions"] = self.pick_mentions(self.posts[post]["user"])
        elif kind == "visibility":
            obj["visibility"] = rng.choice(VISIBILITIES)
        elif kind == "delete":
            self.mark_post_deleted(post, ts)
        if rng.random() < 0.05:  # known field not listed for this type (valid value)
            obj["user"] = self.posts[post]["user"]
        self.emit(obj, ts)

    def birth_date_near(self, ts):
        """A birth date whose anniversary falls on/next to the UTC day of ts."""
        rng = self.rng
        day = iso(ts).date() + datetime.timedelta(days=rng.choice([-1, 0, 0, 1]))
        age = rng.choice([12, 13, 15, 16, 17, 18, 19, 30])
        if rng.random() < 0.15:
            return "%04d-02-29" % rng.choice([2004, 2008, 2012, 1996])
        year = day.year - age
        try:
            return datetime.date(year, day.month, day.day).isoformat()
        except ValueError:  # Feb 29 in a non-leap year
            return datetime.date(year, 3, 1).isoformat()

    def ev_account(self):
        rng = self.rng
        user = self.live_user()
        if user is None:
            return
        ts = self.backdated()
        self.users.setdefault(user, {"deleted": None})
        obj = {"type": "account", "user": user}
        if rng.random() < 0.6:
            obj["region"] = rng.choice(COUNTRIES)
        if rng.random() < 0.3:
            obj["private"] = rng.random() < 0.5
        if rng.random() < 0.35:
            obj["birth_date"] = self.birth_date_near(ts)
        self.emit(obj, ts)

    def ev_preference(self):
        rng = self.rng
        user = self.live_user()
        if user is None:
            return
        ts = self.backdated()
        self.users.setdefault(user, {"deleted": None})
        value = rng.choice(["allow", "deny", "deny", "unset"])
        if value == "deny":
            self.deniers.append(user)
        self.emit({"type": "preference", "user": user, "ai_training": value}, ts)

    def ev_account_delete(self):
        known = [u for u, s in self.users.items() if s["deleted"] is None]
        if not known:
            return
        user = self.rng.choice(known)
        ts = self.backdated()
        self.users[user]["deleted"] = ts
        self.user_pool.append("n%d-%s" % (len(self.user_pool), user[:8]))  # someone new joins
        self.emit({"type": "account_delete", "user": user}, ts)

    # -- persons, threads and mentions -------------------------------------
    def ev_link(self, a=None, b=None, kind=None, ts=None):
        rng = self.rng
        a = a or self.live_user()
        if a is None:
            return None
        if b is None:
            partners = sorted(p for p in self.partners.get(a, ())
                              if (self.users.get(p) or {}).get("deleted") is None)
            if partners and rng.random() < 0.5:
                b = rng.choice(partners)
            else:
                b = self.housemate(a)
        if b is None or b == a:
            return None
        kind = kind or ("link" if rng.random() < 0.7 else "unlink")
        if ts is None:
            ts = self.backdated()
        self.link_pair(a, b)
        self.emit({"type": kind, "user": a, "with": b}, ts)
        return ts

    def housemate(self, a):
        """Links mostly join accounts of one would-be person (groups of 1-3
        accounts), so that persons stay small; now and then any two."""
        rng = self.rng
        if a not in self.households:
            size = rng.choice([1, 1, 1, 2, 2, 3])
            group = [a] + [u for u in self.user_pool
                           if u not in self.households and u != a][:size - 1]
            for u in group:
                self.households[u] = group
        if rng.random() < 0.02:
            return self.live_user()
        mates = [u for u in self.households[a] if u != a
                 and (self.users.get(u) or {}).get("deleted") is None]
        return rng.choice(mates) if mates else None

    def person_scenario(self):
        """Links made and undone at equal ts, late unlinks, transitive persons
        whose accounts sit in regions with different modes, linked accounts
        mentioning each other."""
        rng = self.rng
        a = self.live_user()
        if a is None:
            return
        b, c = self.housemate(a), self.housemate(a)
        if b is None or rng.random() < 0.03:
            b = self.live_user()
        if len({a, b, c}) < 2:
            return
        if b == a:
            b, c = c, b
        c = c if c not in (a, b) else None
        ts = self.backdated()
        choice = rng.randrange(6)
        if choice == 0:  # made and undone at one instant (either order)
            first = rng.choice(["link", "unlink"])
            self.ev_link(a, b, first, ts)
            self.ev_link(b if rng.random() < 0.5 else a, a if rng.random() < 0.5 else b,
                         "unlink" if first == "link" else "link", ts)
            if rng.random() < 0.3:
                self.interesting_ts.append(fmt_ts(rng, ts))
        elif choice == 1:  # an unlink arriving late, before or after the link
            self.ev_link(a, b, "link", ts)
            self.ev_link(b, a, "unlink", ts + rng.choice([-HOUR, -1, 1, DAY]))
        elif choice == 2:  # a person of three accounts with different regions
            for u in (a, b, c):
                if u is not None:
                    self.users.setdefault(u, {"deleted": None})
                    self.emit({"type": "account", "user": u, "region": rng.choice(COUNTRIES)},
                              ts - rng.choice([0, HOUR]))
            self.ev_link(a, b, "link", ts)
            if c is not None:
                self.ev_link(c, b, "link", ts + rng.choice([0, 1]))
            who = rng.choice([u for u in (a, b, c) if u is not None])
            self.emit({"type": "preference", "user": who,
                       "ai_training": rng.choice(["deny", "deny", "allow", "unset"])},
                      ts + rng.choice([-DAY, 0, 1, HOUR]))
        elif choice == 3:  # linked accounts mentioning each other
            self.ev_link(a, b, "link", ts)
            self.ev_post(user=a, ts=ts + rng.choice([0, 1, HOUR]), mentions=[b])
            if self.live_user() is not None and (self.users.get(b) or {}).get("deleted") is None:
                self.ev_post(user=b, ts=ts + rng.choice([0, 1, HOUR]), mentions=[a, b])
        elif choice == 4:  # a link to an account not known yet
            fresh = "n%d-link" % len(self.user_pool)
            self.user_pool.append(fresh)
            self.housemate(a)
            group = self.households[a] + [fresh]
            for u in group:
                self.households[u] = group
            self.ev_link(a, fresh, rng.choice(["link", "link", "unlink"]), ts)
        else:  # a preference on one account, objections meant for the other
            self.ev_link(a, b, "link", ts)
            self.emit({"type": "preference", "user": b, "ai_training": "deny"},
                      ts + rng.choice([-HOUR, 0, HOUR]))
            self.ev_post(user=self.live_user(), mentions=[a])

    def long_chain(self):
        """A thread longer than 100 posts whose root fails (or not)."""
        rng = self.rng
        user = self.live_user()
        if user is None:
            return
        ts = self.clock
        self.chains += 1
        root = self.ev_post(user=user, ts=ts,
                           visibility=rng.choice(["followers", "private", "unlisted", "public"]))
        prev = root
        length = rng.randint(99, 103)
        for i in range(length):
            author = user if rng.random() < 0.8 else (self.live_user() or user)
            prev = self.ev_post(user=author, ts=ts + i + 1, parent=prev, visibility="public")
        if rng.random() < 0.4 and root in self.live_index:
            t = ts + rng.choice([0, 50, length + 1])
            self.mark_post_deleted(root, t)
            self.emit({"type": "delete", "post": root}, t)
        self.must_ats.append(fmt_ts(rng, ts + length + 5))

    # -- events rejected by state rules ----------------------------------
    def bad_state_event(self):
        rng = self.rng
        choice = rng.randrange(14)
        if choice == 9:  # a post naming itself as parent
            post = self.new_post_id()
            self.emit({"type": "post", "post": post, "user": self.live_user() or "u0",
                       "visibility": "public", "parent": post}, self.clock)
        elif choice == 10:  # link/unlink naming the same account twice
            u = rng.choice(self.user_pool)
            self.emit({"type": rng.choice(["link", "unlink"]), "user": u, "with": u}, self.clock)
        elif choice == 11:  # a second account_delete, whatever its ts
            dead = [u for u, st in self.users.items() if st["deleted"] is not None]
            if dead:
                u = rng.choice(dead)
                self.emit({"type": "account_delete", "user": u},
                          self.users[u]["deleted"] + rng.choice([-DAY, -1, 0, 1]))
        elif choice == 12:  # link/unlink naming a deleted account, at or after its deletion
            dead = [u for u, st in self.users.items() if st["deleted"] is not None]
            other = self.live_user()
            if dead and other:
                u = rng.choice(dead)
                pair = [u, other] if rng.random() < 0.5 else [other, u]
                self.emit({"type": rng.choice(["link", "unlink"]), "user": pair[0],
                           "with": pair[1]}, self.users[u]["deleted"] + rng.choice([0, 1, DAY]))
        elif choice == 13:  # account_delete of an account only ever mentioned
            self.emit({"type": "account_delete", "user": rng.choice(self.ghosts)}, self.clock)
        posts = list(self.posts)
        if choice == 0:  # edit/visibility/delete of an unknown post
            kind = rng.choice(["edit", "visibility", "delete"])
            obj = {"type": kind, "post": "nope%d" % rng.randint(0, 9)}
            if kind == "edit":
                obj["text"] = "x"
            if kind == "visibility":
                obj["visibility"] = "public"
            self.emit(obj, self.clock)
        elif choice == 1 and posts:  # before the post's creation
            p = rng.choice(posts)
            self.emit({"type": rng.choice(["edit", "edit", "delete"]), "post": p, "text": "early"},
                      self.posts[p]["created"] - rng.choice([1, US, DAY]))
        elif choice == 2:  # after the post's deletion (at or after its ts)
            deleted = [p for p, s in self.posts.items() if s["deleted"] is not None]
            if deleted:
                p = rng.choice(deleted)
                t = self.posts[p]["deleted"] + rng.choice([0, 0, 1, HOUR])
                self.emit({"type": rng.choice(["edit", "visibility"]), "post": p,
                           "text": "late", "visibility": "public"}, t)
        elif choice == 3:  # second delete (any ts)
            deleted = [p for p, s in self.posts.items() if s["deleted"] is not None]
            if deleted:
                p = rng.choice(deleted)
                self.emit({"type": "delete", "post": p},
                          max(self.posts[p]["created"], self.posts[p]["deleted"] - rng.choice([0, US])))
        elif choice == 4:  # post by a deleted account, at or after deletion
            dead = [u for u, s in self.users.items() if s["deleted"] is not None]
            if dead:
                u = rng.choice(dead)
                self.emit({"type": "post", "post": self.new_post_id(), "user": u,
                           "visibility": "public", "text": "ghost"},
                          self.users[u]["deleted"] + rng.choice([0, 1, DAY]))
        elif choice == 5:  # account events after account deletion
            dead = [u for u, s in self.users.items() if s["deleted"] is not None]
            if dead:
                u = rng.choice(dead)
                t = self.users[u]["deleted"] + rng.choice([0, 1, DAY])
                kind = rng.choice(["account", "preference", "account_delete"])
                obj = {"type": kind, "user": u}
                if kind == "account":
                    obj["region"] = "DE"
                if kind == "preference":
                    obj["ai_training"] = "deny"
                self.emit(obj, t)
        elif choice == 6:  # account_delete of an unknown user
            self.emit({"type": "account_delete", "user": "ghost%d" % rng.randint(0, 3)}, self.clock)
        elif choice == 7 and posts:  # post with an existing post id
            p = rng.choice(posts)
            self.emit({"type": "post", "post": p, "user": self.live_user() or "u0",
                       "visibility": "public", "text": "again"}, self.clock)
        elif choice == 8:  # event for a post after its author's account deletion
            dead = [p for p, s in self.posts.items()
                    if self.users[s["user"]]["deleted"] is not None and s["deleted"] is None]
            if dead:
                p = rng.choice(dead)
                t = max(self.users[self.posts[p]["user"]]["deleted"], self.posts[p]["created"])
                self.emit({"type": rng.choice(["visibility", "delete"]), "post": p,
                           "visibility": "private"}, t + rng.choice([0, 1]))

    # -- lines rejected by format rules ------------------------------------
    BAD_TS = ["2024-02-30T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T24:00:00Z",
              "2024-01-01T00:00:60Z", "2024-01-01 00:00:00Z", "2024-01-01T00:00:00",
              "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00.1234567890Z",
              "2024-01-01T00:00:00+0530", "0000-06-01T00:00:00Z", "2024-1-01T00:00:00Z",
              "2025-02-29T12:00:00Z", "2024-01-01T00:60:00Z", " 2024-01-01T00:00:00Z",
              "2024-01-01T00:00:00Z ", "2024-01-01T00:00:00UTC", "2024-01-01T00:00:00+05",
              "2024-01-01", "", "2024-06-01T00:00:00,5Z"]

    def bad_format_line(self):
        rng = self.rng
        ts = fmt_ts(rng, self.clock)
        user = self.live_user() or "u0"
        post = self.live_post() or "p1"
        base = {"type": "preference", "user": user, "ai_training": "deny", "ts": ts}
        c = rng.randrange(34)
        if c == 0:
            obj = dict(base, ts=rng.choice(self.BAD_TS))
        elif c == 1:
            obj = dict(base, ts=rng.choice([1718000000, None, ["2024-01-01T00:00:00Z"]]))
        elif c == 2:
            obj = {"type": "account", "user": user, "ts": ts,
                   "private": rng.choice(["true", 1, 0, None])}
        elif c == 3:
            obj = {"type": "edit", "post": post, "ts": ts, "text": "t",
                   "signals": rng.choice(["noai", [1], [None], {"a": 1}, ["ok", 2], None])}
        elif c == 4:
            obj = {"type": "edit", "post": post, "ts": ts, "text": rng.choice([5, None, ["a"], True])}
        elif c == 5:
            obj = {"type": "post", "post": self.new_post_id(), "user": user, "ts": ts,
                   "visibility": "public", "lang": rng.choice([None, 1, ["en"]])}
        elif c == 6:
            obj = {"type": "account", "user": user, "ts": ts,
                   "region": rng.choice(["de", "DEU", "D", "D1", "Ü", None, 49, " DE"])}
        elif c == 7:
            obj = {"type": "account", "user": user, "ts": ts,
                   "birth_date": rng.choice(["2001-02-29", "2001-13-01", "2001-1-1",
                                             "20010101", "2001-01-01T00:00:00Z", "0000-01-01",
                                             "2001-04-31", None, 20010101])}
        elif c == 8:
            obj = {"type": "visibility", "post": post, "ts": ts,
                   "visibility": rng.choice(["Public", "PUBLIC", "friends", "", None, 1])}
        elif c == 9:
            obj = dict(base, ai_training=rng.choice(["no", "DENY", "", None, False]))
        elif c == 10:
            obj = {k: v for k, v in base.items() if k != "type"}
        elif c == 11:
            obj = dict(base, type=rng.choice(["Post", "like", "", None, 3, "account-delete"]))
        elif c == 12:  # a required field missing
            obj = {"type": "post", "post": self.new_post_id(), "user": user, "ts": ts,
                   "visibility": "public"}
            del obj[rng.choice(["post", "user", "ts", "visibility"])]
        elif c == 13:
            obj = dict(base, id=rng.choice(["", "x" * 257, "a\nb", "tab\there", 7, None, ["e1"]]))
        elif c == 14:
            obj = dict(base, user=rng.choice(["", "u" * 257, "é" * 129, "ctl\u0001", 5, None]))
        elif c == 15:
            obj = {"type": "post", "post": rng.choice(["", "q" * 257, "\u001f", 12]),
                   "user": user, "ts": ts, "visibility": "public"}
        elif c == 16:  # text one byte over the limit (rare: big line)
            if rng.random() < 0.2 and self.take_big_line():
                obj = {"type": "edit", "post": post, "ts": ts, "text": "é" * 524288 + "a"}
            else:
                obj = {"type": "edit", "post": post, "ts": ts, "text": {"not": "a string"}}
        elif c == 17:  # signals: too many, or a token empty or too long
            obj = {"type": "edit", "post": post, "ts": ts, "text": "t",
                   "signals": rng.choice([["a"] * 65, ["noai", ""], ["y" * 257], ["é" * 129]])}
        elif c == 18:  # mentions: wrong type, too many, an invalid user id
            obj = {"type": rng.choice(["post", "edit"]), "post": self.new_post_id(), "user": user,
                   "visibility": "public", "ts": ts, "text": "m",
                   "mentions": rng.choice(["u0", None, [None], [1], [""], ["u" * 257],
                                           ["ok", "ctl\u0002"], {"u0": 1}, ["u0"] * 1001])}
        elif c == 19:  # parent: wrong type or invalid id
            obj = {"type": "post", "post": self.new_post_id(), "user": user, "ts": ts,
                   "visibility": "public",
                   "parent": rng.choice([None, "", 7, ["p1"], "q" * 257, "nl\n", {"id": "p1"}])}
        elif c == 20:  # link/unlink without `with`, or with a bad one
            obj = {"type": rng.choice(["link", "unlink"]), "user": user, "ts": ts}
            if rng.random() < 0.7:
                obj["with"] = rng.choice([None, "", 3, ["u1"], "w" * 257, "\u0001"])
        elif c == 21:  # link without user
            obj = {"type": "link", "with": user, "ts": ts}
        else:
            return self.bad_raw_line(base)
        self.emit(obj, extra=False, fancy=rng.random() < 0.3)

    def bad_raw_line(self, base):
        """Lines that are not valid JSON objects under the spec's rules."""
        rng = self.rng
        good = json.dumps(base)
        inner = good[1:-1]
        c = rng.randrange(16)
        if c == 0:
            line = rng.choice(["[]", "[" + good + "]", '"x"', "1", "null", "true"])
        elif c == 1:
            line = good[:-1]  # truncated
        elif c == 2:
            line = "{" + inner + ",}"  # trailing comma
        elif c == 3:
            line = "{" + inner + ', "user": "u0"}'  # repeated key
        elif c == 4:
            line = "{" + inner + ', "t\\u0079pe": "account"}'  # repeated key via escape
        elif c == 5:
            line = "{" + inner + ', "x": ' + rng.choice(["NaN", "Infinity", "-Infinity"]) + "}"
        elif c == 6:
            line = "{" + inner + ', "x": "' + rng.choice(["\\ud800", "\\udc00", "\\ud83d x",
                                                          "\\ude00\\ud83d"]) + '"}'
        elif c == 7:  # unpaired surrogate in a key
            line = "{" + inner + ', "k\\udfff": 1}'
        elif c == 8:  # invalid UTF-8 (bytes)
            bad = rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80",
                              b"\xe2\x82"])
            line = b'{"type":"edit","post":' + json.dumps(base["user"]).encode() + \
                b',"ts":"' + base["ts"].encode() + b'","text":"' + bad + b'"}'
        elif c == 9:
            line = "{" + inner + ', "x": "raw\tcontrol"}'  # unescaped control char
        elif c == 10:
            line = "{" + inner + ', "x": 01}'
        elif c == 11:
            line = "{" + inner + "} trailing"
        elif c == 12:
            line = "{" + inner.replace('"', "'") + "}"
        elif c == 13:
            line = '{"type": "preference" "user": "u0"}'
        elif c == 14:
            line = "{" + inner + ', "x": "bad \\x escape"}'
        else:
            if rng.random() < 0.2 and self.take_big_line():  # > 2 MiB, valid JSON otherwise
                line = "{" + inner + ', "pad": "' + "a" * (2 * 1024 * 1024 + 10) + '"}'
            else:
                line = "{" + inner + ', "x": tru}'
        self.add_line(line)

    # -- duplicates and id reuse -----------------------------------------
    def duplicate(self):
        rng = self.rng
        if not self.id_lines:
            return
        ident, obj, line = rng.choice(self.id_lines[-50:] if rng.random() < 0.7 else self.id_lines)
        r = rng.random()
        if r < 0.5:
            self.add_line(line)  # exact replay
        elif r < 0.8:  # same id, different content (a duplicate if the id was accepted)
            changed = dict(obj)
            changed["ts"] = fmt_ts(rng, self.clock)
            if "text" in changed:
                changed["text"] = "changed"
            self.add_line(enc(rng, changed, True))
        else:  # same id, nonsense content
            self.add_line(enc(rng, {"id": ident, "type": rng.choice(["bogus", "post"])}, False))

    # -- special valid events ----------------------------------------------
    def special_valid(self):
        rng = self.rng
        c = rng.randrange(8)
        post = self.live_post()
        if c == 0 and post:  # text of exactly 1 MiB (rare)
            if rng.random() < 0.1 and self.take_big_line():
                lo = self.posts[post]["created"]
                ts = self.backdated(lo=lo, hi=self.post_limit(post))
                if ts is not None:
                    self.emit({"type": "edit", "post": post, "text": "é" * 524288}, ts, extra=False)
        elif c == 1:  # an account event with no attributes
            user = self.live_user()
            if user:
                self.users.setdefault(user, {"deleted": None})
                self.emit({"type": "account", "user": user}, self.backdated())
        elif c == 2:  # a preference at exactly the previous event's instant
            saved = self.backdated
            self.backdated = lambda lo=None, hi=None: self.clock
            self.ev_preference()
            self.backdated = saved
        elif c == 3 and post:  # edit at exactly the creation ts
            ts = self.posts[post]["created"]
            lim = self.post_limit(post)
            if lim is None or ts < lim:
                self.emit({"type": "edit", "post": post, "text": "at creation",
                           "signals": self.random_signals()}, ts)
        elif c == 5 and post:  # signals at the limits: 64 tokens, 1 and 256 bytes
            ts = self.backdated(lo=self.posts[post]["created"], hi=self.post_limit(post))
            if ts is not None:
                sig = ["s%d" % i for i in range(63)] + [rng.choice(["noai", "z" * 256, "\u0001"])]
                self.emit({"type": "edit", "post": post, "text": "64 signals", "signals": sig}, ts)
        elif c == 6:  # mentions at the limit: 1,000 ids, repeats included
            user = self.live_user()
            if user is not None and rng.random() < 0.3:
                ment = [rng.choice(self.user_pool + self.ghosts) for _ in range(999)] + [user]
                self.ev_post(user=user, mentions=ment)
        elif c == 7:  # a link and an unlink naming the pair the other way round
            self.ev_link(kind=rng.choice(["link", "unlink"]))
        elif c == 4 and post:  # visibility at exactly the creation ts
            ts = self.posts[post]["created"]
            lim = self.post_limit(post)
            if lim is None or ts < lim:
                self.emit({"type": "visibility", "post": post,
                           "visibility": rng.choice(VISIBILITIES)}, ts)

    # -- driver -----------------------------------------------------------
    def run(self):
        if self.workload:
            return self.run_workload()
        rng = self.rng
        # Start with a few accounts so regions/births exist early.
        for _ in range(min(5, len(self.user_pool))):
            self.ev_account()
        chain_at = self.n // 3 if self.n >= 300 and rng.random() < 0.7 else None
        while len(self.lines) < self.n:
            self.tick()
            if chain_at is not None and len(self.lines) >= chain_at and not self.chains:
                self.intent = "valid"
                self.long_chain()
                continue
            r = rng.random()
            self.intent = "valid" if r < 0.89 else "bad" if r < 0.95 else "dup?"
            if r < 0.28:
                self.ev_post()
            elif r < 0.41:
                self.ev_post_change("edit")
            elif r < 0.49:
                self.ev_post_change("visibility")
            elif r < 0.53:
                self.ev_post_change("delete")
            elif r < 0.65:
                self.ev_account()
            elif r < 0.74:
                self.ev_preference()
            elif r < 0.744:
                # about a third of the initial users get deleted, whatever N
                if rng.random() < min(1.0, 0.3 * self.initial_users / (0.004 * self.n)):
                    self.ev_account_delete()
            elif r < 0.77:
                self.ev_link()
            elif r < 0.80:
                self.person_scenario()
            elif r < 0.89:
                self.special_valid()
            elif r < 0.92:
                self.bad_state_event()
            elif r < 0.95:
                self.bad_format_line()
            else:
                self.duplicate()
        return self.lines

    def run_workload(self):
        """Only valid, ordinary events at the workload rates: no edge cases,
        no rejected lines, no duplicates."""
        rng = self.rng
        for user in self.user_pool:
            if rng.random() < 0.5:
                self.ev_account_for(user)
        # LINK_RATE of the accounts, in pairs
        pool = list(self.user_pool)
        rng.shuffle(pool)
        n_linked = int(round(self.link_rate * len(pool) / 2)) * 2
        for i in range(0, n_linked, 2):
            self.ev_link(pool[i], pool[i + 1], "link", self.clock)
        while len(self.lines) < self.n:
            self.tick()
            r = rng.random()
            if r < 0.50:
                self.ev_post()
            elif r < 0.65:
                self.ev_post_change("edit")
            elif r < 0.72:
                self.ev_post_change("visibility")
            elif r < 0.76:
                self.ev_post_change("delete")
            elif r < 0.86:
                self.ev_account()
            elif r < 0.995:
                self.ev_preference()
            else:
                self.ev_account_delete()
        return self.lines

    def ev_account_for(self, user):
        rng = self.rng
        self.users.setdefault(user, {"deleted": None})
        obj = {"type": "account", "user": user, "region": rng.choice(COUNTRIES)}
        if rng.random() < 0.5:
            obj["birth_date"] = self.birth_date_near(self.clock - rng.randint(0, 400) * DAY)
        self.emit(obj, self.clock - rng.randint(1, 400) * DAY)


# ---------------------------------------------------------------------------
# Policy
# ---------------------------------------------------------------------------

def random_policy(rng):
    policy = {"name": rng.choice(["example-genai", "licit-test", "pölicy ☃"])}
    if rng.random() < 0.5:
        policy["source"] = rng.choice(["example.social", "src"])
    groups = {}
    for name in rng.sample(sorted(CUSTOM_GROUPS), rng.randint(0, 2)):
        groups[name] = CUSTOM_GROUPS[name]
    if groups or rng.random() < 0.3:
        policy["region_groups"] = groups
    all_groups = {"EU": EU, "EEA": EEA}
    all_groups.update({k: set(v) for k, v in groups.items()})

    n_versions = rng.randint(1, 4)
    candidates = sorted(set(HOT_SPOTS + [HOT_SPOTS[0] - 30 * DAY, us_of(2020, 1, 1)] +
                            [h + rng.randint(-10, 10) * HOUR for h in HOT_SPOTS]))
    effectives = sorted(rng.sample(candidates, n_versions))
    versions = []
    for i, eff in enumerate(effectives):
        v = {"id": "v%d-%s" % (i + 1, rng.choice(["a", "b"])), "effective": fmt_ts(rng, eff)}
        if rng.random() < 0.7:
            vis = rng.sample(["public", "unlisted", "followers", "private"], rng.randint(1, 2))
            if rng.random() < 0.7 and "public" not in vis:
                vis.append("public")
            v["visibility"] = vis
        if rng.random() < 0.4:
            v["content_since"] = fmt_ts(rng, rng.choice(HOT_SPOTS[:4]) + rng.randint(-5, 5) * HOUR)
        if rng.random() < 0.6:
            v["min_age"] = rng.choice([13, 16, 17, 18])
        if rng.random() < 0.6:
            v["honor_signals"] = rng.sample(["noai", "noimageai", "no-train"], rng.randint(0, 2))
        r = rng.random()
        if r < 0.6:  # absent means true
            v["inherit_audience"] = r < 0.3
        r = rng.random()
        if r < 0.8:  # absent means false
            v["honor_mentions"] = r < 0.65
        regions = {}
        keys = ["default", "DE", "FR", "ES", "IE", "NO", "IS", "GB", "US", "BR", "AU",
                "EU", "EEA"] + sorted(groups)
        for key in rng.sample(keys, rng.randint(0, 6)):
            regions[key] = rng.choice(MODES)
        # Resolve ambiguity: a country in two listed groups with different
        # modes must get its own key (or the groups get the same mode).
        listed = [g for g in regions if g in all_groups]
        if rng.random() < 0.3 and listed:
            mode = regions[listed[0]]
            for g in listed:
                regions[g] = mode
        for country in sorted(set().union(*[all_groups[g] for g in listed]) if listed else []):
            modes = {regions[g] for g in listed if country in all_groups[g]}
            if len(modes) > 1 and country not in regions:
                regions[country] = rng.choice(sorted(modes))
        if regions or rng.random() < 0.5:
            v["regions"] = regions
        versions.append(v)
    policy["versions"] = versions
    return policy, effectives


def main():
    ap = argparse.ArgumentParser(description="random licit event stream")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--events", type=int, default=500)
    ap.add_argument("--policy-out")
    ap.add_argument("--at-out")
    ap.add_argument("--intent-out", help=argparse.SUPPRESS)  # debugging the generator
    ap.add_argument("--workload", action="store_true",
                    help="only valid, ordinary events at the workload rates (no edge cases)")
    ap.add_argument("--users", type=int, help="accounts in the pool (default 3-30; "
                    "with --workload, events/20)")
    ap.add_argument("--reply-rate", type=float, default=REPLY_RATE)
    ap.add_argument("--mention-rate", type=float, default=MENTION_RATE)
    ap.add_argument("--link-rate", type=float, default=LINK_RATE)
    args = ap.parse_args()

    users = args.users
    if users is None and args.workload:
        users = max(10, args.events // 20)
    gen = Gen(args.seed, args.events, workload=args.workload, n_users=users,
              reply_rate=args.reply_rate, mention_rate=args.mention_rate,
              link_rate=args.link_rate)
    lines = gen.run()
    out = sys.stdout.buffer
    for line in lines:
        if isinstance(line, str):
            line = line.encode("utf-8")
        out.write(line + b"\n")

    if args.intent_out:
        with open(args.intent_out, "w") as f:
            for n, intent in enumerate(gen.intents, start=1):
                f.write("%d %s\n" % (n, intent))

    # Separate RNG so the policy does not change the event stream.
    prng = random.Random("policy-%d" % args.seed)
    policy, effectives = random_policy(prng)
    if args.policy_out:
        with open(args.policy_out, "w", encoding="utf-8") as f:
            json.dump(policy, f, ensure_ascii=False, indent=2)
            f.write("\n")
    if args.at_out:
        ats = []
        for h in HOT_SPOTS:
            ats += [fmt_ts(prng, h), fmt_ts(prng, h + 26 * HOUR)]
        for e in effectives:
            ats += [fmt_ts(prng, e), fmt_ts(prng, e - 1)]
        ats += prng.sample(gen.interesting_ts, min(8, len(gen.interesting_ts)))
        ats += gen.must_ats
        ats += ["2000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z"]
        with open(args.at_out, "w", encoding="utf-8") as f:
            for t in ats:
                f.write(t + "\n")


if __name__ == "__main__":
    main()
