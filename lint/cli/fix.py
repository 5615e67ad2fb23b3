"""`olclint check --fix` and `--diff`: the safe fixes of the run, applied or shown.

    plan     the fixes of the findings that count (`olclint.filter.fix.plan`): safe edits,
             conflicts, unsafe ones
    edit     each file's new bytes (`olclint.filter.fix.apply`), from the bytes on disk
    verify   the clusters are checked again on a copy (a temporary folder) of the files
             the run read, with the edits; a fix whose finding is still reported is
             dropped with a note, and the others are verified again
    --diff   a unified diff of every verified edit on standard output, nothing written,
             no secret shown; exit 1 when there is something to fix, else 0
    --fix    each edited file written through the run's `Writer` (atomic, inside the root,
             never a file the run only read); a file that git does not track is named in a
             note, since no earlier version of it is kept
    check    the clusters are checked again in place, for the report; when a fixed finding
             is still reported there, every edited file is restored and the run fails
             (exit 2)

Conflicts (two fixes on one value) and unsafe fixes are listed in notes, never applied.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from olclint.cli.common import UsageError
from olclint.core.findings import Finding, Level, Notification
from olclint.core.writer import WriteError, Writer
from olclint.filter import fix as fixes
from olclint.filter import suppress


@dataclass
class Edited:
    """The files a plan changes: old and new bytes by path relative to the root."""

    plan: fixes.Plan
    old: dict[str, bytes]
    new: dict[str, bytes]
    notes: list[Notification]


def _is_prefs(path: str, kinds: dict[str, str]) -> bool:
    return kinds.get(path) == suppress.PREFS or path.endswith(".prefs")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else ('es' if word.endswith('x') else 's')}"


def _finding_not_fixed(finding: Finding, why: str) -> Notification:
    """The note for a finding whose fix is not applied."""
    return _note(finding.rule, str(finding.fix.location), why)  # type: ignore[union-attr]


def _note(rule: str, where: str, why: str) -> Notification:
    return Notification(f"not fixed: {rule} at {where}: {why}", level=Level.NOTE, rule=rule)


def _listed(plan: fixes.Plan) -> list[Notification]:
    notes = [
        _finding_not_fixed(finding, "another fix edits the same value; choose one by hand")
        for finding in plan.conflicts
    ]
    notes += [_finding_not_fixed(finding, why) for finding, why in plan.unsafe]
    return notes


def edit(root: Path, findings: list[Finding], kinds: dict[str, str]) -> Edited:
    """The new bytes of every file the safe fixes of `findings` change."""
    plan = fixes.plan(findings)
    old: dict[str, bytes] = {}
    new: dict[str, bytes] = {}
    notes = _listed(plan)
    real_root = os.path.realpath(root)
    kept: list[fixes.Edit] = []
    for path, edits in sorted(plan.by_path().items()):
        target = root / path
        real = os.path.realpath(target)
        if not real.startswith(real_root.rstrip(os.sep) + os.sep):
            notes += [_not_fixed(e, "its file is outside the repository root") for e in edits]
            continue
        try:
            data = target.read_bytes()
            changed = fixes.apply(data, edits, prefs=_is_prefs(path, kinds))
        except OSError as exc:
            notes += [_not_fixed(e, f"cannot read the file ({exc.strerror})") for e in edits]
            continue
        except fixes.EditError as exc:
            notes += [_not_fixed(e, str(exc)) for e in edits]
            continue
        kept += edits
        if changed != data:
            old[path], new[path] = data, changed
    plan.edits = kept
    return Edited(plan, old, new, notes)


def _not_fixed(e: fixes.Edit, why: str) -> Notification:
    return _note(e.findings[0].rule, f"{e.path}:{e.line}:{e.column}", why)


CONTEXT = 3  # lines of context, unless one of them holds a secret


def diff_text(
    edited: Edited, kinds: dict[str, str], shown: dict[str, list[str]]
) -> tuple[bytes, list[Notification]]:
    """The diff of every edited file. No secret is printed: a file whose context lines hold
    one (a line olclint shows redacted) gets no context lines; one whose edited line holds
    one is not shown at all (`--fix` still applies it)."""
    out, notes = [], []
    for path in sorted(edited.new):
        old, new, prefs = edited.old[path], edited.new[path], _is_prefs(path, kinds)
        secret = fixes.secret_lines(old, shown.get(path), prefs=prefs)
        edited_lines = {e.line for e in edited.plan.edits if e.path == path}
        if secret & edited_lines:
            notes.append(
                Notification(
                    f"--diff: {path} is not shown: an edited line holds a secret",
                    level=Level.WARNING,
                )
            )
            continue
        near = {n + d for n in edited_lines for d in range(-CONTEXT, CONTEXT + 1)}
        context = 0 if secret & near else CONTEXT
        out.append(fixes.unified_diff(path, old, new, prefs=prefs, context=context))
    return b"".join(out), notes


def print_diff(edited: Edited, kinds: dict[str, str], shown: dict[str, list[str]]) -> int:
    """`--diff`: the diff on standard output, what is not fixed on standard error."""
    data, hidden = diff_text(edited, kinds, shown)
    edited.notes += hidden
    stream = sys.stdout
    stream.flush()
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        buffer.write(data)
        buffer.flush()
    else:  # pragma: no cover - a text-only stream (tests capture bytes)
        stream.write(data.decode("latin-1"))
    for note in edited.notes:
        print(f"olclint: {note.message}", file=sys.stderr)
    n = len(edited.plan.edits)
    if n:
        print(
            f"olclint: {_plural(n, 'fix')} in {_plural(len(edited.new), 'file')} "
            "(apply them with --fix)",
            file=sys.stderr,
        )
    return 1 if n else 0


def untracked(root: Path, paths: list[str]) -> list[str]:
    """The `paths` (relative to `root`) that git does not track; all of them outside git."""
    if not paths:
        return []
    try:
        listed = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--", *paths],
            capture_output=True,
            timeout=60,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return list(paths)
    tracked = {os.path.normpath(p) for p in listed.decode("utf-8", "replace").split("\0") if p}
    return [p for p in paths if os.path.normpath(p) not in tracked]


def write(root: Path, edited: Edited, protected: list[Path]) -> list[Notification]:
    """`--fix`: write the edited files (all or, on a failure, none left changed)."""
    targets = {os.path.realpath(root / p) for p in edited.new}
    writer = Writer(root, [p for p in protected if os.path.realpath(p) not in targets])
    done: list[str] = []
    try:
        for path in sorted(edited.new):
            writer.write_bytes(root / path, edited.new[path], what="--fix")
            done.append(path)
    except WriteError as exc:
        restore(root, edited, writer, done)
        raise UsageError(f"{exc}; no file was changed") from exc
    notes = [
        Notification(
            f"--fix: {path} is not under version control; its earlier content is not kept",
            level=Level.WARNING,
        )
        for path in untracked(root, sorted(edited.new))
    ]
    return notes


def restore(root: Path, edited: Edited, writer: Writer | None, paths: list[str]) -> None:
    writer = writer or Writer(root)
    for path in paths:
        writer.write_bytes(root / path, edited.old[path], what="--fix")


def summary(edited: Edited) -> Notification:
    rules = sorted({f.rule for f in edited.plan.fixed})
    n = len(edited.plan.edits)
    return Notification(
        f"fixed: {_plural(n, 'value')} in {_plural(len(edited.new), 'file')} ({', '.join(rules)})"
        if n
        else "fixed: nothing to fix",
        level=Level.NOTE,
    )


def still_reported(fixed: list[Finding], findings: list[Finding]) -> list[Finding]:
    """The fixed findings that a second check still reports (same rule and fingerprint)."""
    now = {f.fingerprint for f in findings}
    return [f for f in fixed if f.fingerprint in now]


def verify(root: Path, edited: Edited, read: list[Path], recheck) -> list[Finding]:
    """The fixed findings that a check of the edited files still reports, on a copy (in a
    temporary folder) of the files the run read, with the edits: nothing is written in the
    root."""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory(prefix="olclint-fix-") as tmp:
        base = Path(tmp)
        for path in read:
            rel = _under(root, Path(path))
            if rel is None or not os.path.isfile(path):
                continue
            (base / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, base / rel)
        for rel, data in edited.new.items():
            (base / rel).parent.mkdir(parents=True, exist_ok=True)
            (base / rel).write_bytes(data)
        _, outcomes = recheck(base)
    return still_reported(edited.plan.fixed, [o.finding for o in outcomes if o.counts])


def _under(root: Path, path: Path) -> str | None:
    """`path` relative to `root` (as written, else after links), None outside it."""
    for a, b in (
        (os.path.abspath(path), os.path.abspath(root)),
        (os.path.realpath(path), os.path.realpath(root)),
    ):
        rel = os.path.relpath(a, b)
        if rel != ".." and not rel.startswith(".." + os.sep) and not os.path.isabs(rel):
            return rel
    return None


def verified(root: Path, findings: list[Finding], kinds, read, recheck) -> Edited:
    """The edits of `findings` whose findings a check of the edited copy no longer
    reports; a fix that does not resolve its finding is dropped, with a note, and the
    others are checked again (a few rounds at most)."""
    dropped: list[Notification] = []
    for _ in range(3):
        edited = edit(root, findings, kinds)
        if not edited.new:
            break
        left = verify(root, edited, read, recheck)
        if not left:
            break
        why = "checking the fixed files again still reports it"
        dropped += [_finding_not_fixed(finding, why) for finding in left]
        gone = {f.fingerprint for f in left}
        findings = [f for f in findings if f.fingerprint not in gone]
    else:
        edited = edit(root, [], kinds)
    edited.notes += dropped
    return edited


def run_fix(run, checked, outcomes, protected: list[Path], recheck):
    """The fix stage of `run_check`: with `--diff` the exit code; with `--fix` the second
    check's `Checked`, outcomes (from `recheck()`) and the notes of the fix. `protected`
    are the files the run read: only the edited ones among them are written. The edits
    are verified first on a copy (`verified`), then checked again in place."""
    kinds = checked.files.kinds
    counting = [o.finding for o in outcomes if o.counts]
    edited = verified(run.root, counting, kinds, protected, recheck)
    if run.args.diff:
        return print_diff(edited, kinds, checked.workspace.sources)
    if not edited.new:
        return checked, outcomes, [*edited.notes, summary(edited)]
    notes = write(run.root, edited, protected)
    again, outcomes_again = recheck()
    left = still_reported(edited.plan.fixed, [o.finding for o in outcomes_again if o.counts])
    if left:
        restore(run.root, edited, None, sorted(edited.new))
        names = ", ".join(sorted({f"{f.rule} ({f.fix.location})" for f in left}))  # type: ignore[union-attr]
        raise UsageError(
            f"--fix: checking again still reports {names}; every edited file was restored"
        )
    return again, outcomes_again, [*notes, *edited.notes, summary(edited)]
