"""`olclint init DIR`: a first cluster.yaml from the node folders collected under DIR.

A node folder is a folder of DIR holding what `olclint collect` writes: `settings/`,
`initialization/` (preference files), `my.ini`/`my.cnf`, `grants.sql`, `server.json`.
From them, with the node folder's name as the node's name:

- roles: a node whose store has `master.location` is an extension; the master is the node
  that location names (by address or host name), else the one node without it;
- the database node: the node whose folder holds the option file, else the one with
  `grants.sql` or `server.json`; its engine and version from `server.json`;
- addresses: the master's from the extensions' `master.location`, the database node's
  from the Connect servers' `db.host` (or `database.url`) or the host `collect database`
  connected to, when these are IP addresses and not loopback; host names likewise;
- `database.port`, `schema` and `user` from the Connect servers' stores (`db.port`,
  `db.schema`, `db.username`, or `database.url`/`database.user`), else `server.json`'s port.

What it cannot know (licences, time zones, the Connect version, an address nothing names)
is a `TODO` comment; an unknown address is a placeholder from the documentation range
192.0.2.0/24, so the file is valid and `olclint check` reads it without OLC001.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from olclint.collect.database import GRANTS_FILE, SERVER_FILE
from olclint.collect.files import CollectError, write_file
from olclint.collect.server import INIT_DIR, SETTINGS_DIR

OPTION_NAMES = ("my.ini", "my.cnf")
PLACEHOLDER_NET = "192.0.2."
MASTER_PORT = 9340


@dataclass
class _Node:
    name: str
    folder: Path
    settings: list[Path] = field(default_factory=list)
    initial: list[Path] = field(default_factory=list)
    folders: dict[str, str] = field(default_factory=dict)  # "settings"/"initial" -> as found
    option_file: str | None = None
    grants: bool = False
    server: dict[str, Any] | None = None
    props: dict[str, str] = field(default_factory=dict)
    address: str | None = None
    hostname: str | None = None
    address_from: str = ""

    @property
    def master_location(self) -> tuple[str, int | None] | None:
        text = self.props.get("master.location")
        if not text:
            return None
        from olclint.domain.connect import parse_host_port

        try:
            hp = parse_host_port(text)
        except ValueError:
            return None
        return hp.host, hp.port

    def db_target(self) -> tuple[str | None, int | None, str | None]:
        """(host, port, schema) this server connects to, from its store."""
        host, port, schema = self.props.get("db.host"), self.props.get("db.port"), None
        schema = self.props.get("db.schema")
        url = self.props.get("database.url")
        if url:
            from olclint.domain.connect import parse_jdbc_url

            try:
                parsed = parse_jdbc_url(url)
                host, schema = parsed.host, parsed.schema or schema
                port = str(parsed.port) if parsed.port else port
            except ValueError:
                pass
        return host, int(port) if port and port.strip().isdigit() else None, schema


def _ip(text: str | None) -> str | None:
    """An IP literal that names another machine (not loopback, not unspecified)."""
    if not text:
        return None
    try:
        address = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    return None if address.is_loopback or address.is_unspecified else str(address)


def _props(root: Path, files: list[Path]) -> dict[str, str]:
    from olclint.readers.prefs import read_prefs
    from olclint.readers.workspace import Workspace

    ws = Workspace(root)
    props: dict[str, str] = {}
    for file in files:  # later files win, as in the store
        for prop in read_prefs(ws, file).properties:
            if not prop.secret:
                props[prop.key] = prop.value
    return props


def _child(folder: Path, relative: str) -> Path | None:
    """`folder/relative` matched without case (a copy of a Windows folder), if a folder."""
    here = folder
    for part in relative.split("/"):
        if not here.is_dir():
            return None
        here = next((c for c in sorted(here.iterdir()) if c.name.lower() == part.lower()), None)
        if here is None:
            return None
    return here if here.is_dir() else None


def _node(root: Path, folder: Path) -> _Node | None:
    node = _Node(folder.name, folder)
    # what `olclint collect server` writes, or a store copied as it is on the server
    layouts = (
        ("settings", node.settings, (SETTINGS_DIR, ".settings")),
        ("initial", node.initial, ("Initialization/Preferences", INIT_DIR)),
    )
    for kind, target, names in layouts:
        sub = next((s for s in (_child(folder, n) for n in names) if s is not None), None)
        if sub is not None:
            target.extend(sorted(p for p in sub.iterdir() if p.suffix.lower() == ".prefs"))
            node.folders[kind] = sub.relative_to(folder).as_posix()
    node.option_file = next((n for n in OPTION_NAMES if (folder / n).is_file()), None)
    node.grants = (folder / GRANTS_FILE).is_file()
    if (folder / SERVER_FILE).is_file():
        try:
            info = json.loads((folder / SERVER_FILE).read_text(encoding="utf-8"))
            node.server = info if isinstance(info, dict) else None
        except (OSError, ValueError):
            node.server = None
    if not (node.settings or node.initial or node.option_file or node.grants or node.server):
        return None
    node.props = _props(root, node.settings + node.initial)
    return node


def _q(value: object) -> str:
    """A YAML scalar: JSON's double-quoted strings are YAML too."""
    return json.dumps(value) if isinstance(value, str) else str(value)


def _database_node(nodes: list[_Node]) -> _Node | None:
    for test in (lambda n: n.option_file, lambda n: n.grants or n.server):
        found = [n for n in nodes if test(n)]
        if found:
            return found[0]
    return None


EXTENSION_KEYS = frozenset({"server.connections.master.port", "master.port", "master.location"})
MASTER_KEYS = frozenset({"merge.expected_remote_engines", "weaver.expected_remote_engines"})


def _roles(nodes: list[_Node]) -> tuple[_Node, list[str]]:
    """The master, and TODO notes about how it was chosen."""
    located = [n for n in nodes if n.master_location is not None]
    others = [n for n in nodes if n.master_location is None]
    named = {n.master_location[0].lower() for n in located if n.master_location}
    for node in others:
        keys = {k.lower() for k in (node.address, node.hostname, node.name) if k}
        if keys & named:
            return node, []
    if len(others) == 1:
        return others[0], []
    # an extension's store has the master's port (Connect 2021: server.connections.master.port);
    # the master's has the expected remote engines
    own = [n for n in others if not EXTENSION_KEYS & set(n.props)]
    expecting = [n for n in own if MASTER_KEYS & set(n.props)]
    for candidates in (expecting, own):
        if len(candidates) == 1:
            return candidates[0], []
    master = (own or others or nodes)[0]
    why = "no node names a master" if not located else "the master.location names no node"
    return master, [f"# TODO: {why}; {master.name} is taken as the master: check the roles"]


def cluster_yaml(name: str, nodes: list[_Node]) -> str:
    db_node = _database_node(nodes)
    info = db_node.server if db_node is not None and db_node.server else {}
    variables = info.get("variables") if isinstance(info.get("variables"), dict) else {}
    # addresses: what the servers' stores and collect database name
    targets = [n.db_target() for n in nodes]
    if db_node is not None:
        db_hosts = [t[0] for t in targets if t[0]]
        from_info = (info.get("collected_from") or {}).get("host")
        for host in [*db_hosts, from_info]:
            if _ip(host):
                db_node.address, db_node.address_from = _ip(host), "the servers' db.host"
                break
        hostname = variables.get("hostname")
        if isinstance(hostname, str) and hostname:
            db_node.hostname = hostname
    master, notes = _roles(nodes)
    for ext in nodes:
        location = ext.master_location
        if location is None or master is ext:
            continue
        if _ip(location[0]) and master.address is None:
            master.address, master.address_from = _ip(location[0]), "master.location"
        elif not _ip(location[0]) and master.hostname is None:
            master.hostname = location[0]
    used = {n.address for n in nodes if n.address}
    free = (f"{PLACEHOLDER_NET}{i}" for i in range(10, 250))
    out = [
        "# A first description of this cluster, written by `olclint init` from the collected",
        "# node folders. Check every value, and every TODO, before you trust a finding.",
        "version: 1",
        f"name: {_q(name)}",
        '# TODO: connect_version: "2024.1"   (the Connect version of the servers)',
        *notes,
        "database:",
    ]
    if db_node is None:
        out.append(f"  node: {_q(master.name)}   # TODO: nothing collected names the database host")
    else:
        out.append(f"  node: {_q(db_node.name)}")
        if info.get("engine") in ("mysql", "mariadb"):
            out.append(f"  engine: {info['engine']}")
        version = variables.get("version")
        if isinstance(version, str) and version[:1].isdigit():
            number = version.split("-", 1)[0]
            out.append(f"  server_version: {_q(number)}")
    ports = sorted({t[1] for t in targets if t[1]})
    port = ports[0] if ports else variables.get("port")
    if isinstance(port, int) and not isinstance(port, bool):
        todo = "   # TODO: the servers connect to different ports" if len(ports) > 1 else ""
        out.append(f"  port: {port}{todo}")
    schemas = sorted({t[2] for t in targets if t[2]})
    if schemas:
        out.append(f"  schema: {_q(schemas[0])}")
    users = sorted(
        {n.props[k] for n in nodes for k in ("db.username", "database.user") if n.props.get(k)}
    )
    if users:
        out.append(f"  user: {_q(users[0])}")
    if db_node is not None and db_node.option_file:
        out.append(f"  option_file: {_q(f'{db_node.name}/{db_node.option_file}')}")
    if db_node is not None and db_node.grants:
        out.append(f"  grants: {_q(f'{db_node.name}/{GRANTS_FILE}')}")
    out.append("nodes:")
    ordered = [master, *[n for n in nodes if n is not master]]
    for node in ordered:
        out.append(f"  - name: {_q(node.name)}")
        out.append(f"    role: {'master' if node is master else 'extension'}")
        if node.address:
            out.append(f"    address: {node.address}")
        else:
            placeholder = next(a for a in free if a not in used)
            out.append(
                f"    address: {placeholder}   # TODO: the address of {node.name} "
                "(a placeholder: nothing collected names it)"
            )
        if node.hostname:
            out.append(f"    hostname: {_q(node.hostname)}")
        out.append("    # TODO: timezone: Europe/Paris   (the zone of its clean-up schedule)")
        out.append(
            "    # TODO: license: {edition: "
            + ("enterprise" if node is master else "standard")
            + ", expires: 2027-06-30}"
        )
        if node.settings:
            settings = f"{node.name}/{node.folders['settings']}"
            out.append(f"    preferences: {_q(settings)}")
        if node.initial:
            # Connect's start-up overrides: they win over the store, key by key
            initial = f"{node.name}/{node.folders['initial']}"
            out.append(f"    initialization_preferences: {_q(initial)}")
    return "\n".join(out) + "\n"


def init_cluster(root: Path, folder: Path, *, force: bool = False) -> list[tuple[Path, bool]]:
    """Write `folder/cluster.yaml` from its node folders."""
    if not folder.is_dir():
        raise CollectError(f"{folder} is not a folder")
    target = folder / "cluster.yaml"
    if target.exists() and not force:
        raise CollectError(f"{target} exists; use --force to replace it")
    nodes = [n for n in (_node(root, p) for p in sorted(folder.iterdir()) if p.is_dir()) if n]
    if not nodes:
        raise CollectError(
            f"{folder} holds no collected node folder; run `olclint collect` into "
            f"{folder}/NODE first"
        )
    name = Path(folder.resolve()).name
    return [(target, write_file(root, target, cluster_yaml(name, nodes).encode("utf-8")))]
