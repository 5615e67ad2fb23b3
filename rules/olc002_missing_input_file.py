"""A referenced file or folder does not exist, is absolute, or leaves the repository root.

## What it does

Checks every path that `cluster.yaml` names (`database.option_file`, `database.grants`,
each node's `preferences`) and every `!include`/`!includedir` of an option file: it must
be relative to the folder of the file that names it, exist, and stay inside the
repository root after `..` and symbolic links are resolved. A path outside the root is
never opened. It also fires when a file cannot be read or is larger than the size limit.

## Why it matters

A missing file means the rules that need it cannot say anything: a cluster would pass
the gate untested. A path that leaves the repository would make the result depend on the
machine that runs the check, and could read files that are none of its business.

## Example

```yaml
database:
  option_file: ../../../etc/mysql/my.cnf     # leaves the repository root
nodes:
  - name: ext01
    preferences: ext01/setings               # does not exist
```

## How to fix

Collect the file into the cluster folder and name it by a relative path, for example
`master01/my.ini`.
"""

from olclint.core.findings import Level
from olclint.rules._input import reader_findings

ID = "OLC002"
NAME = "MissingInputFile"
LEVEL = Level.ERROR


def check(ctx):
    return reader_findings(ctx)
