"""The ids of rules that a stage outside `olclint.rules` names: the input rules (their
findings are born in the readers and the builder), the unused-suppression note (the
filter), and the connection rules that the picture draws on its arrows.

Everything outside the rules imports a rule id from here; `tests/test_layers.py` checks
that each id names the registered rule of the same name, and that no other module spells one.
"""

INVALID_CLUSTER_FILE = "OLC001"
MISSING_INPUT_FILE = "OLC002"
OPTION_FILE_ERROR = "OLC003"
OPTION_FILE_LINE_IGNORED = "OLC004"
INPUT_VALUE_ERROR = "OLC005"
INCLUDE_NOT_FOLLOWED = "OLC006"
UNUSED_SUPPRESSION = "OLC007"
PREFERENCE_LINE_IGNORED = "OLC008"

DATABASE_NOT_REACHABLE = "OLC101"
DATABASE_PORT_MISMATCH = "OLC102"
MASTER_NOT_REACHABLE = "OLC103"
GRANT_NOT_COVERING = "OLC110"
ROOT_FROM_ANY_HOST = "OLC112"  # and OLC503: the accounts `--sql` drops
ROOT_FROM_SUBNET = "OLC503"

# The input rules: their findings come from reading, so they run on every cluster, even
# one whose cluster file is unusable.
INPUT_RULE_PREFIX = "OLC00"

BY_NAME = {
    "InvalidClusterFile": INVALID_CLUSTER_FILE,
    "MissingInputFile": MISSING_INPUT_FILE,
    "OptionFileError": OPTION_FILE_ERROR,
    "OptionFileLineIgnored": OPTION_FILE_LINE_IGNORED,
    "InputValueError": INPUT_VALUE_ERROR,
    "IncludeNotFollowed": INCLUDE_NOT_FOLLOWED,
    "UnusedSuppression": UNUSED_SUPPRESSION,
    "PreferenceLineIgnored": PREFERENCE_LINE_IGNORED,
    "DatabaseNotReachable": DATABASE_NOT_REACHABLE,
    "DatabasePortMismatch": DATABASE_PORT_MISMATCH,
    "MasterNotReachable": MASTER_NOT_REACHABLE,
    "GrantNotCovering": GRANT_NOT_COVERING,
    "RootFromAnyHost": ROOT_FROM_ANY_HOST,
    "RootFromSubnet": ROOT_FROM_SUBNET,
}

# The families of the catalogue, by id prefix, with the tags code scanning shows for them.
FAMILY_TAGS = {
    "OLC0": ("input", "correctness"),
    "OLC1": ("database", "reliability"),
    "OLC2": ("engines", "reliability"),
    "OLC3": ("licence", "reliability"),
    "OLC4": ("cleanup", "reliability"),
    "OLC5": ("security",),
}
