"""From a cluster file to a `Cluster`: read, validate, resolve, read the referenced files.

Every problem met on the way is a diagnostic (OLC001-OLC006) with its location; nothing
here raises on bad input.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from olclint.core.findings import Finding, Level, Location, diag
from olclint.core.ids import INVALID_CLUSTER_FILE as INVALID
from olclint.core.ids import MISSING_INPUT_FILE
from olclint.model.cluster import (
    DEFAULT_DB_PORT,
    DEFAULT_SCHEMA,
    DEFAULT_USER,
    EXTENSION,
    MASTER,
    Cluster,
    Database,
    License,
    Network,
    Node,
    Route,
    version_tuple,
)
from olclint.readers.workspace import Workspace
from olclint.readers.yamlpos import YamlDoc, load_yaml

MARIADB_FROM = (2022, 1)


def _err(message: str, where: Location, subject: str = "") -> Finding:
    return diag(INVALID, Level.ERROR, message, where, subject=subject)


MAX_DURATION = dt.timedelta(days=7)


def parse_duration(value: Any) -> dt.timedelta | None:
    """ "30m", "1.5h", "45s" or a number of seconds; anything over MAX_DURATION is returned
    as MAX_DURATION plus a second (no overflow, however many digits)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        seconds: float = value
    else:
        match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([smh])\s*", str(value))
        if not match:
            return None
        seconds = float(match[1]) * {"s": 1, "m": 60, "h": 3600}[match[2]]
    if seconds > MAX_DURATION.total_seconds():  # also inf, from 400 digits
        return MAX_DURATION + dt.timedelta(seconds=1)
    return dt.timedelta(seconds=seconds)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def build_cluster(
    ws: Workspace, cluster_file: Path, preference_keys: Mapping[str, str] | None = None
) -> Cluster:
    """Read one cluster file and everything it references."""
    rel = ws.rel(cluster_file)
    folder = cluster_file.parent
    top = Location(rel)
    fallback_name = folder.name
    data_bytes, problems = ws.read_bytes(cluster_file, None, "cluster file")
    if data_bytes is None:
        return _broken(fallback_name, rel, ws.rel(folder), top, problems)
    try:
        text = data_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data_bytes[: exc.start].count(b"\n") + 1
        msg = "cluster file is not UTF-8 text; save it as UTF-8"
        return _broken(fallback_name, rel, ws.rel(folder), top, [_err(msg, top.at_line(line))])
    doc, findings = load_yaml(text, rel)
    ws.remember(rel, text, secrets=doc.secrets if doc is not None else ())
    if doc is None:
        return _broken(fallback_name, rel, ws.rel(folder), top, findings)
    if not isinstance(doc.data, dict):
        msg = "cluster file must be a mapping with version, name, database and nodes"
        return _broken(fallback_name, rel, ws.rel(folder), top, [*findings, _err(msg, top)])
    from olclint.model.schema import validate

    findings += validate(doc)
    name = doc.data.get("name") if isinstance(doc.data.get("name"), str) else fallback_name
    if any(f.level is Level.ERROR for f in findings):
        return _broken(name, rel, ws.rel(folder), top, findings)
    builder = _Builder(ws, cluster_file, rel, doc, dict(preference_keys or {}))
    builder.findings.extend(findings)  # warnings: YAML 1.1 numbers
    return builder.build()


def _broken(name: str, rel: str, folder: str, top: Location, findings: list[Finding]) -> Cluster:
    diags = tuple(f.with_context(cluster=name) for f in findings)
    return Cluster(name, rel, folder, top, {}, diagnostics=diags, usable=False)


class _Builder:
    """The steps of building one valid-by-schema cluster file, sharing the doc and findings."""

    def __init__(
        self, ws: Workspace, path: Path, rel: str, doc: YamlDoc, keys: dict[str, str]
    ) -> None:
        self.ws = ws
        self.folder = path.parent
        self.rel = rel
        self.doc = doc
        self.data: dict[str, Any] = doc.data
        self.findings: list[Finding] = []
        self.keys = keys
        self.connect_version: tuple[int, ...] | None = None

    def loc(self, *path: Any) -> Location:
        return self.doc.value_at(path)

    def key(self, *path: Any) -> Location:
        return self.doc.where(path)

    def build(self) -> Cluster:
        from olclint.domain.connect import SETTINGS

        data = self.data
        name = data["name"]
        connect_version = version_tuple(data.get("connect_version"))
        self.keys.update(data.get("preference_keys") or {})
        for setting in data.get("preference_keys") or {}:
            if setting not in SETTINGS:
                self._unknown_setting(setting, ("preference_keys", setting), SETTINGS)
        networks = self._networks()
        self.connect_version = connect_version
        nodes = self._nodes(SETTINGS)
        database = self._database(connect_version, nodes)
        routes = self._routes(networks)
        duration = None
        if "cleanup" in data and "expected_duration" in data["cleanup"]:
            duration = parse_duration(data["cleanup"]["expected_duration"])
            if duration is not None and duration > MAX_DURATION:
                msg = (
                    f"cleanup.expected_duration is longer than {MAX_DURATION.days} days, "
                    "the longest clean-up run olclint judges"
                )
                self.findings.append(_err(msg, self.key("cleanup", "expected_duration")))
                duration = None
        cluster_errors = any(f.rule == INVALID and f.level is Level.ERROR for f in self.findings)
        locations = {k: self.key(k) for k in data}
        diags = tuple(f if f.cluster else f.with_context(cluster=name) for f in self.findings)
        return Cluster(
            name=name,
            path=self.rel,
            folder=self.ws.rel(self.folder),
            location=Location(self.rel),
            locations=locations,
            diagnostics=diags,
            usable=not cluster_errors,
            connect_version=connect_version,
            database=database,
            nodes=tuple(nodes),
            networks=tuple(networks),
            routes=tuple(routes),
            cleanup_duration=duration,
            preference_keys=dict(self.keys),
        )

    def _unknown_setting(self, setting: str, path: tuple, known: Mapping[str, str]) -> None:
        import difflib

        hint = difflib.get_close_matches(setting, sorted(known), n=1)
        msg = f"unknown setting '{setting}'" + (f"; did you mean '{hint[0]}'?" if hint else "")
        self.findings.append(_err(msg, self.key(*path), subject=setting))

    # -- nodes ---------------------------------------------------------------------------

    def _nodes(self, settings_table: Mapping[str, str]) -> list[Node]:
        nodes: list[Node] = []
        names: dict[str, Location] = {}
        addresses: dict[Any, tuple[str, Location]] = {}
        for i, raw in enumerate(self.data["nodes"]):
            path = ("nodes", i)
            name = raw["name"]
            name_loc = self.loc(*path, "name")
            if name in names:
                msg = f"node name '{name}' is used twice (first at line {names[name].line})"
                self.findings.append(_err(msg, name_loc, subject=f"nodes.{name}"))
            names.setdefault(name, name_loc)
            for setting in raw.get("settings") or {}:
                if setting not in settings_table:
                    self._unknown_setting(setting, (*path, "settings", setting), settings_table)
            address = _ip(raw["address"])
            addr_loc = self.loc(*path, "address")
            if address is None:
                msg = f"{name}: address '{raw['address']}' is not an IPv4 or IPv6 address"
                self.findings.append(_err(msg, addr_loc, subject=f"{name}.address"))
                continue
            if address in addresses:
                other, other_loc = addresses[address]
                msg = (
                    f"{name}: address {address} is already used by {other} (line {other_loc.line})"
                )
                self.findings.append(_err(msg, addr_loc, subject=f"{name}.address"))
            addresses.setdefault(address, (name, addr_loc))
            timezone = raw.get("timezone")
            if timezone is not None and not _valid_zone(timezone):
                msg = f"{name}: '{timezone}' is not an IANA time zone (like Europe/Paris)"
                self.findings.append(_err(msg, self.loc(*path, "timezone"), subject=f"{name}.tz"))
            locations = {
                key: self.loc(*path, key) for key in raw if key not in ("license", "settings")
            }
            prefs = self._prefs(raw, path, name)
            overrides = self._prefs(raw, path, name, "initialization_preferences")
            settings = self._settings(raw, path, prefs, name, settings_table, overrides)
            nodes.append(
                Node(
                    name=name,
                    role=MASTER if raw["role"] == MASTER else EXTENSION,
                    address=address,
                    location=name_loc,
                    locations=locations,
                    hostname=raw.get("hostname"),
                    timezone=timezone,
                    license=self._license(raw, path),
                    prefs=prefs + overrides,
                    settings=settings,
                )
            )
        masters = [
            (raw["name"], self.loc("nodes", i, "role"))
            for i, raw in enumerate(self.data["nodes"])
            if raw["role"] == MASTER
        ]
        if len(masters) != 1:
            where = masters[1][1] if masters else self.key("nodes")
            msg = (
                "the cluster has no master node (role: master)"
                if not masters
                else f"the cluster has {len(masters)} masters: "
                + ", ".join(name for name, _ in masters)
                + "; exactly one is allowed"
            )
            self.findings.append(_err(msg, where, subject="master"))
        return nodes

    def _license(self, raw: dict[str, Any], path: tuple) -> License | None:
        lic = raw.get("license")
        if lic is None:
            return None
        expires = None
        if "expires" in lic:
            try:
                expires = dt.date.fromisoformat(str(lic["expires"]))
            except ValueError:
                expires = None
        return License(
            edition=lic.get("edition"),
            expires=expires,
            location=self.key(*path, "license"),
            edition_location=self.loc(*path, "license", "edition") if "edition" in lic else None,
            expires_location=self.loc(*path, "license", "expires") if "expires" in lic else None,
        )

    def _prefs(
        self, raw: dict[str, Any], path: tuple, name: str, field: str = "preferences"
    ) -> tuple:
        from olclint.readers.prefs import read_prefs

        spec = raw.get(field)
        if spec is None:
            return ()
        files: list[Path] = []
        if isinstance(spec, str):
            where = self.loc(*path, field)
            found, problems = self.ws.resolve(self.folder, spec, where, "preferences", kind="any")
            self._add(problems, name)
            if found is None:
                pass
            elif found.is_dir():
                try:
                    candidates = sorted(p for p in found.iterdir() if p.suffix == ".prefs")
                except OSError as exc:
                    msg = (
                        f"{name}: preferences folder '{spec}' cannot be listed: "
                        f"{exc.strerror or exc}"
                    )
                    self._add(
                        [diag(MISSING_INPUT_FILE, Level.ERROR, msg, where, subject=spec)], name
                    )
                    return ()
                files.extend(p for p in candidates if self._confined(p, where, name))
                if not candidates:
                    msg = f"{name}: preferences folder '{spec}' holds no .prefs file"
                    self._add(
                        [diag(MISSING_INPUT_FILE, Level.ERROR, msg, where, subject=spec)], name
                    )
            else:
                files.append(found)
        else:
            for j, ref in enumerate(spec):
                where = self.loc(*path, field, j)
                found, problems = self.ws.resolve(self.folder, ref, where, "preferences file")
                self._add(problems, name)
                if found is not None:
                    files.append(found)
        result = []
        for file in files:
            prefs = read_prefs(self.ws, file, self.loc(*path, field))
            self._add(prefs.diagnostics, name)
            result.append(prefs)
        return tuple(result)

    def _confined(self, path: Path, where: Location, name: str) -> bool:
        if self.ws.inside(path):
            return True
        rel = self.ws.rel(path)
        msg = f"{name}: preferences file '{rel}' leaves the repository root; it was not opened"
        self._add(
            [diag(MISSING_INPUT_FILE, Level.ERROR, msg, where, subject=self.ws.rel(path))], name
        )
        return False

    def _settings(
        self,
        raw: dict[str, Any],
        path: tuple,
        prefs: tuple,
        name: str,
        table: Mapping[str, str],
        overrides: tuple = (),
    ) -> dict[str, Any]:
        from olclint.domain.connect import resolve_settings

        inline = {
            setting: (value, self.loc(*path, "settings", setting))
            for setting, value in (raw.get("settings") or {}).items()
            if setting in table
        }
        settings, problems = resolve_settings(
            prefs, self.keys, inline, overrides=overrides, connect_version=self.connect_version
        )
        self._add(problems, name)
        return settings

    def _add(self, findings: Any, node: str | None = None) -> None:
        for finding in findings:
            self.findings.append(finding.with_context(node=node) if node else finding)

    # -- database ------------------------------------------------------------------------

    def _database(self, connect_version: tuple[int, ...] | None, nodes: list[Node]) -> Database:
        raw = self.data["database"]
        path = ("database",)
        if "engine" in raw:
            engine = raw["engine"]
        elif connect_version is not None and connect_version < MARIADB_FROM:
            engine = "mysql"
        else:
            engine = "mariadb"
        node_name = raw.get("node")
        external = raw.get("external")
        external_address = None
        if (node_name is None) == (external is None):
            msg = "database needs exactly one of 'node' (a Connect node) or 'external'"
            self.findings.append(_err(msg, self.key(*path), subject="database.node"))
        if node_name is not None and node_name not in {n.name for n in nodes}:
            if any(n["name"] == node_name for n in self.data["nodes"]):
                pass  # the node exists but was not built (bad address): already reported
            else:
                known = ", ".join(dict.fromkeys(n["name"] for n in self.data["nodes"]))
                msg = f"database.node '{node_name}' is not a node of this cluster ({known})"
                self.findings.append(_err(msg, self.loc(*path, "node"), subject="database.node"))
        if external is not None:
            external_address = _ip(external["address"])
            if external_address is None:
                msg = f"database.external.address '{external['address']}' is not an IP address"
                where = self.loc(*path, "external", "address")
                self.findings.append(_err(msg, where, subject="database.external"))
        locations = {key: self.loc(*path, key) for key in raw}
        locations.update({f"{key}@key": self.key(*path, key) for key in raw})
        server_node = node_name if node_name is not None else None
        return Database(
            engine=engine,
            server_version=version_tuple(raw.get("server_version")),
            port=raw.get("port", DEFAULT_DB_PORT),
            schema=raw.get("schema", DEFAULT_SCHEMA),
            user=raw.get("user", DEFAULT_USER),
            location=self.key(*path),
            locations=locations,
            node=node_name,
            external_address=external_address,
            external_hostname=(external or {}).get("hostname"),
            option_file=self._option_file(raw, path, server_node),
            grants=self._grants(
                raw, path, server_node, engine, version_tuple(raw.get("server_version"))
            ),
            running=self._running(raw, server_node),
        )

    def _running(self, raw: dict[str, Any], node: str | None) -> Any:
        """server.json (collected by `olclint collect database`) beside the grants file,
        else beside the option file; None when there is none."""
        from olclint.readers.serverinfo import SERVER_FILE, read_server_info
        from olclint.readers.workspace import is_absolute_ref

        for key in ("grants", "option_file"):
            ref = raw.get(key)
            if not isinstance(ref, str) or not ref or is_absolute_ref(ref):
                continue
            candidate = (self.folder / ref.replace("\\", "/")).parent / SERVER_FILE
            if self.ws.inside(candidate) and candidate.is_file():
                result = read_server_info(self.ws, candidate)
                self._add(result.diagnostics, node)
                return result
        return None

    def _option_file(self, raw: dict[str, Any], path: tuple, node: str | None) -> Any:
        from olclint.readers.optionfile import read_option_file

        if "option_file" not in raw:
            return None
        where = self.loc(*path, "option_file")
        found, problems = self.ws.resolve(self.folder, raw["option_file"], where, "option file")
        self._add(problems, node)
        if found is None:
            return None
        include_map = {}
        for prefix, folder in (raw.get("include_map") or {}).items():
            at = self.loc(*path, "include_map", prefix)
            mapped, problems = self.ws.resolve(
                self.folder, folder, at, "include_map folder", kind="dir"
            )
            self._add(problems, node)
            if mapped is not None:
                include_map[prefix] = mapped
        result = read_option_file(self.ws, found, where, include_map=include_map)
        self._add(result.diagnostics, node)
        return result

    def _grants(
        self,
        raw: dict[str, Any],
        path: tuple,
        node: str | None,
        engine: str | None = None,
        version: tuple[int, ...] | None = None,
    ) -> Any:
        from olclint.readers.grants import read_grants

        if "grants" not in raw:
            return None
        where = self.loc(*path, "grants")
        found, problems = self.ws.resolve(self.folder, raw["grants"], where, "grants file")
        self._add(problems, node)
        if found is None:
            return None
        result = read_grants(self.ws, found, where, engine, version)
        self._add(result.diagnostics, node)
        return result

    # -- networks ------------------------------------------------------------------------

    def _networks(self) -> list[Network]:
        networks: list[Network] = []
        seen: set[str] = set()
        for i, raw in enumerate(self.data.get("networks") or []):
            where = self.loc("networks", i, "cidr")
            try:
                cidr = ipaddress.ip_network(raw["cidr"].strip(), strict=False)
            except ValueError:
                msg = f"network '{raw['name']}': '{raw['cidr']}' is not a network like 10.0.0.0/24"
                self.findings.append(_err(msg, where, subject=f"networks.{raw['name']}"))
                continue
            if raw["name"] in seen:
                msg = f"network name '{raw['name']}' is used twice"
                where = self.loc("networks", i, "name")
                self.findings.append(_err(msg, where, subject=f"networks.{raw['name']}"))
            seen.add(raw["name"])
            networks.append(Network(raw["name"], cidr, self.loc("networks", i, "name")))
        return networks

    def _routes(self, networks: list[Network]) -> list[Route]:
        names = {n.name for n in networks}
        routes: list[Route] = []
        for i, raw in enumerate(self.data.get("routes") or []):
            ok = True
            for end in ("from", "to"):
                if raw[end] not in names:
                    msg = f"route {end} '{raw[end]}' is not a declared network"
                    self.findings.append(_err(msg, self.loc("routes", i, end), subject="routes"))
                    ok = False
            if ok:
                ports = frozenset(raw["ports"]) if "ports" in raw else None
                routes.append(Route(raw["from"], raw["to"], ports, self.loc("routes", i)))
        return routes


def _valid_zone(name: str) -> bool:
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True
