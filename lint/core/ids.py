"""The ids of the rules whose findings are born outside `olclint.rules`: the input rules
(in the readers and the builder) and the unused-suppression note (in the filter).

Everything that makes such a finding imports its id from here; `tests/test_layers.py`
checks that each id names the registered rule of the same name.
"""

INVALID_CLUSTER_FILE = "OLC001"
MISSING_INPUT_FILE = "OLC002"
OPTION_FILE_ERROR = "OLC003"
OPTION_FILE_LINE_IGNORED = "OLC004"
INPUT_VALUE_ERROR = "OLC005"
INCLUDE_NOT_FOLLOWED = "OLC006"
UNUSED_SUPPRESSION = "OLC007"
PREFERENCE_LINE_IGNORED = "OLC008"

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
}
