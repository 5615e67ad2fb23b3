"""The rule registry: every rule of olclint, by module, in id order.

Adding a rule: write `rules/olcNNN_snake_name.py` (docstring = documentation page, `ID`,
`NAME`, `LEVEL`, `check(cluster, graph)`), then add its module name here.
"""

from __future__ import annotations

import functools
import importlib

from olclint.engine.rule import Rule

RULE_MODULES: tuple[str, ...] = (
    "olc001_invalid_cluster_file",
    "olc002_missing_input_file",
    "olc003_option_file_error",
    "olc004_option_file_line_ignored",
    "olc005_input_value_error",
    "olc006_include_not_followed",
    "olc007_unused_suppression",
    "olc008_preference_line_ignored",
    "olc101_database_not_reachable",
    "olc102_database_port_mismatch",
    "olc103_master_not_reachable",
    "olc104_database_connection_budget",
    "olc105_running_server_drift",
    "olc110_grant_not_covering",
    "olc111_grant_identified_by_mysql8",
    "olc112_root_from_any_host",
    "olc113_x_protocol_port_open",
    "olc114_host_name_account_ignored",
    "olc201_remote_merge_engines_mismatch",
    "olc202_remote_weaver_engines_mismatch",
    "olc203_extension_scheduling_ignored",
    "olc301_master_license_insufficient",
    "olc302_extension_unlicensed",
    "olc303_license_expired",
    "olc401_database_cleanup_not_single",
    "olc402_cleanup_not_staggered",
    "olc403_cleanup_at_startup_everywhere",
    "olc501_plaintext_password_in_prefs",
    "olc502_option_file_world_readable",
    "olc503_root_from_subnet",
)


@functools.lru_cache(maxsize=1)
def all_rules() -> tuple[Rule, ...]:
    """Every registered rule, in id order."""
    rules = [
        Rule.from_module(importlib.import_module(f"{__name__}.{name}")) for name in RULE_MODULES
    ]
    return tuple(sorted(rules, key=lambda r: r.id))


def find_rule(key: str) -> Rule | None:
    """A rule by id (any case) or by name."""
    key = key.strip()
    for rule in all_rules():
        if rule.id.lower() == key.lower() or rule.name.lower() == key.lower():
            return rule
    return None
