"""Test-only reference: the grants reader as it was before the one-pass rewrite.

tests/test_grants_differential.py compares `olclint.readers.grants` with this module on
every grants file of the fixtures and on generated and mutated texts: the rewrite must
give the same accounts, statements, findings (with their locations), redacted texts and
secret spans. It is kept verbatim (only this docstring differs) and is not part of the
package.

The original module docstring follows.

Accounts and privileges from a grants file (`grants.sql`).

The file holds statements as MySQL/MariaDB print them (`SHOW GRANTS`, `SHOW CREATE USER`,
also pasted from the `mysql` client's table or `\\G` output) or as an administrator ran
them. They are applied in order to a set of accounts:

- `CREATE [OR REPLACE] USER [IF NOT EXISTS] u@h [IDENTIFIED ...], ... [options]`;
  `ALTER USER`; `SET PASSWORD [FOR u@h] = ...`;
- `GRANT privs ON level TO u@h [IDENTIFIED ...], ... [REQUIRE ...] [WITH ...]`: creates a
  missing account (as MariaDB and MySQL 5.7 do; MySQL 8.0 refuses, rules judge that
  through `Account.identified_in_grant` and the server version);
- `REVOKE privs ON level FROM ...`, `REVOKE ALL PRIVILEGES, GRANT OPTION FROM ...`
  (revoking what an account does not hold is ignored);
- `DROP USER [IF EXISTS] ...`, `RENAME USER a TO b, ...`, `USE db` (for `ON *` and
  `ON table`); role and proxy grants, `CREATE/DROP ROLE`, `FLUSH`, `SHOW` and other `SET`
  statements are read and have no effect on privileges.

Statements end at `;` outside quotes and comments; without `;`, a line that starts with a
statement keyword starts a new statement (pasted `SHOW GRANTS` output). Comments: `-- `,
`#`, `/* */` (`/*! ... */` is read as code, as the server does). Quotes: `'`, `"` and
backticks, with backslash escapes and doubled quotes. A user without `@host` has host
`%`; user names are case-sensitive, host names are kept as written and compared without
case. Anything that cannot be read is OLC005 at the statement's line and is skipped.

Passwords and hashes never leave this module: only whether one was set is kept, and the
statement texts are redacted.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from olclint.core.findings import Finding, Level, Location, Related, diag
from olclint.core.ids import INPUT_VALUE_ERROR as INPUT_VALUE
from olclint.core.limits import MAX_FINDINGS_PER_FILE, too_many
from olclint.core.secrets import REDACTED, redact_text

if TYPE_CHECKING:
    from olclint.readers.workspace import Workspace

ALL = "ALL PRIVILEGES"
GRANT_OPTION = "GRANT OPTION"
_QUOTED = f"'{REDACTED}'"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# What ALL PRIVILEGES stands for at each level (MySQL 8.0 and MariaDB together); used when
# part of an ALL grant is revoked, so that what remains is no longer "ALL".
_TABLE_PRIVS = _words("SELECT INSERT UPDATE DELETE CREATE DROP REFERENCES INDEX ALTER TRIGGER") | {
    "CREATE VIEW",
    "SHOW VIEW",
    "DELETE HISTORY",
}
_DB_PRIVS = (
    _TABLE_PRIVS
    | {"EXECUTE", "EVENT", "CREATE TEMPORARY TABLES", "LOCK TABLES"}
    | {"CREATE ROUTINE", "ALTER ROUTINE", "SHOW CREATE ROUTINE"}
)
_GLOBAL_PRIVS = (
    _DB_PRIVS
    | _words("RELOAD SHUTDOWN PROCESS FILE SUPER")
    | {
        "SHOW DATABASES",
        "REPLICATION SLAVE",
        "REPLICATION CLIENT",
        "CREATE USER",
        "CREATE TABLESPACE",
        "CREATE ROLE",
        "DROP ROLE",
    }
)

_PRIVILEGE_WORDS = frozenset(w for p in _GLOBAL_PRIVS for w in p.split()) | _words(
    "ALL GRANT USAGE PROXY BINLOG"
)


@dataclass(frozen=True)
class Grant:
    database: str  # as written, unquoted: "*" for *.*, "objectiflune" for objectiflune.*
    table: str  # "*" or a table (or routine) name
    privileges: frozenset[str]  # upper case; "ALL PRIVILEGES" for ALL; "GRANT OPTION"
    location: Location  # the GRANT statement


@functools.lru_cache(maxsize=4096)
def _like_regex(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    parts: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            parts.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        parts.append(".*" if c == "%" else "." if c == "_" else re.escape(c))
        i += 1
    return re.compile("".join(parts), re.S | (re.I if ignore_case else 0))


def like_match(pattern: str, text: str, *, ignore_case: bool = False) -> bool:
    """MySQL's wildcard match of account hosts and database names: `%`, `_`, `\\x`."""
    return _like_regex(pattern, ignore_case).fullmatch(text) is not None


def database_matches(pattern: str, schema: str, *, ignore_case: bool = False) -> bool:
    """Whether a grant's database name (with `%`, `_`, `\\_` wildcards) covers `schema`."""
    if pattern == "*":
        return True
    return like_match(pattern, schema, ignore_case=ignore_case)


@dataclass(frozen=True)
class Account:
    user: str
    host: str
    location: Location  # CREATE USER, or the first GRANT that created it
    grants: tuple[Grant, ...]  # after GRANT/REVOKE, in order
    identified_in_grant: Location | None  # a GRANT ... IDENTIFIED (an error on MySQL 8.0+)
    has_password: bool  # whether a non-empty password or hash was set; never the password
    locked: bool = False  # ACCOUNT LOCK
    require_tls: bool = False  # REQUIRE SSL, X509, ISSUER, SUBJECT or CIPHER
    granted_roles: frozenset[str] = frozenset()  # GRANT role TO this account
    default_roles: tuple[str, ...] = ()  # SET DEFAULT ROLE / DEFAULT ROLE; ("ALL",) for ALL

    @property
    def anonymous(self) -> bool:
        return self.user == ""

    def has_all_on(self, schema: str, *, ignore_case: bool = False) -> Location | None:
        """The first grant giving ALL PRIVILEGES on `schema`.* (or *.*), else None.

        Database wildcards count as MySQL counts them (`obj%`, `objectif\\_lune`); a
        table-level grant never counts. `ignore_case` for lower_case_table_names=1
        (Windows servers).
        """
        for grant in self.grants:
            if grant.table != "*" or ALL not in grant.privileges:
                continue
            if database_matches(grant.database, schema, ignore_case=ignore_case):
                return grant.location
        return None


@dataclass(frozen=True)
class Statement:
    kind: str  # "CREATE USER", "GRANT", "REVOKE", "DROP USER", ...
    location: Location  # the first line, with the end of the statement
    text: str  # passwords and hashes redacted


@dataclass(frozen=True)
class Grants:
    path: str
    accounts: tuple[Account, ...]  # final state, in order of creation
    statements: tuple[Statement, ...]  # the statements read (unreadable ones are left out)
    diagnostics: tuple[Finding, ...]
    read: bool = True  # False: the file could not be read (too large, denied, not a file)
    secrets: tuple[tuple[int, int], ...] = ()  # spans of secret literals in the text read
    roles: tuple[Account, ...] = ()  # roles (host ""): not accounts a client can match

    def role(self, name: str) -> Account | None:
        return next((r for r in self.roles if r.user == name), None)

    def find(self, user: str, host: str) -> Account | None:
        """The account `user`@`host` (host compared without case), or None."""
        for account in self.accounts:
            if account.user == user and account.host.lower() == host.lower():
                return account
        return None


# -- text and tokens -------------------------------------------------------------------------


class _Positions:
    """Offsets to 1-based (line, column); lines end at \\r\\n, \\r or \\n."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def at(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


@dataclass
class _Tok:
    kind: str  # "word", "str" (' or "), "bt" (backtick), "punct"
    text: str  # the unescaped value (words as written)
    start: int
    end: int
    line: int
    column: int
    secret: bool = False
    unterminated: bool = False

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.upper() in words

    def is_punct(self, char: str) -> bool:
        return self.kind == "punct" and self.text == char

    @property
    def name_like(self) -> bool:
        return self.kind in ("word", "str", "bt")


# [0-9A-Za-z_$\u0080-\U0010ffff]+ and the same with "." and "%", written as the ASCII
# characters they exclude: the same sets, compiled in microseconds instead of milliseconds
_WORD_CHARS = re.compile(r"[^\x00-\x23\x25-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]+")
_HOST_CHARS = re.compile(r"[^\x00-\x23\x26-\x2d\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]+")
_STRING_ESCAPES = {
    "0": "\0",
    "b": "\b",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "Z": "\x1a",
    "%": "\\%",
    "_": "\\_",
}


def _is_hex(word: str) -> bool:
    return word[:2].lower() == "0x"


_VERSIONED = re.compile(r"/\*(M?)!(\d{6}(?=\d)|\d{6}|\d{5})?")
MARIADB = "mariadb"


def _version_number(version: tuple[int, ...]) -> int:
    parts = (*version, 0, 0, 0)[:3]
    return parts[0] * 10000 + parts[1] * 100 + parts[2]


def versioned_comment_runs(
    mariadb_form: bool, number: int | None, engine: str | None, version: tuple[int, ...] | None
) -> bool:
    """Whether the server runs the code of `/*!NNNNN ... */` (`/*M!NNNNN ... */`).

    Observed on MariaDB 10.11 (`SELECT 1 /*!80001 +1 */` and the like): `/*M!` runs on
    MariaDB only; a version of 5 or 6 digits runs when it is at most the server's; MariaDB
    skips `/*!` versions 50700-99999 (MySQL 5.7 and 8.0 code). MySQL 8.0 manual,
    "Comments": `/*!NNNNN` runs when the server's version is at least NNNNN, and the
    `/*M!` form is MariaDB's. No engine (or no version) known: the code counts.
    """
    if engine is None:
        return True
    if mariadb_form and engine != MARIADB:
        return False
    if number is None:
        return True
    if engine == MARIADB and not mariadb_form and 50700 <= number <= 99999:
        return False
    return version is None or number <= _version_number(version)


def _lex(
    text: str,
    pos: _Positions,
    engine: str | None = None,
    version: tuple[int, ...] | None = None,
) -> tuple[list[_Tok], list[tuple[int, str]]]:
    """Tokens, and lexical problems as (offset, message)."""
    toks: list[_Tok] = []
    problems: list[tuple[int, str]] = []
    i, n = 0, len(text)
    code_comment_depth = 0  # inside /*! ... */: the closing */ is skipped

    def add(kind: str, value: str, start: int, end: int, **extra: bool) -> None:
        line, column = pos.at(start)
        toks.append(_Tok(kind, value, start, end, line, column, **extra))

    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if c == "#" or (
            c == "-" and text.startswith("--", i) and (i + 2 >= n or text[i + 2] <= " ")
        ):
            while i < n and text[i] not in "\r\n":
                i += 1
            continue
        if c == "/" and text.startswith("/*", i):
            m = _VERSIONED.match(text, i)
            if m is not None and versioned_comment_runs(
                m[1] == "M", int(m[2]) if m[2] else None, engine, version
            ):
                code_comment_depth += 1
                i = m.end()
                continue
            close = text.find("*/", i + 2)
            if close < 0:
                problems.append((i, "a /* comment is never closed"))
                i = n
                continue
            i = close + 2
            continue
        if c == "*" and code_comment_depth and text.startswith("*/", i):
            code_comment_depth -= 1
            i += 2
            continue
        if c in "'\"`":
            start = i
            i += 1
            out: list[str] = []
            closed = False
            while i < n:
                d = text[i]
                if d == "\\" and c != "`" and i + 1 < n:
                    e = text[i + 1]
                    out.append(_STRING_ESCAPES.get(e, e))
                    i += 2
                    continue
                if d == c:
                    if i + 1 < n and text[i + 1] == c:
                        out.append(c)
                        i += 2
                        continue
                    closed = True
                    i += 1
                    break
                out.append(d)
                i += 1
            kind = "bt" if c == "`" else "str"
            if not closed:
                problems.append((start, f"a {c}-quoted text is never closed"))
                add(kind, "".join(out), start, n, unterminated=True, secret=True)
                break
            add(kind, "".join(out), start, i)
            continue
        if c == "@":
            add("punct", "@", i, i + 1)
            i += 1
            m = _HOST_CHARS.match(text, i)
            if m is not None:
                add("word", m.group(), i, m.end())
                i = m.end()
            continue
        m = _WORD_CHARS.match(text, i)
        if m is not None:
            add("word", m.group(), i, m.end())
            i = m.end()
            continue
        add("punct", c, i, i + 1)
        i += 1
    # values after BY / AS / USING / PASSWORD / = are secrets (hidden from texts and messages)
    previous: _Tok | None = None
    for tok in toks:
        if (
            previous is not None
            and tok.kind != "punct"
            and not tok.is_word("PASSWORD", "RANDOM")
            and (
                previous.is_punct("=")
                or previous.is_word("BY", "AS", "USING")
                or (previous.is_word("PASSWORD") and (tok.kind != "word" or _is_hex(tok.text)))
            )
        ):
            tok.secret = True
        if not tok.is_punct("("):
            previous = tok
    return toks, problems


_OPENERS = _words("GRANT REVOKE CREATE DROP RENAME ALTER SET FLUSH USE SHOW SELECT EXECUTE")
_NOT_BEFORE_OPENER = _words("GRANT REVOKE WITH ON TO FROM ALL")


def _split_statements(toks: list[_Tok]) -> list[list[_Tok]]:
    """At `;`, and at a line that starts with a statement keyword."""
    statements: list[list[_Tok]] = []
    current: list[_Tok] = []
    for tok in toks:
        if tok.is_punct(";"):
            if current:
                statements.append(current)
            current = []
            continue
        if current and tok.kind == "word" and tok.text.upper() in _OPENERS:
            last = current[-1]
            if (
                last.line < tok.line
                and not last.is_punct(",")
                and not last.is_punct("(")
                and not last.is_word(*_NOT_BEFORE_OPENER)
            ):
                statements.append(current)
                current = []
        current.append(tok)
    if current:
        statements.append(current)
    return statements


# -- parsing ---------------------------------------------------------------------------------


class _Unreadable(Exception):
    def __init__(self, message: str, tok: _Tok | None) -> None:
        super().__init__(message)
        self.message = message
        self.tok = tok


def _show(tok: _Tok | None) -> str:
    if tok is None:
        return "the end of the statement"
    if tok.secret:
        return _QUOTED
    text = redact_text(tok.text)
    text = text if len(text) <= 40 else text[:37] + "..."
    if tok.kind == "str":
        return f"'{text}'"
    if tok.kind == "bt":
        return f"`{text}`"
    return f"'{text}'"


@dataclass
class _Auth:
    has_password: bool


@dataclass
class _UserSpec:
    user: str
    host: str
    auth: _Auth | None = None
    host_given: bool = True


class _Cursor:
    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks
        self.i = 0

    def peek(self, ahead: int = 0) -> _Tok | None:
        j = self.i + ahead
        return self.toks[j] if j < len(self.toks) else None

    def next(self, what: str) -> _Tok:
        tok = self.peek()
        if tok is None:
            raise _Unreadable(f"expected {what}, found the end of the statement", None)
        self.i += 1
        return tok

    def at_word(self, *words: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.is_word(*words)

    def take_word(self, *words: str) -> bool:
        if self.at_word(*words):
            self.i += 1
            return True
        return False

    def expect_word(self, *words: str) -> _Tok:
        tok = self.peek()
        if tok is None or not tok.is_word(*words):
            raise _Unreadable(f"expected {' or '.join(words)}, found {_show(tok)}", tok)
        self.i += 1
        return tok

    def take_punct(self, char: str) -> bool:
        tok = self.peek()
        if tok is not None and tok.is_punct(char):
            self.i += 1
            return True
        return False

    def expect_punct(self, char: str) -> None:
        tok = self.peek()
        if not self.take_punct(char):
            raise _Unreadable(f"expected '{char}', found {_show(tok)}", tok)

    def done(self) -> bool:
        return self.i >= len(self.toks)

    def expect_end(self, after: str) -> None:
        tok = self.peek()
        if tok is not None:
            raise _Unreadable(f"unexpected {_show(tok)} after {after}", tok)


_TAIL_STARTS = _words(
    "REQUIRE WITH AS PASSWORD ACCOUNT COMMENT ATTRIBUTE DEFAULT FAILED_LOGIN_ATTEMPTS "
    "PASSWORD_LOCK_TIME RESOURCE"
)


# words that may start a continuation line of the account options (anything else there
# starts something the file should have separated with ';')
_TAIL_WORDS = _TAIL_STARTS | _words(
    "NONE SSL X509 ISSUER SUBJECT CIPHER AND OR GRANT ADMIN OPTION MAX_QUERIES_PER_HOUR "
    "MAX_UPDATES_PER_HOUR MAX_CONNECTIONS_PER_HOUR MAX_USER_CONNECTIONS MAX_STATEMENT_TIME "
    "EXPIRE HISTORY REUSE INTERVAL CURRENT OPTIONAL LOCK UNLOCK ROLE NEVER DAY UNBOUNDED"
)


@dataclass
class _Tail:
    grant_option: bool = False
    locked: bool | None = None
    require_tls: bool | None = None
    default_roles: tuple[str, ...] | None = None


def _tail(cur: _Cursor, after: str) -> _Tail:
    """Account options after the user list: read for GRANT OPTION and ACCOUNT LOCK only."""
    tail = _Tail()
    tok = cur.peek()
    if tok is None:
        return tail
    if not tok.is_word(*_TAIL_STARTS):
        raise _Unreadable(f"unexpected {_show(tok)} after {after}", tok)
    seen_with = False
    previous = tok
    while not cur.done():
        tok = cur.next("an option")
        if tok.line > previous.line and tok.kind == "word" and not tok.is_word(*_TAIL_WORDS):
            raise _Unreadable(f"unexpected {_show(tok)} after the account options", tok)
        previous = tok
        if tok.is_word("WITH"):
            seen_with = True
        elif seen_with and tok.is_word("GRANT") and cur.at_word("OPTION"):
            tail.grant_option = True
        elif tok.is_word("ACCOUNT") and cur.at_word("LOCK", "UNLOCK"):
            tail.locked = cur.next("LOCK").is_word("LOCK")
        elif tok.is_word("REQUIRE") and cur.at_word("NONE"):
            tail.require_tls = False
        elif tok.is_word("REQUIRE") and cur.at_word("SSL", "X509", "ISSUER", "SUBJECT", "CIPHER"):
            tail.require_tls = True
        elif tok.is_word("DEFAULT") and cur.at_word("ROLE"):
            cur.i += 1
            tail.default_roles = _role_names(cur)
    return tail


def _name(cur: _Cursor, what: str) -> str:
    tok = cur.next(what)
    if not tok.name_like or tok.secret:
        raise _Unreadable(f"expected {what}, found {_show(tok)}", tok)
    return tok.text


def _user(cur: _Cursor) -> _UserSpec:
    tok = cur.next("an account ('user'@'host')")
    if tok.kind == "word" and tok.text.upper() in ("CURRENT_USER", "CURRENT_ROLE"):
        raise _Unreadable(f"{tok.text.upper()} cannot be resolved in a file; name the account", tok)
    if not tok.name_like or tok.is_word("IDENTIFIED", "TO", "FROM", "ON", "WITH", "REQUIRE"):
        raise _Unreadable(f"expected an account ('user'@'host'), found {_show(tok)}", tok)
    user = tok.text
    if cur.take_punct("@"):
        return _UserSpec(user, _name(cur, "a host after '@'"))
    return _UserSpec(user, "%", host_given=False)


def _current_user(cur: _Cursor) -> bool:
    """Skip `CURRENT_USER` / `CURRENT_USER()` (a dump's own session), if it is next."""
    if not cur.at_word("CURRENT_USER"):
        return False
    cur.i += 1
    if cur.take_punct("("):
        cur.expect_punct(")")
    return True


def _role_names(cur: _Cursor) -> tuple[str, ...]:
    """`NONE` (no role), `ALL`, or a list of roles (a MySQL role may have an @host)."""
    if cur.take_word("NONE"):
        return ()
    if cur.take_word("ALL"):
        return ("ALL",)
    names: list[str] = []
    while True:
        names.append(_name(cur, "a role name"))
        if cur.take_punct("@"):
            _name(cur, "a host after '@'")
        if not cur.take_punct(","):
            return tuple(names)


def _value(cur: _Cursor) -> bool:
    """A password or hash literal: whether it is non-empty (the value itself is dropped)."""
    tok = cur.next("a quoted password")
    if tok.kind == "str" or (tok.kind == "word" and _is_hex(tok.text)):
        return tok.text not in ("", "0x", "0X")
    raise _Unreadable("expected a quoted password or hash", tok)  # never show the token


def _auth(cur: _Cursor) -> _Auth:
    """After IDENTIFIED: BY [PASSWORD] 'x' | BY RANDOM PASSWORD | WITH/VIA plugin ..."""
    if cur.take_word("BY"):
        if cur.take_word("RANDOM"):
            cur.expect_word("PASSWORD")
            return _Auth(True)
        if cur.at_word("PASSWORD"):
            nxt = cur.peek(1)
            if nxt is not None and (nxt.kind == "str" or nxt.secret):
                cur.i += 1
        return _Auth(_value(cur))
    cur.expect_word("WITH", "VIA")
    has_password = False
    while True:
        _name(cur, "an authentication plugin")
        if cur.take_word("BY"):
            if cur.take_word("RANDOM"):
                cur.expect_word("PASSWORD")
                has_password = True
            else:
                has_password = _value(cur) or has_password
        elif cur.take_word("AS", "USING"):
            if cur.take_word("PASSWORD"):
                cur.expect_punct("(")
                has_password = _value(cur) or has_password
                cur.expect_punct(")")
            else:
                has_password = _value(cur) or has_password
        if not cur.take_word("OR"):
            return _Auth(has_password)


def _users(cur: _Cursor, *, with_auth: bool) -> list[_UserSpec]:
    users: list[_UserSpec] = []
    while True:
        spec = _user(cur)
        if cur.at_word("IDENTIFIED"):
            if not with_auth:
                raise _Unreadable("IDENTIFIED is not allowed here", cur.peek())
            cur.i += 1
            spec.auth = _auth(cur)
        users.append(spec)
        if not cur.take_punct(","):
            return users


def _privileges(cur: _Cursor, stop: tuple[str, ...]) -> frozenset[str]:
    privs: set[str] = set()
    while True:
        words: list[str] = []
        while True:
            tok = cur.peek()
            if tok is None or tok.kind != "word" or tok.is_word(*stop):
                break
            words.append(tok.text.upper())
            cur.i += 1
        if not words:
            raise _Unreadable(f"expected a privilege, found {_show(cur.peek())}", cur.peek())
        name = " ".join(words)
        if name in ("ALL", ALL):
            name = ALL
        if cur.take_punct("("):
            columns = [_name(cur, "a column name")]
            while cur.take_punct(","):
                columns.append(_name(cur, "a column name"))
            cur.expect_punct(")")
            name = f"{name} ({', '.join(columns)})"
        privs.add(name)
        if not cur.take_punct(","):
            return frozenset(privs)


def _level(cur: _Cursor, current_db: str | None) -> tuple[str, str]:
    """The privilege level after ON: (database, table)."""
    if cur.take_word("TABLE", "FUNCTION", "PROCEDURE"):
        pass
    elif cur.at_word("PACKAGE"):
        cur.i += 1
        cur.take_word("BODY")
    tok = cur.next("a privilege level (db.*)")
    if tok.is_punct("*"):
        first = "*"
    elif tok.name_like and not tok.secret:
        first = tok.text
    else:
        raise _Unreadable(f"expected a privilege level (db.*), found {_show(tok)}", tok)
    if cur.take_punct("."):
        nxt = cur.next("a table name or '*' after '.'")
        if nxt.is_punct("*"):
            return first, "*"
        if nxt.name_like and not nxt.secret:
            if first == "*":
                raise _Unreadable("'*.table' is not a privilege level", tok)
            return first, nxt.text
        raise _Unreadable(f"expected a table name or '*' after '.', found {_show(nxt)}", nxt)
    if first == "*":
        return (current_db, "*") if current_db else ("*", "*")
    if current_db is None:
        raise _Unreadable(
            f"ON {first} names a table of the current database and no USE comes before it; "
            f"write {first}.* for a whole database",
            tok,
        )
    return current_db, first


# -- state -----------------------------------------------------------------------------------


@dataclass
class _Acc:
    user: str
    host: str
    location: Location
    implicit: bool
    grants: list[Grant] = field(default_factory=list)
    identified_in_grant: Location | None = None
    has_password: bool = False
    locked: bool = False
    require_tls: bool = False
    granted_roles: set[str] = field(default_factory=set)
    default_roles: tuple[str, ...] = ()
    host_given: bool = True

    def apply(self, tail: _Tail) -> None:
        if tail.locked is not None:
            self.locked = tail.locked
        if tail.require_tls is not None:
            self.require_tls = tail.require_tls
        if tail.default_roles is not None:
            self.default_roles = tail.default_roles

    def freeze(self, host: str | None = None) -> Account:
        return Account(
            self.user,
            self.host if host is None else host,
            self.location,
            tuple(self.grants),
            self.identified_in_grant,
            self.has_password,
            self.locked,
            self.require_tls,
            frozenset(self.granted_roles),
            self.default_roles,
        )


def _key(user: str, host: str) -> tuple[str, str]:
    return user, host.lower()


def _remaining(have: frozenset[str], removed: frozenset[str], level: tuple[str, str]) -> frozenset:
    if ALL in removed:
        return have & {GRANT_OPTION}
    if ALL in have and removed - {GRANT_OPTION, "USAGE"}:
        full = _GLOBAL_PRIVS if level[0] == "*" else _DB_PRIVS if level[1] == "*" else _TABLE_PRIVS
        have = (have - {ALL}) | full
    return have - removed


class _State:
    def __init__(self) -> None:
        self.accounts: dict[tuple[str, str], _Acc] = {}
        self.current_db: str | None = None
        self.roles: dict[str, Location] = {}  # CREATE ROLE, by name
        self.role_names: set[str] = set()  # every name used as a role

    def split(self) -> tuple[tuple[Account, ...], tuple[Account, ...]]:
        """(accounts, roles): an account row named like a role, with host `%` or none, that
        no CREATE USER made, is the role (SHOW GRANTS prints a role without a host on
        MariaDB and as `role`@`%` on MySQL)."""
        names = self.role_names | set(self.roles)
        accounts: list[Account] = []
        roles: dict[str, Account] = {}
        for acc in self.accounts.values():
            if acc.user in names and acc.implicit and acc.host in ("%", ""):
                roles[acc.user] = acc.freeze(host="")
            else:
                accounts.append(acc.freeze())
        for name, where in self.roles.items():
            if name not in roles:
                roles[name] = _Acc(name, "", where, implicit=False).freeze()
        return tuple(accounts), tuple(roles.values())

    def get(self, spec: _UserSpec) -> _Acc | None:
        return self.accounts.get(_key(spec.user, spec.host))

    def ensure(self, spec: _UserSpec, where: Location) -> _Acc:
        acc = self.get(spec)
        if acc is None:
            acc = _Acc(spec.user, spec.host, where, implicit=True)
            self.accounts[_key(spec.user, spec.host)] = acc
        return acc


def _create(cur: _Cursor, state: _State, where: Location, *, alter: bool) -> str:
    or_replace = False
    if not alter and cur.take_word("OR"):
        cur.expect_word("REPLACE")
        or_replace = True
    kind_tok = cur.expect_word("USER", "ROLE")
    if kind_tok.is_word("ROLE"):
        if not alter:
            if cur.take_word("IF"):
                cur.expect_word("NOT")
                cur.expect_word("EXISTS")
            name = _name(cur, "a role name")
            state.roles.setdefault(name, where)
        return ("ALTER" if alter else "CREATE") + " ROLE"
    if cur.take_word("IF"):
        if not alter:
            cur.expect_word("NOT")
        cur.expect_word("EXISTS")
    users = _users(cur, with_auth=True)
    tail = _tail(cur, "the account list")
    for spec in users:
        acc = state.get(spec)
        if alter:
            if acc is None:
                continue
        elif acc is None or or_replace:
            if acc is not None:
                del state.accounts[_key(spec.user, spec.host)]
            acc = _Acc(spec.user, spec.host, where, implicit=False)
            state.accounts[_key(spec.user, spec.host)] = acc
        elif acc.implicit:  # SHOW GRANTS output came before SHOW CREATE USER
            acc.location = where
            acc.implicit = False
        if spec.auth is not None:
            acc.has_password = spec.auth.has_password
        acc.apply(tail)
        if tail.default_roles:
            state.role_names.update(r for r in tail.default_roles if r != "ALL")
    return "ALTER USER" if alter else "CREATE USER"


def _grant(cur: _Cursor, state: _State, where: Location) -> str:
    if cur.at_word("PROXY") and (cur.peek(1) or cur.peek()).is_word("ON"):
        cur.i += 2
        _user(cur)
        cur.expect_word("TO")
        users = _users(cur, with_auth=True)
        _tail(cur, "the account list")
        for spec in users:
            state.ensure(spec, where)
        return "GRANT PROXY"
    has_on = False
    for tok in cur.toks[cur.i :]:
        if tok.is_word("TO"):
            break
        if tok.is_word("ON"):
            has_on = True
            break
    if not has_on:  # GRANT role [, role] TO account
        roles: list[str] = []
        while True:
            roles.append(_user(cur).user)
            if not cur.take_punct(","):
                break
        cur.expect_word("TO")
        state.role_names.update(roles)
        if _current_user(cur):  # mariadb-dump's own import role
            _tail(cur, "the account list")
            return "GRANT ROLE"
        grantees = _users(cur, with_auth=False)
        _tail(cur, "the account list")
        for spec in grantees:
            state.ensure(spec, where).granted_roles.update(roles)
        return "GRANT ROLE"
    privs = _privileges(cur, ("ON",))
    cur.expect_word("ON")
    database, table = _level(cur, state.current_db)
    cur.expect_word("TO")
    users = _users(cur, with_auth=True)
    tail = _tail(cur, "the account list")
    if tail.grant_option:
        privs = privs | {GRANT_OPTION}
    for spec in users:
        acc = state.ensure(spec, where)
        acc.grants.append(Grant(database, table, privs, where))
        acc.apply(tail)
        if spec.auth is not None:
            acc.has_password = spec.auth.has_password
            if acc.identified_in_grant is None:
                acc.identified_in_grant = where
    return "GRANT"


def _revoke(cur: _Cursor, state: _State) -> str:
    if cur.take_word("IF"):
        cur.expect_word("EXISTS")
    if cur.at_word("PROXY") and (cur.peek(1) or cur.peek()).is_word("ON"):
        cur.i += 2
        _user(cur)
        cur.expect_word("FROM")
        _users(cur, with_auth=False)
        cur.expect_end("the account list")
        return "REVOKE PROXY"
    has_priv_level = False
    for tok in cur.toks[cur.i :]:
        if tok.is_word("FROM"):
            break
        if tok.is_word("ON"):
            has_priv_level = True
            break
    first = cur.peek()
    if (
        not has_priv_level
        and first is not None
        and (first.kind != "word" or not first.is_word(*_PRIVILEGE_WORDS))
    ):
        roles: list[str] = []
        while True:  # REVOKE role FROM account
            roles.append(_user(cur).user)
            if not cur.take_punct(","):
                break
        cur.expect_word("FROM")
        for spec in _users(cur, with_auth=False):
            acc = state.get(spec)
            if acc is not None:
                acc.granted_roles.difference_update(roles)
        cur.expect_end("the account list")
        return "REVOKE ROLE"
    privs = _privileges(cur, ("ON", "FROM"))
    level: tuple[str, str] | None = None
    if cur.take_word("ON"):
        level = _level(cur, state.current_db)
    elif privs != frozenset({ALL, GRANT_OPTION}):
        tok = cur.peek()
        raise _Unreadable(f"expected ON after the privileges, found {_show(tok)}", tok)
    cur.expect_word("FROM")
    users = _users(cur, with_auth=False)
    if cur.take_word("IGNORE"):
        cur.expect_word("UNKNOWN")
        cur.expect_word("USER")
    cur.expect_end("the account list")
    for spec in users:
        acc = state.get(spec)
        if acc is None:
            continue
        if level is None:
            acc.grants.clear()
            continue
        kept: list[Grant] = []
        for grant in acc.grants:
            if (grant.database, grant.table) == level:
                left = _remaining(grant.privileges, privs, level)
                if left:
                    kept.append(Grant(grant.database, grant.table, left, grant.location))
            else:
                kept.append(grant)
        acc.grants = kept
    return "REVOKE"


def _drop(cur: _Cursor, state: _State) -> str:
    kind = cur.expect_word("USER", "ROLE")
    if cur.take_word("IF"):
        cur.expect_word("EXISTS")
    users = _users(cur, with_auth=False)
    cur.expect_end("the account list")
    if kind.is_word("ROLE"):
        for spec in users:
            state.roles.pop(spec.user, None)
            acc = state.accounts.get(_key(spec.user, spec.host))
            if acc is not None and acc.implicit:
                del state.accounts[_key(spec.user, spec.host)]
        return "DROP ROLE"
    for spec in users:
        state.accounts.pop(_key(spec.user, spec.host), None)
    return "DROP USER"


def _rename(cur: _Cursor, state: _State) -> str:
    cur.expect_word("USER")
    pairs: list[tuple[_UserSpec, _UserSpec]] = []
    while True:
        old = _user(cur)
        cur.expect_word("TO")
        pairs.append((old, _user(cur)))
        if not cur.take_punct(","):
            break
    cur.expect_end("the account list")
    for old, new in pairs:
        acc = state.get(old)
        if acc is None or state.get(new) is not None:
            continue
        acc.user, acc.host = new.user, new.host
        state.accounts = {
            (_key(new.user, new.host) if value is acc else k): value
            for k, value in state.accounts.items()
        }
    return "RENAME USER"


def _set(cur: _Cursor, state: _State) -> str:
    if cur.at_word("DEFAULT") and (cur.peek(1) or cur.peek()).is_word("ROLE"):
        # MariaDB: SET DEFAULT ROLE r FOR u@h; MySQL: SET DEFAULT ROLE r TO u@h, ...
        cur.i += 2
        roles = _role_names(cur)
        state.role_names.update(r for r in roles if r != "ALL")
        if cur.take_word("FOR", "TO"):
            for spec in _users(cur, with_auth=False):
                acc = state.get(spec)
                if acc is not None:
                    acc.default_roles = roles
        cur.expect_end("the account list")
        return "SET DEFAULT ROLE"
    if not cur.take_word("PASSWORD"):
        return "SET"
    spec: _UserSpec | None = None
    if cur.take_word("FOR"):
        spec = _user(cur)
    cur.expect_punct("=")
    has_password = False
    tok = cur.peek()
    if tok is not None and tok.is_word("PASSWORD", "OLD_PASSWORD"):
        cur.i += 1
        cur.expect_punct("(")
        has_password = _value(cur)
        cur.expect_punct(")")
    else:
        has_password = _value(cur)
    cur.expect_end("the password")
    if spec is not None:
        acc = state.get(spec)
        if acc is not None:
            acc.has_password = has_password
    return "SET PASSWORD"


def _statement(toks: list[_Tok], state: _State, where: Location) -> str:
    cur = _Cursor(toks)
    head = cur.next("a statement")
    word = head.text.upper() if head.kind == "word" else ""
    if word == "GRANT":
        return _grant(cur, state, where)
    if word == "REVOKE":
        return _revoke(cur, state)
    if word == "CREATE":
        return _create(cur, state, where, alter=False)
    if word == "ALTER":
        return _create(cur, state, where, alter=True)
    if word == "DROP":
        return _drop(cur, state)
    if word == "RENAME":
        return _rename(cur, state)
    if word == "SET":
        return _set(cur, state)
    if word == "USE":
        state.current_db = _name(cur, "a database name")
        cur.expect_end("the database name")
        return "USE"
    if word in ("FLUSH", "SHOW"):
        return word
    if word == "EXECUTE" and cur.at_word("IMMEDIATE"):
        return "EXECUTE IMMEDIATE"  # mariadb-dump restores the session's role so
    if word == "SELECT" and any(
        a.is_word("INTO") and b.is_punct("@") for a, b in itertools.pairwise(toks)
    ):
        return "SELECT INTO"  # mariadb-dump saves the session's role so
    raise _Unreadable(
        f"{_show(head)} does not start a CREATE USER, GRANT, REVOKE, DROP USER or "
        "RENAME USER statement",
        head,
    )


# -- the file --------------------------------------------------------------------------------

# lines end at \n, \r\n (cmd.exe, PowerShell) or \r: "(?=\r?$)" is the end of a line
_EOL = r"(?=\r?$)"
_BORDER = re.compile(rf"^[ \t]*\+[-+]*\+[ \t]*{_EOL}", re.M)
_TABLE_ROW = re.compile(rf"^([ \t]*)\|([^\r\n]*)\|([ \t]*){_EOL}", re.M)
# column headers of SHOW GRANTS ("Grants for u@h") and SHOW CREATE USER ("CREATE USER for
# u@h"; FOR is reserved, so no statement starts so), alone on a line (batch and table
# output) or before ": " (\G output); \G row separators; row counts; prompts
_CLIENT_NOISE = re.compile(
    r"^[ \t]*(?:(?:Grants|CREATE USER) for [^\r\n]*?(?::(?=[ \t])|" + _EOL + r")"
    rf"|\*+ \d+\. row \*+[ \t]*{_EOL}"
    rf"|\d+ rows? in set[^\r\n]*{_EOL}|Empty set[^\r\n]*{_EOL}"
    # the console's prompts and the command typed after them (a copied console session)
    r"|(?:mysql|MariaDB \[[^\]\r\n]*\])> [^\r\n]*|[ \t]+-> [^\r\n]*)",
    re.M | re.I,
)


def _blank(m: re.Match[str]) -> str:
    return re.sub(r"[^\r\n]", " ", m.group())


def _strip_client_output(text: str) -> str:
    """Blank the mysql client's table borders, headers and row counts (columns kept)."""
    text = _BORDER.sub(_blank, text)
    text = _TABLE_ROW.sub(lambda m: f"{m[1]} {m[2]} {m[3]}", text)
    return _CLIENT_NOISE.sub(_blank, text)


def _redacted_text(text: str, toks: list[_Tok]) -> str:
    start, end = toks[0].start, toks[-1].end
    parts: list[str] = []
    at = start
    for tok in toks:
        if tok.secret:
            parts.append(text[at : tok.start])
            parts.append(_QUOTED)
            at = tok.end
    parts.append(text[at:end])
    return redact_text("".join(parts))


_SECRET_CLAUSE = re.compile(r"\b(?:IDENTIFIED|PASSWORD|BY|AS|USING)\b", re.I)


def _subject(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 120 else flat[:117] + "..."


def parse_grants_text(
    text: str,
    rel: str,
    bad_offsets: tuple[int, ...] = (),
    engine: str | None = None,
    version: tuple[int, ...] | None = None,
) -> Grants:
    """Read the statements of a decoded grants text and apply them; never raises.

    `bad_offsets` are offsets of characters that could not be decoded: each line holding
    one outside a password literal gets an OLC005. `engine` and `version` (the server's)
    decide which versioned comments `/*!NNNNN ... */` run (`versioned_comment_runs`).
    """
    pos = _Positions(text)
    text = _strip_client_output(text)
    toks, lex_problems = _lex(text, pos, engine, version)
    problems: list[Finding] = []
    for offset, message in lex_problems:
        line, column = pos.at(offset)
        problems.append(diag(INPUT_VALUE, Level.ERROR, message, Location(rel, line, column)))
    if bad_offsets:
        problems.extend(_undecodable(bad_offsets, toks, pos, rel))
    state = _State()
    statements: list[Statement] = []
    dropped = 0
    for chunk in _split_statements(toks):
        first, last = chunk[0], chunk[-1]
        end_line, end_column = pos.at(last.end)
        where = Location(rel, first.line, first.column, end_line, end_column)
        statement_text = _redacted_text(text, chunk)
        if any(tok.unterminated for tok in chunk):
            continue  # already reported by the lexer
        try:
            kind = _statement(chunk, state, where)
        except _Unreadable as exc:
            if len(problems) >= MAX_FINDINGS_PER_FILE:  # counted, not kept
                dropped += 1
                continue
            message, subject = exc.message, _subject(statement_text)
            clause = _SECRET_CLAUSE.search(text, first.start, last.end)
            if clause is not None:
                # a garbled statement with a password clause (even one that a stray quote
                # swallowed into a string): its quoting cannot be trusted, so nothing from
                # the clause on is shown
                after = [t.text for t in chunk if t.end > clause.start() and t.kind != "punct"]
                if any(word and word in message for word in after):
                    message = f"its text from {clause[0].upper()} on is not shown"
                before = [t.text for t in chunk if t.end <= clause.start()]
                subject = _subject(" ".join([*before, REDACTED]))
            related: tuple[Related, ...] = ()
            if exc.tok is not None and (exc.tok.line, exc.tok.column) != (
                first.line,
                first.column,
            ):
                here = Location(rel, exc.tok.line, exc.tok.column)
                related = (Related(here, "the statement cannot be read from here"),)
            problems.append(
                diag(
                    INPUT_VALUE,
                    Level.ERROR,
                    f"cannot read this statement: {message}",
                    Location(rel, first.line, first.column),
                    subject=subject,
                    related=related,
                )
            )
            continue
        statements.append(Statement(kind, where, statement_text))
    accounts, roles = state.split()
    problems.sort(key=lambda f: f.sort_key())
    if dropped:
        problems.append(too_many(INPUT_VALUE, rel, dropped))
    secrets = tuple((t.start, t.end) for t in toks if t.secret)
    return Grants(rel, accounts, tuple(statements), tuple(problems), secrets=secrets, roles=roles)


def _undecodable(
    bad_offsets: tuple[int, ...], toks: list[_Tok], pos: _Positions, rel: str
) -> list[Finding]:
    secret_spans = [(t.start, t.end) for t in toks if t.secret]
    starts = [s for s, _ in secret_spans]
    lines: dict[int, int] = {}
    for offset in bad_offsets:
        k = bisect.bisect_right(starts, offset) - 1
        if k >= 0 and secret_spans[k][0] <= offset < secret_spans[k][1]:
            continue
        line, column = pos.at(offset)
        lines.setdefault(line, column)
    found: list[Finding] = []
    for n, (line, column) in enumerate(sorted(lines.items())):
        if n == 10:
            msg = f"{len(lines) - 10} more lines hold bytes that are not UTF-8"
            found.append(diag(INPUT_VALUE, Level.ERROR, msg, Location(rel, line, column)))
            break
        msg = "this line holds bytes that are not UTF-8 (shown as \ufffd)"
        found.append(diag(INPUT_VALUE, Level.ERROR, msg, Location(rel, line, column)))
    return found


def decode_grants(data: bytes) -> tuple[str, tuple[int, ...], bool]:
    """Text, offsets of undecodable characters, and whether UTF-16 failed to decode.

    UTF-8 with or without BOM; UTF-16 when it starts with a UTF-16 BOM (PowerShell's
    `>` writes that). Each undecodable byte becomes one U+FFFD.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), (), False
        except UnicodeDecodeError:
            return data.decode("utf-16", errors="replace"), (), True
    raw = data.decode("utf-8-sig", errors="surrogateescape")
    bad = tuple(i for i, c in enumerate(raw) if "\udc80" <= c <= "\udcff")
    if not bad:
        return raw, (), False
    chars = list(raw)
    for i in bad:
        chars[i] = "\ufffd"
    return "".join(chars), bad, False


def read_grants(
    ws: Workspace,
    path: Path,
    where: Location | None = None,
    engine: str | None = None,
    version: tuple[int, ...] | None = None,
) -> Grants:
    """Read a grants file through the workspace."""
    rel = ws.rel(path)
    data, problems = ws.read_bytes(path, where, "grants file")
    if data is None:
        return Grants(rel, (), (), tuple(problems), read=False)
    text, bad, utf16_failed = decode_grants(data)
    parsed = parse_grants_text(text, rel, bad, engine, version)
    ws.remember(rel, text, secrets=parsed.secrets)
    extra = list(problems)
    if utf16_failed:
        msg = "the file starts with a UTF-16 byte order mark but is not valid UTF-16"
        extra.append(diag(INPUT_VALUE, Level.ERROR, msg, Location(rel, 1, 1)))
    return replace(parsed, diagnostics=tuple(extra) + parsed.diagnostics)
