import pytest

from olclint.core.secrets import REDACTED, is_secret_name, redact_line, redact_text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("password=hunter2", f"password={REDACTED}"),
        ("  loose-password = 'hunter2'", f"  loose-password = {REDACTED}"),
        ("database.password: hunter2", f"database.password: {REDACTED}"),
        ("mysql_pwd hunter2", f"mysql_pwd {REDACTED}"),
        ("port=3306", "port=3306"),
        ("# password=commented-out-but-maybe-real", f"# password={REDACTED}"),
        ("# the password policy: see the wiki", "# the password policy: see the wiki"),
        (
            "GRANT ALL ON *.* TO 'root'@'%' IDENTIFIED BY 'hunter2';",
            f"GRANT ALL ON *.* TO 'root'@'%' IDENTIFIED BY '{REDACTED}';",
        ),
        (
            "CREATE USER u IDENTIFIED WITH caching_sha2_password BY 'hunter2'",
            f"CREATE USER u IDENTIFIED WITH caching_sha2_password BY '{REDACTED}'",
        ),
        (
            "GRANT USAGE ON *.* TO `u`@`%` IDENTIFIED BY PASSWORD '*81F5E21E35407D884A6'",
            f"GRANT USAGE ON *.* TO `u`@`%` IDENTIFIED BY PASSWORD '{REDACTED}'",
        ),
        (
            "database.url=jdbc:mysql://root:hunter2@db:3306/objectiflune?password=hunter2&x=1",
            f"database.url=jdbc:mysql://root:{REDACTED}@db:3306/objectiflune?password={REDACTED}&x=1",
        ),
    ],
)
def test_redact_line(line: str, expected: str) -> None:
    assert redact_line(line) == expected
    assert "hunter2" not in redact_line(line)


def test_secret_names() -> None:
    assert is_secret_name("password") and is_secret_name("DB_PASSWD") and is_secret_name("pwd")
    assert not is_secret_name("bind-address") and not is_secret_name("port")


def test_set_password() -> None:
    assert "hunter2" not in redact_text("SET PASSWORD FOR root = PASSWORD('hunter2')")


def test_is_secret_name_tests_each_secret_word():
    from olclint.core.secrets import _SECRET_WORDS, is_secret_name

    # the spelled-out substring test admits exactly the names holding one of the words
    words = [w for w in _SECRET_WORDS if w != "private"] + ["private_key"]
    assert [is_secret_name(f"x.{w.upper()}.y") for w in words] == [True] * len(words)
    assert [is_secret_name(n) for n in ("passage", "user", "host", "privateer")] == [
        True,
        False,
        False,
        False,
    ]


def test_an_oracle_thin_url_hides_its_password() -> None:
    """`jdbc:oracle:thin:user/password@host`: the credentials come before the host
    without `//`; the password is hidden in snippets, values and long texts alike."""
    from olclint.core.secrets import redact_lines, redact_text, url_has_password
    from olclint.readers.prefs import parse_prefs_text

    line = "database.url=jdbc:oracle:thin:scott/tiger@db1:1521/orcl"
    hidden = "database.url=jdbc:oracle:thin:scott/********@db1:1521/orcl"
    assert redact_text(line) == hidden
    assert url_has_password(line) and not url_has_password(hidden.replace("********", ""))
    (prop,) = parse_prefs_text(line + "\n", "s/x.prefs").properties
    assert "tiger" not in prop.value
    lines = ["# filler"] * 600 + [line.upper().replace("TIGER", "tiger")]
    assert "tiger" not in redact_lines(lines)[-1]
