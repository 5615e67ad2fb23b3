"""Secrets never leave olclint: the one place that knows what a secret looks like.

Readers call `is_secret_name` before they keep a value, and every source line kept for
snippets goes through `redact_line`.
"""

from __future__ import annotations

import bisect
import itertools
import re

REDACTED = "********"

_SECRET_NAME = re.compile(r"(pass(word|wd)?|pwd|secret|token|credential|private[-_.]?key)", re.I)

# key = value / key: value / key value at the start of a line; the key is checked with
# is_secret_name (a regular expression that looked for the secret word inside the name
# would backtrack quadratically on long lines)
_KEY_VALUE = re.compile(r"""^(?P<head>\s*(?P<name>[A-Za-z0-9_.\-]+)(?:[ \t]*[=:]|\s)\s*)\S""")
# IDENTIFIED BY [PASSWORD] 'x', IDENTIFIED WITH plugin BY|AS 'x', IDENTIFIED VIA p USING 'x'
_IDENTIFIED = re.compile(
    r"""(?P<head>\b(?:(?:BY|AS|USING)\s*|PASSWORD\s+)(?:\(\s*)?|\bPASSWORD\s*\(\s*)"""
    r"""(?P<q>['"`])(?:\\.|(?!(?P=q)).)*(?P=q)""",
    re.I | re.S,
)
# a quote opened after BY/AS/USING/PASSWORD and never closed on its line (a broken file)
_UNCLOSED = re.compile(
    r"""(?P<head>\b(?:(?:BY|AS|USING)\s*|PASSWORD\s+)(?:\(\s*)?|\bPASSWORD\s*\(\s*)(?P<q>['"`])"""
    r"""(?:(?!(?P=q))[^\r\n])*(?=[\r\n]|\Z)""",
    re.I,
)
# PASSWORD('x'), and SET PASSWORD [FOR u@h] = 'x' (MySQL 5.7.6+: a plaintext password)
_SET_PASSWORD = re.compile(
    r"""(?P<head>\b(?:OLD_)?PASSWORD\s*\(\s*"""
    r"""|\bSET\s+PASSWORD\b(?=(?P<u>[^=;'"`\r\n]{0,256}))(?P=u)"""  # (?=(x))(?P=x): atomic
    r"""(?:(['"`])[^'"`\r\n]{0,256}\3(?=(?P<v>[^=;'"`\r\n]{0,64}))(?P=v)){0,4}"""
    r"""=\s*)(?P<q>['"])(?:\\.|(?!(?P=q)).)*(?P=q)""",
    re.I | re.S,
)
# jdbc:...//user:password@host  and  ?password=x / &password=x / ;password=x
# (the user info runs to the last `@` before the query, as the JDBC URL parser reads it,
# so a password may hold `/` and `@`)
_URL_USERINFO = re.compile(r"(?P<head>//[^/@:\s]*:)(?P<value>[^?\s]*)(?=@)")
# Oracle's thin and OCI URLs put the credentials before the host without `//`:
# `jdbc:oracle:thin:scott/tiger@host:1521/orcl`
_ORACLE_USERINFO = re.compile(
    r"(?P<head>jdbc:oracle:[a-z0-9]+:[^/@:\s]*/)(?P<value>[^@\s]*)(?=@)", re.I
)
_URL_PARAM = re.compile(
    r"(?P<head>[?&;](?:password|passwd|pwd|[A-Za-z]*Password)=)(?P<value>[^&;\s]*)", re.I
)
# secret_name = value / secret_name: value anywhere in a line, comments included
# (`# password=old`, `port=3306 # password=x`, `!include x.cnf # pwd=x`)
# (the name and separator are matched alone, so `file:key:password:x` finds `password:`)
_NAME_SEP = re.compile(r"""(?<![A-Za-z0-9_.\-])(?P<name>[A-Za-z0-9_.\-]+)[ \t]*[=:][ \t]*""")
_VALUE = re.compile(
    r"""(?!\*{8}|'\*{8}'|[A-Za-z_]+[ \t]*\()(?:'[^'\r\n]*'?|"[^"\r\n]*"?|[^\s'"&;,]+)"""
)


_SECRET_WORDS = ("pass", "pwd", "secret", "token", "credential", "private")


def is_secret_name(name: str) -> bool:
    """True for option, key or parameter names whose value is a secret."""
    low = name.lower()  # substring tests first: this runs for every line of every file
    # (the words of _SECRET_WORDS, spelled out: no generator per call)
    if not (
        "pass" in low
        or "pwd" in low
        or "secret" in low
        or "token" in low
        or "credential" in low
        or "private" in low
    ):
        return False
    return bool(_SECRET_NAME.search(name))


def _quoted(match: re.Match[str]) -> str:
    # keep the line breaks of a multi-line secret so line numbers stay right
    hidden = match[0][len(match["head"]) :]
    return f"{match['head']}'{REDACTED}'" + "\n" * hidden.count("\n")


# Every match of _IDENTIFIED, _UNCLOSED and _SET_PASSWORD holds PASSWORD, or BY, AS or USING
# before a quote (the same patterns without the word boundary, on lower-case ASCII text):
# on a long text without either, quick searches stand for the three patterns.
_HEAD_WORDS = ("by", "as", "using")
_AFTER_HEAD = re.compile(r"""\s*(?:\(\s*)?['"`]""")
_LONG = 4096


def _quote_heads(low: str) -> list[int]:
    """Where BY, AS or USING stands before a quote in a lower-case text (str.find finds the
    few places quicker than a pattern tried at every character)."""
    found = []
    for word in _HEAD_WORDS:
        at = low.find(word)
        while at >= 0:
            if _AFTER_HEAD.match(low, at + len(word)):
                found.append(at)
            at = low.find(word, at + 1)
    return found


def _may_quote_secrets(text: str) -> bool:
    if len(text) < _LONG or not text.isascii():
        return True
    low = text.lower()
    return "password" in low or bool(_quote_heads(low))


def redact_text(text: str) -> str:
    """Hide every secret value found in free text (SQL, URLs), across lines."""
    # each pattern needs a character that most lines lack: test that first (fast on big files)
    if ("'" in text or '"' in text or "`" in text) and _may_quote_secrets(text):
        text = _IDENTIFIED.sub(_quoted, text)
        text = _SET_PASSWORD.sub(_quoted, text)
        text = _UNCLOSED.sub(lambda m: f"{m['head']}'{REDACTED}", text)
    if "@" in text and "//" in text:
        text = _URL_USERINFO.sub(lambda m: f"{m['head']}{REDACTED}", text)
    if "@" in text and "racle:" in text.lower():
        text = _ORACLE_USERINFO.sub(lambda m: f"{m['head']}{REDACTED}", text)
    if ("=" in text or ":" in text) and is_secret_name(text):
        text = _URL_PARAM.sub(lambda m: f"{m['head']}{REDACTED}", text)
        text = _assignments(text)
    return text


def url_has_password(text: str) -> bool:
    """Whether a URL holds a non-empty password: `//user:password@host` or a password
    parameter (`?password=x`, `&pwd=x`, `;password=x`)."""
    userinfo = "@" in text and "//" in text
    if userinfo and any(m["value"] for m in _URL_USERINFO.finditer(text)):
        return True
    if "@" in text and any(m["value"] for m in _ORACLE_USERINFO.finditer(text)):
        return True
    return any(m["value"] for m in _URL_PARAM.finditer(text))


def _assignments(text: str) -> str:
    out: list[str] = []
    at = 0
    for m in _NAME_SEP.finditer(text):
        if m.start() < at or not is_secret_name(m["name"]):
            continue
        value = _VALUE.match(text, m.end())
        if value is None:
            continue
        out += [text[at : m.end()], REDACTED]
        at = value.end()
    out.append(text[at:])
    return "".join(out)


def redact_line(line: str) -> str:
    """One source line as it may be shown: secret values replaced by asterisks."""
    m = _KEY_VALUE.match(line)
    if m and is_secret_name(m["name"]):
        line = m["head"] + REDACTED
    return redact_text(line)


# what a line must hold for `redact_line` to change it, besides BY, AS or USING before a
# quote: a secret word (`is_secret_name` looks for one, in a key or in the line; PASSWORD
# holds "pass") or a URL's `//`
_LINE_WORDS = (*_SECRET_WORDS, "//", "racle:")


def redact_lines(lines: list[str]) -> list[str]:
    """`[redact_line(line) for line in lines]`, without calling it on lines it cannot change
    (a long ASCII text: the lines that hold BY, AS or USING before a quote or a word of
    _LINE_WORDS)."""
    joined = "\n".join(lines)
    if len(joined) < _LONG or not joined.isascii():
        return [redact_line(line) for line in lines]
    low = joined.lower()
    offsets = _quote_heads(low)
    for word in _LINE_WORDS:
        at = low.find(word)
        while at >= 0:
            offsets.append(at)
            at = low.find(word, at + 1)
    out = list(lines)
    if offsets:
        starts = list(itertools.accumulate((len(line) + 1 for line in lines), initial=0))
        for k in {bisect.bisect_right(starts, at) - 1 for at in offsets}:
            out[k] = redact_line(lines[k])
    return out
