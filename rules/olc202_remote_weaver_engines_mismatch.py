"""The master expects a different number of remote Weaver engines than the extensions launch.

## What it does

The same check as OLC201 for the Weaver (output) engines: the sum of the extensions'
`weaver.local_engines` (Weaver Engine Scheduling: Local Engines Launched) against the
master's `weaver.expected_remote_engines` (Expected Remote Weaver Engines). The master
expecting **more** is an **error**, **fewer** a **warning**. The message gives the
breakdown, the result points at the master's setting with each extension's setting as a
related location, and carries a fix writing the sum when the master's value comes from a
`.prefs` file.

A missing or unreadable setting on a server gives a note naming it and the server,
instead of a verdict. The rule runs when the master has the expected setting or, on
Connect 1.x, an extension its local engines; the expected field is documented for Connect
1.x only, and with Connect 2019.1 and later (engine set-up in the Connect Server
Configuration tool), or no `connect_version`, the rule runs only when the master's store
sets it.

## Why it matters

Output creation is spread over the Weaver engines the extensions launch: a master
expecting engines that never register can make jobs fail; expecting fewer leaves engines
idle.

## Example

Failing:

```properties
# master01
weaver.expected_remote_engines=2
# ext01, ext02
weaver.local_engines=1
weaver.local_engines=2
```

Passing: the master expects 3.

```properties
weaver.expected_remote_engines=3
```

## How to fix

Set the master's Expected Remote Weaver Engines to the sum of the extensions' Local
Engines Launched (the fix does this), or change the extensions.
"""

from __future__ import annotations

from olclint.core.findings import Level
from olclint.rules._engines import engine_findings

ID = "OLC202"
NAME = "RemoteWeaverEnginesMismatch"
LEVEL = Level.ERROR
FIX = """
`--fix` sets the master's `weaver.expected_remote_engines` (in its `.prefs` store) to the
sum of the extensions' `weaver.local_engines`. An inline value of cluster.yaml is not
edited.
"""


def check(ctx):
    return engine_findings(ctx, "weaver", "Weaver")
