"""A line of a Connect preference store that Connect does not read.

## What it does

Connect keeps each bundle's preferences in its own file of the `.settings` folder
(`com.objectiflune.cleanup.prefs`, `com.objectiflune.scheduling.prefs`,
`com.objectiflune.repository.eclipselink.generic.prefs`,
`com.objectiflune.serverengine.preferences.prefs`), and each bundle reads only its own
file. This rule reports:

- a Connect key in another bundle's file (`cleanup.startup` in
  `com.objectiflune.scheduling.prefs`): Connect never reads it there, so olclint ignores
  it too (warning);
- one of olclint's setting names (`cleanup.cron`, `database.url`...) used as a key in a
  store that holds Connect's own keys: Connect ignores the line. olclint still reads it
  (setting names stay accepted as keys, a note), unless Connect's own key is there too,
  which then decides (warning). A `database.url` beside Connect's `db.host`, `db.port` or
  `db.schema` is the same: those keys decide where the server connects (warning).

Files whose name is not a Connect bundle (a hand-made `cleanup.prefs`) are read as they
are, and keys that no rule uses (`eclipse.preferences.version`, `cleanup.dataset.unit`...)
are ignored without a finding.

## Why it matters

A value that Connect does not read is not the value the server runs with: a clean-up
schedule moved into the wrong file leaves the server on its old schedule, while the
repository says otherwise.

## Example

```properties
# ext01/settings/com.objectiflune.scheduling.prefs
cleanup.startup=false
```

Passing:

```properties
# ext01/settings/com.objectiflune.cleanup.prefs
cleanup.startup=false
```

## How to fix

Move the line into the bundle file the message names, or write Connect's own key instead
of olclint's setting name (the README's settings table gives both). With a
`preference_keys` entry for the setting, olclint looks up that key only, in any file.
"""

from olclint.core.findings import Level
from olclint.rules._input import reader_findings

ID = "OLC008"
NAME = "PreferenceLineIgnored"
LEVEL = Level.WARNING


def check(ctx):
    return reader_findings(ctx)
