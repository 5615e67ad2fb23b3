"""An extension sets a job-size scheduling limit that only the master's value decides.

## What it does

Reports, as a note, each extension that sets `scheduling.max_records_small_job`
(Maximum records in a small job) or `scheduling.min_records_large_job` (Minimum records
in a large job). The result points at the extension's setting; when the master sets the
same setting, its line is a related location.

## Why it matters

In a cluster the master schedules the jobs: it decides which job is small or large with
its own values, and the extensions' values are ignored. A value tuned on an extension
gives the impression of a change that never takes effect.

## Example

Failing (`ext01/settings/scheduling.prefs`):

```properties
scheduling.max_records_small_job=100
```

Passing: the limit is set on the master only, and removed from the extension.

```properties
# master01/settings/scheduling.prefs
scheduling.max_records_small_job=100
```

## How to fix

Set the limits on the master and remove them from the extensions (or leave them at the
default there).
"""

from __future__ import annotations

from olclint.core.findings import Level, Related

ID = "OLC203"
NAME = "ExtensionSchedulingIgnored"
LEVEL = Level.NOTE

SETTINGS = ("scheduling.max_records_small_job", "scheduling.min_records_large_job")


def check(ctx):
    cluster = ctx.cluster
    master = cluster.master
    for ext in cluster.extensions:
        for name in SETTINGS:
            setting = ext.setting(name)
            if setting is None:
                continue
            related = ()
            on_master = master.setting(name) if master is not None else None
            if on_master is not None:
                related = (
                    Related(on_master.location, f"{master.name} sets {name} = {on_master.raw}"),
                )
            yield ctx.finding(
                f"{ext.name} sets {name} = {setting.raw}, but the master schedules the jobs "
                "and an extension's value is ignored; set it on the master",
                setting.location,
                related=related,
                node=ext.name,
                subject=name,
            )
