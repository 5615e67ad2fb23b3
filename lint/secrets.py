"""Secrets never leave olclint: the one place that knows what a secret looks like.

Readers call `is_secret_name` before they keep a value, and every source line kept for
snippets goes through `redact_line`.
"""

from __future__ import annotations

import re

REDACTED = "********"

_SECRET_NAME = re.compile(r"(pass(word|wd)?|pwd|secret|token|credential|private[-_.]?key)", re.I)

# key = value / key: value / key value, where the key looks like a secret
_KEY_VALUE = re.compile(
    r"""^(?P<head>\s*(?:loose[-_])?[A-Za-z0-9_.\-]*?"""
    r"""(?:pass(?:word|wd)?|pwd|secret|token|credential|private[-_.]?key)[A-Za-z0-9_.\-]*"""
    r"""\s*[=:\s]\s*)(?P<value>\S.*?)\s*$""",
    re.I,
)
# IDENTIFIED BY [PASSWORD] 'x', IDENTIFIED WITH plugin BY|AS 'x', IDENTIFIED VIA p USING 'x'
_IDENTIFIED = re.compile(
    r"""(?P<head>\b(?:BY|AS|USING|PASSWORD)\s*(?:\(\s*)?)(?P<q>['"`])(?:\\.|(?!(?P=q)).)*(?P=q)""",
    re.I | re.S,
)
_SET_PASSWORD = re.compile(
    r"""(?P<head>\bPASSWORD\s*\(\s*)(?P<q>['"])(?:\\.|(?!(?P=q)).)*(?P=q)""", re.I
)
# jdbc:...//user:password@host  and  ?password=x / &password=x / ;password=x
_URL_USERINFO = re.compile(r"(?P<head>//[^/@:\s]*:)(?P<value>[^@/\s]*)(?=@)")
_URL_PARAM = re.compile(
    r"(?P<head>[?&;](?:password|passwd|pwd|[A-Za-z]*Password)=)(?P<value>[^&;\s]*)", re.I
)


def is_secret_name(name: str) -> bool:
    """True for option, key or parameter names whose value is a secret."""
    return bool(_SECRET_NAME.search(name))


def _quoted(match: re.Match[str]) -> str:
    # keep the line breaks of a multi-line secret so line numbers stay right
    hidden = match[0][len(match["head"]) :]
    return f"{match['head']}'{REDACTED}'" + "\n" * hidden.count("\n")


def redact_text(text: str) -> str:
    """Hide every secret value found in free text (SQL, URLs), across lines."""
    text = _IDENTIFIED.sub(_quoted, text)
    text = _SET_PASSWORD.sub(_quoted, text)
    text = _URL_USERINFO.sub(lambda m: f"{m['head']}{REDACTED}", text)
    return _URL_PARAM.sub(lambda m: f"{m['head']}{REDACTED}", text)


def redact_line(line: str) -> str:
    """One source line as it may be shown: secret values replaced by asterisks."""
    m = _KEY_VALUE.match(line)
    if m and not line.lstrip().startswith(("#", ";", "!", "--")):
        line = m["head"] + REDACTED
    return redact_text(line)
