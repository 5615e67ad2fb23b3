"""The master expects a different number of remote merge engines than the extensions launch.

## What it does

Adds up `merge.local_engines` (Merge Engine Scheduling: Engines Launched) of every
extension and compares the sum with the master's `merge.expected_remote_engines`
(Expected Remote Merge Engines):

- the master expects **more** engines than the extensions launch: an **error**, since the
  master waits for engines that never register and jobs may fail;
- the master expects **fewer**: a **warning**, since the extra engines sit idle.

The message gives the breakdown ("master01 expects 6 remote merge engines, the extensions
launch 8: ext01 2, ext02 2, ext03 4"). The result points at the master's setting, with
each extension's setting as a related location; when the master's value comes from a
`.prefs` file, the result carries a fix that writes the sum there.

When some of these settings are set but one is missing (or unreadable) on a server, the
rule cannot decide: it reports a note naming the setting and the server, at the server's
name in `cluster.yaml`, instead of guessing.

The rule runs when the master has `merge.expected_remote_engines` or, on Connect 1.x,
an extension has `merge.local_engines` (the master's own local engines do not count);
when none has (the preferences were not collected, or the version has no such field) it
says nothing. The expected field is documented for Connect 1.x (1.4 to 1.8). Connect
2019.1 and later moved engine set-up to the Connect Server Configuration tool and have
no such field (the 2021.x stores keep only the local count,
`server.engine.setup.count.merge.engine`), so with `connect_version` 2019 or later, or
none, the rule runs only when the master's store sets it anyway (mapped with
`preference_keys`), and then checks it the same way.

## Why it matters

The clustering guides require the master's expected remote engines to equal the engines
the extensions launch. Too high, and the master keeps waiting for engines that never
connect; too low, and launched engines are never used.

## Example

Failing (`master01/settings/engines.prefs` and the extensions'):

```properties
# master01
merge.expected_remote_engines=6
# ext01, ext02, ext03
merge.local_engines=2
merge.local_engines=2
merge.local_engines=4
```

Passing: the master expects 8.

```properties
merge.expected_remote_engines=8
```

## How to fix

Set the master's Expected Remote Merge Engines to the sum of the extensions' Engines
Launched (the fix does this), or change the extensions' engines to match.
"""

from __future__ import annotations

from olclint.core.findings import Level
from olclint.rules._engines import engine_findings

ID = "OLC201"
NAME = "RemoteMergeEnginesMismatch"
LEVEL = Level.ERROR
FIX = """
`--fix` sets the master's `merge.expected_remote_engines` (in its `.prefs` store) to the
sum of the extensions' `merge.local_engines`. An inline value of cluster.yaml is not
edited.
"""


def check(ctx):
    return engine_findings(ctx, "merge", "merge")
