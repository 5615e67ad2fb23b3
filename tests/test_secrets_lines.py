"""The quick paths of `redact_text` and `redact_lines` on long texts hide what the full
patterns hide: compared with the patterns run on every text and every line."""

from __future__ import annotations

from unittest import mock

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from olclint.core import secrets
from olclint.core.secrets import redact_line, redact_lines, redact_text

_PIECES = [
    "BY", "by", "As", "USING", "PASSWORD", "password", "OLD_PASSWORD", "SET", "IDENTIFIED",
    "pass", "Pwd", "SECRET", "token", "credential", "private_key", "'", '"', "`", "(", ")",
    "=", ":", "@", "//", "/", "jdbc:mysql://u:p@h/db", "?password=x", "&pwd=y", " ", "  ",
    "\t", "\n", "\r\n", "\r", "x", "db", "'u'@'h'", "********", "é", "K", "ſ", "_", "-",
    "GRANT SELECT ON db.* TO 'u'@'h';", "CREATE USER 'u'@'h' IDENTIFIED BY ********;",
]  # fmt: skip
_FILLER = "GRANT SELECT ON objectiflune.* TO 'pad'@'10.99.%';\n" * 90  # past secrets._LONG

_long_text = st.tuples(
    st.lists(st.sampled_from(_PIECES), max_size=40).map("".join),
    st.integers(0, 2),
).map(lambda t: _FILLER[: len(_FILLER) * t[1] // 2] + t[0] + _FILLER)


def _all_patterns(text: str) -> str:
    with mock.patch.object(secrets, "_may_quote_secrets", lambda text: True):
        return redact_text(text)


def test_the_filler_is_long() -> None:
    assert len(_FILLER) > secrets._LONG


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_long_text)
@example(_FILLER + "x BY 'secret'\n")
@example(_FILLER + "x PASSWORD('p')\n")
@example(_FILLER + "SET PASSWORD = 'p'\n")
@example(_FILLER + "as\n'x'\n")
@example(_FILLER + "IDENTIFIED VIA ed25519 USING 'x'\n")
@example(_FILLER + "IDENTIFIED WITH caching_sha2_password AS ('x')\n")
def test_redact_text_hides_what_every_pattern_hides(text: str) -> None:
    assert redact_text(text) == _all_patterns(text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_long_text)
@example(_FILLER + "password=x\n")
@example(_FILLER + "u BY 'x'\n")
@example(_FILLER + "jdbc:mysql://u:p@h/db\n")
@example(_FILLER + "Token: abc\n")
@example(_FILLER + "IDENTIFIED VIA ed25519 USING 'x'\n")
@example(_FILLER + "IDENTIFIED WITH sha256 AS 'x'\n")
def test_redact_lines_is_redact_line_on_every_line(text: str) -> None:
    lines = text.split("\n")
    assert redact_lines(lines) == [redact_line(line) for line in lines]
