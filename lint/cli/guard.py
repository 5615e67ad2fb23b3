"""The last line of defence of a command: an interrupt or a broken stdout is one line on
stderr and an exit code, never a traceback.

- Ctrl-C (`KeyboardInterrupt`) anywhere: `olclint: interrupted`, exit 130. Files are
  written only through `olclint.core.writer`, which removes its temporary file, so an
  interrupt leaves no partial file.
- stdout closed (`>&-`), full (`/dev/full`) or a closed pipe (`| head`): `olclint: error:
  cannot write to stdout: REASON`, exit 2.
- Text written to stdout goes through `olclint.core.text.printable` (no lone surrogate).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable

from olclint.core.text import printable

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


class StdoutError(Exception):
    """Writing stdout failed; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Stdout:
    """stdout as the command sees it: printable text only, failures as `StdoutError`."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(printable(text))
        except (OSError, ValueError) as exc:
            raise StdoutError(_reason(exc)) from exc

    def flush(self) -> None:
        try:
            self._stream.flush()
        except (OSError, ValueError) as exc:
            raise StdoutError(_reason(exc)) from exc

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _stdout_failed(reason: str) -> int:
    _quiet_stdout()
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(f"olclint: error: cannot write to stdout: {reason}", file=sys.stderr)
    return EXIT_ERROR


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the flush at exit does not fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def guarded(run: Callable[[], int]) -> int:
    """`run()`'s exit code; an interrupt is 130 and a stdout that cannot be written is 2."""
    if sys.stdout is None:  # started with stdout closed
        return _stdout_failed("stdout is closed")
    real = sys.stdout
    sys.stdout = _Stdout(real)
    try:
        code = run()
        sys.stdout.flush()
        return code
    except KeyboardInterrupt:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            print("olclint: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except StdoutError as exc:
        return _stdout_failed(exc.reason)
    finally:
        sys.stdout = real
