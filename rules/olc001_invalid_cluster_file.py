"""The cluster file is not YAML or breaks the cluster format.

## What it does

Checks `cluster.yaml` against the format (version 1): YAML syntax, known keys only, the
type of every value, the required keys (`version`, `name`, `database`, `nodes`; a node's
`name`, `role`, `address`), and the facts the schema cannot express: node names and
addresses used once, exactly one master, `database.node` naming a node, exactly one of
`database.node` and `database.external`, IP literals, network CIDRs, route ends, IANA time
zones, and known setting names.

## Why it matters

Every other rule reasons on the description. A typo such as `databse` silently drops a
setting, and a second master or a duplicated address makes every later verdict a guess,
so while this rule fires, the other cluster rules do not run for that cluster.

## Example

```yaml
version: 1
name: prod-eu
database:
  node: master01
  prot: 3306        # unknown key 'prot' in database; did you mean 'port'?
nodes:
  - {name: master01, role: master, address: 192.168.10.10}
  - {name: ext01, role: master, address: 192.168.10.10}   # two masters, one address twice
```

## How to fix

Correct the key or value at the reported line; the message names the expected form.
"""

from olclint.core.findings import Level
from olclint.rules._input import reader_findings

ID = "OLC001"
NAME = "InvalidClusterFile"
LEVEL = Level.ERROR


def check(ctx):
    return reader_findings(ctx)
