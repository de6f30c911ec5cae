#!/usr/bin/env python3
"""Reference formulation of licit's rules (SPEC sections 1-6), used as a
conformance oracle against the C implementation.

Usage:
  ref.py --policy POLICY.json --at T [--at T2 ...] EVENTS.jsonl
      one JSON line per T: {"at","log_position","policy","counts","digest"}
  ref.py --policy POLICY.json --ingest-summary EVENTS.jsonl
      one JSON line: {"accepted","duplicates","rejected"}
  ref.py --policy POLICY.json --at T --decisions EVENTS.jsonl
      per considered post at the first T, sorted by post id bytewise:
      post_id<TAB>decision
  ref.py --policy POLICY.json --at T --reports EVENTS.jsonl
      one JSON line per user named by an accepted event (mentions included),
      sorted by user id bytewise, at the first T: the parts of `report --json`
      that follow from SPEC section 4: {"user","person","posts",
      "mentioned_by_others"}
  --rejects FILE   also write one {"line","error"} JSON line per rejected line.

Standard library only; written for clarity, not speed.
"""

import argparse
import datetime
import hashlib
import json
import re
import sys

MAX_LINE_BYTES = 2 * 1024 * 1024
MAX_TEXT_BYTES = 1024 * 1024
MAX_KEY_BYTES = 256
MAX_SIGNALS = 64
MAX_SIGNAL_BYTES = 256
MAX_MENTIONS = 1000
MAX_ANCESTORS = 100

VISIBILITIES = ("public", "unlisted", "followers", "private")
AI_TRAINING_VALUES = ("allow", "deny", "unset")
MODES = ("no_choice", "opt_out", "opt_in", "excluded")
REASONS = ("deleted", "no_policy", "too_old", "minor", "region_excluded",
           "not_public", "signal", "objected", "no_consent", "mentioned")

EU = frozenset("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL "
               "PL PT RO SE SI SK".split())
EEA = EU | frozenset(("IS", "LI", "NO"))


class Rejected(Exception):
    """An event (or policy) that breaks a rule; the message says which."""


# ---------------------------------------------------------------------------
# Timestamps: integer microseconds since 0001-01-01T00:00:00Z (UTC).
# ---------------------------------------------------------------------------

TS_RE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.([0-9]{1,9}))?"
    r"(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))")

US_PER_SECOND = 1_000_000
US_PER_DAY = 86_400 * US_PER_SECOND
ORDINAL_0001_01_01 = 1  # datetime.date(1, 1, 1).toordinal()


def valid_date(year, month, day):
    try:
        datetime.date(year, month, day)
        return True
    except ValueError:
        return False


def parse_ts(value):
    """RFC 3339 date-time string -> UTC microseconds, or None if invalid."""
    if not isinstance(value, str):
        return None
    m = TS_RE.fullmatch(value)
    if m is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.group(1, 2, 3, 4, 5, 6))
    fraction = m.group(7)
    if year < 1 or not valid_date(year, month, day):
        return None
    if hour > 23 or minute > 59 or second > 59:  # second 60 is rejected
        return None
    micros = 0
    if fraction is not None:
        micros = int(fraction[:6].ljust(6, "0"))  # truncate beyond microseconds
    offset_seconds = 0
    if m.group(8) is None:
        sign = 1 if m.group(9) == "+" else -1
        off_h, off_m = int(m.group(10)), int(m.group(11))
        if off_h > 23 or off_m > 59:
            return None
        offset_seconds = sign * (off_h * 3600 + off_m * 60)
    days = datetime.date(year, month, day).toordinal() - ORDINAL_0001_01_01
    local_seconds = days * 86400 + hour * 3600 + minute * 60 + second
    return (local_seconds - offset_seconds) * US_PER_SECOND + micros


def utc_datetime(us):
    """UTC microseconds -> (datetime.date, hour, minute, second, micros)."""
    days, rest = divmod(us, US_PER_DAY)
    date = datetime.date.fromordinal(days + ORDINAL_0001_01_01)
    seconds, micros = divmod(rest, US_PER_SECOND)
    hour, rem = divmod(seconds, 3600)
    minute, second = divmod(rem, 60)
    return date, hour, minute, second, micros


def format_ts(us):
    """RFC 3339 in UTC with Z; a 6-digit fraction only when it is not zero."""
    date, hour, minute, second, micros = utc_datetime(us)
    text = "%04d-%02d-%02dT%02d:%02d:%02d" % (date.year, date.month, date.day,
                                              hour, minute, second)
    if micros:
        text += ".%06d" % micros
    return text + "Z"


# ---------------------------------------------------------------------------
# Strict JSON (RFC 8259 plus the spec's extra rules).
# ---------------------------------------------------------------------------

def _object_without_repeated_keys(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise Rejected("repeated key %r" % key)
        obj[key] = value
    return obj


def _no_constants(name):
    raise Rejected("%s is not JSON" % name)


def _has_surrogate(s):
    return any(0xD800 <= ord(c) <= 0xDFFF for c in s)


def _check_no_unpaired_surrogates(value):
    # The input was strictly decoded UTF-8, so any surrogate code point in a
    # parsed string came from an escape that was not part of a valid pair
    # (Python's json joins valid pairs into one character).
    if isinstance(value, str):
        if _has_surrogate(value):
            raise Rejected("unpaired surrogate escape")
    elif isinstance(value, list):
        for item in value:
            _check_no_unpaired_surrogates(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_no_unpaired_surrogates(key)
            _check_no_unpaired_surrogates(item)


def strict_json_loads(data: bytes):
    try:
        text = data.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        raise Rejected("invalid UTF-8")
    try:
        value = json.loads(text, object_pairs_hook=_object_without_repeated_keys,
                           parse_constant=_no_constants)
    except Rejected:
        raise
    except (ValueError, RecursionError) as exc:
        raise Rejected("invalid JSON: %s" % exc)
    _check_no_unpaired_surrogates(value)
    return value


# ---------------------------------------------------------------------------
# Field validation (SPEC section 2).
# ---------------------------------------------------------------------------

def is_key_string(v):
    """post, user, id: 1-256 bytes of UTF-8, no control characters (< 0x20)."""
    return (isinstance(v, str)
            and 1 <= len(v.encode("utf-8")) <= MAX_KEY_BYTES
            and all(ord(c) >= 0x20 for c in v))


def is_ts(v):
    return parse_ts(v) is not None


def is_visibility(v):
    return isinstance(v, str) and v in VISIBILITIES


def is_region(v):
    return isinstance(v, str) and (v == "" or re.fullmatch(r"[A-Z]{2}", v) is not None)


def is_bool(v):
    return isinstance(v, bool)


def parse_birth_date(v):
    """YYYY-MM-DD, a valid calendar date -> datetime.date, or None."""
    if not isinstance(v, str):
        return None
    m = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", v)
    if m is None:
        return None
    year, month, day = (int(g) for g in m.groups())
    if year < 1 or not valid_date(year, month, day):
        return None
    return datetime.date(year, month, day)


def is_birth_date(v):
    return parse_birth_date(v) is not None


def is_ai_training(v):
    return isinstance(v, str) and v in AI_TRAINING_VALUES


def is_signals(v):
    """At most 64 strings of 1-256 bytes (any characters)."""
    return (isinstance(v, list) and len(v) <= MAX_SIGNALS
            and all(isinstance(s, str) and 1 <= len(s.encode("utf-8")) <= MAX_SIGNAL_BYTES
                    for s in v))


def is_string_list(v):
    return isinstance(v, list) and all(isinstance(s, str) for s in v)


def is_mentions(v):
    """At most 1,000 user ids (repeats allowed)."""
    return isinstance(v, list) and len(v) <= MAX_MENTIONS and all(is_key_string(u) for u in v)


def is_text(v):
    return isinstance(v, str) and len(v.encode("utf-8")) <= MAX_TEXT_BYTES


def is_string(v):
    return isinstance(v, str)


FIELD_VALIDATORS = {
    "id": is_key_string,
    "ts": is_ts,
    "post": is_key_string,
    "user": is_key_string,
    "visibility": is_visibility,
    "text": is_text,
    "kind": is_string,
    "lang": is_string,
    "signals": is_signals,
    "region": is_region,
    "private": is_bool,
    "birth_date": is_birth_date,
    "ai_training": is_ai_training,
    "parent": is_key_string,
    "mentions": is_mentions,
    "with": is_key_string,
}

# type -> (required fields, optional fields); "id" is optional on every type.
EVENT_FIELDS = {
    "post": (("ts", "post", "user", "visibility"),
             ("text", "kind", "lang", "signals", "parent", "mentions")),
    "edit": (("ts", "post", "text"), ("signals", "mentions")),
    "visibility": (("ts", "post", "visibility"), ()),
    "delete": (("ts", "post"), ()),
    "account": (("ts", "user"), ("region", "private", "birth_date")),
    "preference": (("ts", "user", "ai_training"), ()),
    "account_delete": (("ts", "user"), ()),
    "link": (("ts", "user", "with"), ()),
    "unlink": (("ts", "user", "with"), ()),
}


class Event:
    """An accepted event: its log position, type, UTC time and its known fields."""

    def __init__(self, seq, type_, ts, fields):
        self.seq = seq
        self.type = type_
        self.ts = ts
        self.fields = fields  # only the fields listed for this type (+ id)

    def key(self):
        """Order used by "as of": greatest (ts, seq)."""
        return (self.ts, self.seq)


def validate_fields(obj):
    """Check type, required and optional fields; return (type, fields).
    Fields not listed for the event's type are unknown and ignored."""
    type_ = obj.get("type")
    if not isinstance(type_, str) or type_ not in EVENT_FIELDS:
        raise Rejected("missing or unknown type")
    required, optional = EVENT_FIELDS[type_]
    fields = {}
    for name in required:
        if name not in obj:
            raise Rejected("missing required field %s" % name)
    for name in ("id",) + required + optional:
        if name in obj:
            if not FIELD_VALIDATORS[name](obj[name]):
                raise Rejected("invalid %s" % name)
            fields[name] = obj[name]
    return type_, fields


# ---------------------------------------------------------------------------
# The event log and the state-dependent acceptance rules.
# ---------------------------------------------------------------------------

class Post:
    def __init__(self, creation):
        self.creation = creation          # the accepted `post` event
        self.user = creation.fields["user"]
        self.parent = creation.fields.get("parent")  # fixed at creation
        self.events = [creation]          # post, edit, visibility, delete events
        self.deletion = None              # the accepted `delete` event, if any


class User:
    def __init__(self):
        self.events = []                  # account and preference events
        self.deletion = None              # the accepted account_delete event, if any
        self.links = []                   # link/unlink events naming this user


class Log:
    def __init__(self):
        self.events = []        # accepted events; events[i].seq == i + 1
        self.posts = {}         # post id -> Post
        self.users = {}         # user id -> User
        self.accepted_ids = set()
        self.accepted = 0
        self.duplicates = 0
        self.rejected = 0
        self.reject_log = []    # (line number, error)
        self.pair_events = {}   # frozenset({user, with}) -> link/unlink events

    # -- reading ----------------------------------------------------------
    def ingest_file(self, path):
        with open(path, "rb") as f:
            data = f.read()
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()  # the file's final newline does not start a line
        for number, line in enumerate(lines, start=1):
            self.ingest_line(number, line)

    def ingest_line(self, number, line):
        if line.endswith(b"\r"):
            line = line[:-1]  # CRLF line ending
        if all(b in b" \t\r" for b in line):
            return  # empty or only blanks: skipped, not counted
        try:
            if len(line) > MAX_LINE_BYTES:
                raise Rejected("line longer than 2 MiB")
            obj = strict_json_loads(line)
            if not isinstance(obj, dict):
                raise Rejected("not a JSON object")
            if isinstance(obj.get("id"), str) and obj["id"] in self.accepted_ids:
                self.duplicates += 1
                return
            type_, fields = validate_fields(obj)
            event = Event(len(self.events) + 1, type_, parse_ts(fields["ts"]), fields)
            self.check_state_rules(event)
        except Rejected as exc:
            self.rejected += 1
            self.reject_log.append((number, str(exc)))
            return
        self.accept(event)

    # -- rules ------------------------------------------------------------
    def check_state_rules(self, ev):
        f = ev.fields
        if ev.type == "post":
            if f["post"] in self.posts:
                raise Rejected("post already exists")
            author = self.users.get(f["user"])
            if author is not None:
                deletion = author.deletion
                if deletion is not None and deletion.ts <= ev.ts:
                    raise Rejected("author account deleted at or before ts")
        elif ev.type in ("edit", "visibility", "delete"):
            post = self.posts.get(f["post"])
            if post is None:
                raise Rejected("unknown post")
            if ev.ts < post.creation.ts:
                raise Rejected("ts before the post's creation")
            if ev.type == "delete" and post.deletion is not None:
                raise Rejected("second delete")
            if post.deletion is not None and ev.key() > post.deletion.key():
                raise Rejected("after the post's deletion")
            account_deletion = self.users[post.user].deletion
            if account_deletion is not None and ev.key() > account_deletion.key():
                raise Rejected("after the author account's deletion")
        if ev.type == "post" and f.get("parent") == f["post"]:
            raise Rejected("a post cannot be its own parent")
        if ev.type in ("link", "unlink") and f["user"] == f["with"]:
            raise Rejected("link/unlink names the same account twice")
        if ev.type in ("account", "preference", "account_delete", "link", "unlink"):
            names = [f["user"]] + ([f["with"]] if "with" in f else [])
            if ev.type == "account_delete":
                user = self.users.get(f["user"])
                if user is None:
                    raise Rejected("account_delete of an unknown user")
                if user.deletion is not None:
                    raise Rejected("second account_delete")
            for name in names:
                user = self.users.get(name)
                deletion = user.deletion if user is not None else None
                if deletion is not None and ev.key() > deletion.key():
                    raise Rejected("after the deletion of account %r" % name)

    def accept(self, ev):
        assert ev.seq == len(self.events) + 1
        self.events.append(ev)
        self.accepted += 1
        if "id" in ev.fields:
            self.accepted_ids.add(ev.fields["id"])
        f = ev.fields
        if ev.type == "post":
            self.posts[f["post"]] = Post(ev)
            self.users.setdefault(f["user"], User())
        elif ev.type in ("edit", "visibility"):
            self.posts[f["post"]].events.append(ev)
        elif ev.type == "delete":
            post = self.posts[f["post"]]
            post.events.append(ev)
            post.deletion = ev
        elif ev.type in ("account", "preference"):
            self.users.setdefault(f["user"], User()).events.append(ev)
        elif ev.type == "account_delete":
            self.users[f["user"]].deletion = ev
        elif ev.type in ("link", "unlink"):
            # both accounts become known; the pair is unordered
            self.users.setdefault(f["user"], User()).links.append(ev)
            self.users.setdefault(f["with"], User()).links.append(ev)
            self.pair_events.setdefault(pair_of(ev), []).append(ev)


def pair_of(ev):
    return frozenset((ev.fields["user"], ev.fields["with"]))


# ---------------------------------------------------------------------------
# "As of T"
# ---------------------------------------------------------------------------

def latest_as_of(events, at, predicate):
    """The event with the greatest (ts, seq) among those with ts <= at that
    satisfy predicate, or None."""
    best = None
    for ev in events:
        if ev.ts <= at and predicate(ev):
            if best is None or ev.key() > best.key():
                best = ev
    return best


def account_attribute(user, name, at):
    """region / private / birth_date from the latest `account` event carrying it."""
    ev = latest_as_of(user.events, at,
                      lambda e: e.type == "account" and name in e.fields)
    return None if ev is None else ev.fields[name]


def own_preference_event(user, at):
    """The account's own latest preference event as of T (None if none)."""
    return latest_as_of(user.events, at, lambda e: e.type == "preference")


def mentions_as_of(post, at):
    # Like signals: the post event always sets them (absent = none); an edit
    # sets them only when it carries `mentions`.
    ev = latest_as_of(post.events, at,
                      lambda e: e.type == "post" or (e.type == "edit" and "mentions" in e.fields))
    return ev.fields.get("mentions", [])


def visibility_as_of(post, at):
    ev = latest_as_of(post.events, at, lambda e: e.type in ("post", "visibility"))
    return ev.fields["visibility"]  # the creation event counts, so never None


def text_as_of(post, at):
    ev = latest_as_of(post.events, at, lambda e: e.type in ("post", "edit"))
    return ev.fields.get("text", "")


def signals_as_of(post, at):
    # The post event always sets the signals (absent = none); an edit sets
    # them only when it carries `signals`.
    ev = latest_as_of(post.events, at,
                      lambda e: e.type == "post" or (e.type == "edit" and "signals" in e.fields))
    return ev.fields.get("signals", [])


# ---------------------------------------------------------------------------
# Policy (SPEC section 3)
# ---------------------------------------------------------------------------

GROUP_NAME_RE = re.compile(r"[A-Z]{3,}")
COUNTRY_RE = re.compile(r"[A-Z]{2}")


class Version:
    def __init__(self, raw, path):
        known = {"id", "effective", "visibility", "content_since", "min_age",
                 "honor_signals", "inherit_audience", "honor_mentions", "regions"}
        check_keys(raw, known, path)
        if not isinstance(raw.get("id"), str):
            raise Rejected("%s.id: required string" % path)
        self.id = raw["id"]
        self.effective = parse_ts(raw.get("effective"))
        if self.effective is None:
            raise Rejected("%s.effective: required RFC 3339 time" % path)
        self.visibility = raw.get("visibility", ["public"])
        if not (isinstance(self.visibility, list)
                and all(is_visibility(v) for v in self.visibility)):
            raise Rejected("%s.visibility: list of visibilities" % path)
        self.content_since = None
        if "content_since" in raw:
            self.content_since = parse_ts(raw["content_since"])
            if self.content_since is None:
                raise Rejected("%s.content_since: RFC 3339 time" % path)
        self.min_age = raw.get("min_age")
        if self.min_age is not None and not (
                isinstance(self.min_age, int) and not isinstance(self.min_age, bool)
                and self.min_age >= 0):
            raise Rejected("%s.min_age: non-negative integer" % path)
        self.honor_signals = raw.get("honor_signals", [])
        if not is_string_list(self.honor_signals):
            raise Rejected("%s.honor_signals: list of strings" % path)
        self.inherit_audience = raw.get("inherit_audience", True)
        if not is_bool(self.inherit_audience):
            raise Rejected("%s.inherit_audience: boolean" % path)
        self.honor_mentions = raw.get("honor_mentions", False)
        if not is_bool(self.honor_mentions):
            raise Rejected("%s.honor_mentions: boolean" % path)
        self.regions = raw.get("regions", {})
        if not isinstance(self.regions, dict):
            raise Rejected("%s.regions: object" % path)


def check_keys(obj, known, path):
    if not isinstance(obj, dict):
        raise Rejected("%s: must be an object" % path)
    for key in obj:
        if key not in known:
            raise Rejected("%s.%s: unknown key" % (path, key))


class Policy:
    def __init__(self, raw):
        check_keys(raw, {"name", "source", "region_groups", "versions"}, "policy")
        if not isinstance(raw.get("name"), str):
            raise Rejected("policy.name: required string")
        self.name = raw["name"]
        self.source = raw.get("source", self.name)
        if not isinstance(self.source, str):
            raise Rejected("policy.source: string")
        self.groups = {"EU": EU, "EEA": EEA}
        custom = raw.get("region_groups", {})
        if not isinstance(custom, dict):
            raise Rejected("policy.region_groups: object")
        for name, members in custom.items():
            path = "policy.region_groups.%s" % name
            if not GROUP_NAME_RE.fullmatch(name) or name in ("EU", "EEA"):
                raise Rejected("%s: group names are upper case, 3+ letters, not built-in" % path)
            if not (isinstance(members, list)
                    and all(isinstance(c, str) and COUNTRY_RE.fullmatch(c) for c in members)):
                raise Rejected("%s: list of country codes" % path)
            self.groups[name] = frozenset(members)
        versions = raw.get("versions")
        if not isinstance(versions, list) or not versions:
            raise Rejected("policy.versions: at least one version required")
        self.versions = []
        for i, v in enumerate(versions):
            path = "policy.versions[%d]" % i
            version = Version(v, path)
            if any(version.id == other.id for other in self.versions):
                raise Rejected("%s.id: not unique" % path)
            if self.versions and version.effective <= self.versions[-1].effective:
                raise Rejected("%s.effective: not strictly increasing" % path)
            self.check_regions(version, path)
            self.versions.append(version)

    def check_regions(self, version, path):
        for key, mode in version.regions.items():
            if not (key == "default" or COUNTRY_RE.fullmatch(key) or key in self.groups):
                raise Rejected("%s.regions.%s: not default, a country code or a group" % (path, key))
            if mode not in MODES:
                raise Rejected("%s.regions.%s: unknown mode" % (path, key))
        listed_groups = [g for g in version.regions if g in self.groups]
        countries = set()
        for g in listed_groups:
            countries |= self.groups[g]
        for country in sorted(countries):
            if country in version.regions:
                continue
            modes = {version.regions[g] for g in listed_groups if country in self.groups[g]}
            if len(modes) > 1:
                raise Rejected("%s.regions: %s is in groups with different modes and has no key"
                               % (path, country))

    def version_at(self, at):
        """The version with the greatest effective <= at, or None."""
        in_force = None
        for version in self.versions:
            if version.effective <= at:
                in_force = version
        return in_force

    def mode_for(self, version, region):
        """Country key beats group key; no match (or unknown region) -> default;
        no default -> no_choice."""
        regions = version.regions
        if region:  # None or "" means unknown
            if region in regions:
                return regions[region]
            group_modes = {regions[g] for g in regions
                           if g in self.groups and region in self.groups[g]}
            if group_modes:
                assert len(group_modes) == 1  # checked when the policy was loaded
                return group_modes.pop()
        return regions.get("default", "no_choice")


def load_policy(path):
    with open(path, "rb") as f:
        raw = strict_json_loads(f.read())
    return Policy(raw)


# ---------------------------------------------------------------------------
# Evaluation (SPEC section 4)
# ---------------------------------------------------------------------------

def age_at(birth, created_us):
    """Full years: year difference, minus one when the creation's (month, day)
    in UTC is before the birth (month, day)."""
    created, _, _, _, _ = utc_datetime(created_us)
    years = created.year - birth.year
    if (created.month, created.day) < (birth.month, birth.day):
        years -= 1
    return years


class AsOf:
    """Everything about accounts that evaluation needs, as of T: persons,
    person-wide preferences and each account's own attributes."""

    def __init__(self, log, at):
        self.log = log
        self.at = at
        # Persons: connected components of the pairs whose latest link/unlink
        # event as of T is a `link`.
        root = {}

        def find(u):
            while root[u] != u:
                u = root[u]
            return u

        for pair, events in log.pair_events.items():
            latest = latest_as_of(events, at, lambda e: True)
            if latest is not None and latest.type == "link":
                a, b = sorted(pair)
                root.setdefault(a, a)
                root.setdefault(b, b)
                ra, rb = find(a), find(b)
                if ra != rb:
                    root[ra] = rb
        members = {}
        for u in list(root):
            members.setdefault(find(u), set()).add(u)
        self._person = {}
        for group in members.values():
            frozen = frozenset(group)
            for u in group:
                self._person[u] = frozen
        self._accounts = {}
        self._preference = {}

    def person(self, user_id):
        """The account with every account linked to it, directly or not."""
        return self._person.get(user_id, frozenset((user_id,)))

    def preference(self, user_id):
        """The person-wide preference: the preference event with the greatest
        (ts, seq) among those of all the person's accounts, deleted or not."""
        if user_id not in self._preference:
            best = None
            for member in self.person(user_id):
                user = self.log.users.get(member)
                ev = own_preference_event(user, self.at) if user is not None else None
                if ev is not None and (best is None or ev.key() > best.key()):
                    best = ev
            self._preference[user_id] = "unset" if best is None else best.fields["ai_training"]
        return self._preference[user_id]

    def account(self, user_id):
        """The account's own attributes as of T (None for an unknown account)."""
        if user_id not in self._accounts:
            user = self.log.users.get(user_id)
            if user is None:
                self._accounts[user_id] = None
            else:
                at = self.at
                self._accounts[user_id] = {
                    "deleted": user.deletion is not None and user.deletion.ts <= at,
                    "birth_date": account_attribute(user, "birth_date", at),
                    "region": account_attribute(user, "region", at),
                    "private": account_attribute(user, "private", at),
                }
        return self._accounts[user_id]

    def objection_honoured(self, policy, version, user_id):
        """Known, not deleted, region maps to opt_out or opt_in, and the
        (person-wide) preference is deny."""
        acc = self.account(user_id)
        if acc is None or acc["deleted"]:
            return False
        if policy.mode_for(version, acc["region"]) not in ("opt_out", "opt_in"):
            return False
        return self.preference(user_id) == "deny"


def thread_of(log, post, at):
    """The post's ancestors: its parent if that post is in the log and was
    created at or before T, then that post's parent by the same rule...; at most
    100 of them; the walk stops at a parent that is not there or at a post
    already visited (the post itself counts as visited)."""
    visited = {post.creation.fields["post"]}
    thread = []
    current = post
    while len(thread) < MAX_ANCESTORS:
        parent_id = current.parent
        if parent_id is None or parent_id in visited:
            break
        parent = log.posts.get(parent_id)
        if parent is None or parent.creation.ts > at:
            break
        visited.add(parent_id)
        thread.append(parent)
        current = parent
    return thread


def post_deleted(post, author, at):
    """Check 1's condition: the post, or its author's account, deleted at or before T."""
    return (post.deletion is not None and post.deletion.ts <= at) or author["deleted"]


def audience_fails(version, post, author, at):
    """The post's own audience is outside the version's: its visibility as of T
    is not eligible, or its author's account is private as of T."""
    return visibility_as_of(post, at) not in version.visibility or author["private"] is True


def decide(policy, log, state, post, at):
    """The reason a considered post is excluded at `at`, or "included"."""
    created = post.creation.ts
    author = state.account(post.user)

    # 1. deleted: the post, or its author's account, deleted at or before T
    if post_deleted(post, author, at):
        return "deleted"

    # 2. no_policy
    version = policy.version_at(at)
    if version is None:
        return "no_policy"

    # 3. too_old
    if version.content_since is not None and created < version.content_since:
        return "too_old"

    # 4. minor
    if version.min_age is not None and author["birth_date"] is not None:
        if age_at(parse_birth_date(author["birth_date"]), created) < version.min_age:
            return "minor"

    mode = policy.mode_for(version, author["region"])

    # 5. region_excluded
    if mode == "excluded":
        return "region_excluded"

    # 6. not_public: the post's own audience, then (inherit_audience) its thread's
    if audience_fails(version, post, author, at):
        return "not_public"
    if version.inherit_audience:
        for ancestor in thread_of(log, post, at):
            ancestor_author = state.account(ancestor.user)
            if (post_deleted(ancestor, ancestor_author, at)
                    or audience_fails(version, ancestor, ancestor_author, at)):
                return "not_public"

    # 7. signal
    if any(s in version.honor_signals for s in signals_as_of(post, at)):
        return "signal"

    preference = state.preference(post.user)  # person-wide
    # 8. objected
    if mode == "opt_out" and preference == "deny":
        return "objected"
    # 9. no_consent
    if mode == "opt_in" and preference != "allow":
        return "no_consent"

    # 10. mentioned: an honoured objection among the mentions, the author's
    # own person left out
    if version.honor_mentions:
        own = state.person(post.user)
        for user_id in mentions_as_of(post, at):
            if user_id not in own and state.objection_honoured(policy, version, user_id):
                return "mentioned"

    return "included"


def considered_posts(log, at):
    """Posts created at or before T, sorted by post id bytewise (UTF-8)."""
    posts = [p for p in log.posts.values() if p.creation.ts <= at]
    posts.sort(key=lambda p: p.creation.fields["post"].encode("utf-8"))
    return posts


def empty_counts():
    return {"considered": 0, "included": 0, "excluded": {r: 0 for r in REASONS}}


def count(counts, decision):
    counts["considered"] += 1
    if decision == "included":
        counts["included"] += 1
    else:
        counts["excluded"][decision] += 1


def evaluate(log, policy, at):
    counts = empty_counts()
    digest = hashlib.sha256()
    decisions = []
    state = AsOf(log, at)
    for post in considered_posts(log, at):
        decision = decide(policy, log, state, post, at)
        post_id = post.creation.fields["post"]
        decisions.append((post, decision))
        count(counts, decision)
        if decision == "included":
            text_hash = hashlib.sha256(text_as_of(post, at).encode("utf-8")).hexdigest()
            digest.update(post_id.encode("utf-8") + b"\n" + text_hash.encode("ascii") + b"\n")
    version = policy.version_at(at)
    result = {
        "at": format_ts(at),
        "log_position": len(log.events),
        "policy": {"name": policy.name, "version": None if version is None else version.id},
        "counts": counts,
        "digest": digest.hexdigest(),
    }
    return result, decisions, state


def reports(log, policy, at):
    """Per account (every account named by an accepted event, mentions
    included): its person, the counts of its own posts and the posts of other
    people that mention it."""
    _, decisions, state = evaluate(log, policy, at)
    version = policy.version_at(at)
    names = set(log.users)
    for post in log.posts.values():
        for ev in post.events:
            names.update(ev.fields.get("mentions", []))
    own = {u: empty_counts() for u in names}
    by_others = {u: {"considered": 0, "excluded": 0} for u in names}
    for post, decision in decisions:
        count(own[post.user], decision)
        authors = state.person(post.user)
        for user_id in set(mentions_as_of(post, at)):
            if user_id in authors:
                continue
            by_others[user_id]["considered"] += 1
            if (decision == "mentioned"
                    and state.objection_honoured(policy, version, user_id)):
                by_others[user_id]["excluded"] += 1
    out = []
    for user_id in sorted(names, key=lambda u: u.encode("utf-8")):
        out.append({
            "user": user_id,
            "known": user_id in log.users,
            "person": sorted(state.person(user_id), key=lambda u: u.encode("utf-8")),
            "posts": own[user_id],
            "mentioned_by_others": by_others[user_id],
        })
    return out


# ---------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description="licit reference oracle")
    ap.add_argument("--policy", required=True)
    ap.add_argument("--at", action="append", default=[])
    ap.add_argument("--ingest-summary", action="store_true")
    ap.add_argument("--decisions", action="store_true")
    ap.add_argument("--reports", action="store_true")
    ap.add_argument("--rejects", metavar="FILE")
    ap.add_argument("events")
    args = ap.parse_args(argv)

    try:
        policy = load_policy(args.policy)
    except Rejected as exc:
        print("policy error: %s" % exc, file=sys.stderr)
        return 2
    ats = []
    for text in args.at:
        at = parse_ts(text)
        if at is None:
            print("bad --at: %r" % text, file=sys.stderr)
            return 2
        ats.append(at)

    log = Log()
    log.ingest_file(args.events)

    out = sys.stdout.buffer
    if args.rejects:
        with open(args.rejects, "w", encoding="utf-8") as f:
            for number, error in log.reject_log:
                f.write(json.dumps({"line": number, "error": error}) + "\n")

    def emit(obj):
        out.write(json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n")

    if args.ingest_summary or args.decisions or args.reports:
        if args.ingest_summary:
            emit({"accepted": log.accepted, "duplicates": log.duplicates,
                  "rejected": log.rejected})
        if (args.decisions or args.reports) and not ats:
            print("--decisions and --reports need --at", file=sys.stderr)
            return 2
        if args.decisions:
            _, decisions, _ = evaluate(log, policy, ats[0])
            for post, decision in decisions:
                post_id = post.creation.fields["post"]
                out.write(post_id.encode("utf-8") + b"\t" + decision.encode("ascii") + b"\n")
        if args.reports:
            for report in reports(log, policy, ats[0]):
                emit(report)
        return 0

    if not ats:
        print("need --at T (or --ingest-summary)", file=sys.stderr)
        return 2
    for at in ats:
        result, _, _ = evaluate(log, policy, at)
        emit(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
