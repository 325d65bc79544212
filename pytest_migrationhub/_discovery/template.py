"""The Migration Hub import template: reading a file, checking its rows, and applying them.

The columns, the identifying (matching) fields and the list formats are the
ADS User Guide's ("Migration Hub import"). Each row is checked alone: a bad
row fails with its errors and the others import. A row matches an existing
server by ExternalId when it has one (and by nothing else then); otherwise by
any identifying field it shares with a server (the pair VMware.MoRefId and
VMware.VCenterId counting as one field). What is not documented is decided in
the README ("How the fake behaves where AWS documents nothing").
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from .._core import catalog
from .columns import COLUMNS as COLUMNS
from .columns import FIGURES, MAX_VALUE, PERCENT, WHOLE, number_problem
from .inventory import Inventory
from .jobs import ImportTask, zipped
from .records import SERVER_ATTRIBUTES, Application, DiscoveredServer, new_configuration_id, split_list

#: what identifies a server; one of them (or the VMware pair) must be in every row
IDENTIFYING = ("ExternalId", "IPAddress", "MACAddress", "HostName", "VMware.MoRefId", "VMware.VCenterId")
#: what a row with a ServerId may change; the rest of it is read-only
WRITABLE_WITH_SERVER_ID = ("Applications", "ApplicationWave")
#: the largest import file, in bytes (10 MB)
MAX_FILE = 10 * 1024 * 1024
#: how a zip file starts (a local file header, or the end record of an empty zip); a CSV may start with "PK"
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
ERRORS_FILE = "errors-file.csv"
FAILED_ENTRIES_FILE = "failed-entries-file.csv"
ERRORS_HEADER = ("LineNumber", "ColumnName", "ExternalId", "ErrorMessage")


class UnreadableFile(Exception):
    """The file is not an import template the fake can read: the task fails with this status."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Row:
    """One row of the file: its line, its values, its errors, and the server it is for."""

    line: int
    values: dict[str, str]
    raw: list[str]
    errors: list[tuple[str, str]] = field(default_factory=list)
    #: the ConfigurationId of the server it updates or creates
    server: str = ""
    creates: bool = False


def read(content: bytes) -> tuple[list[str], list[Row]]:
    """The header and the rows of an import file, or :class:`UnreadableFile`."""
    if len(content) > MAX_FILE:
        raise UnreadableFile("IMPORT_FAILED", f"The import file is {len(content)} bytes; the most is 10 MB")
    if content[:4] in ZIP_SIGNATURES:
        raise UnreadableFile(
            "IMPORT_FAILED_UNSUPPORTED_FILE_TYPE",
            "The import file is a zip (an RVTools export?); the fake reads the Migration Hub import template only",
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile("IMPORT_FAILED_UNSUPPORTED_FILE_TYPE", "The import file is not UTF-8 text") from None
    try:
        lines = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:  # a field over csv's size limit, a NUL before Python 3.11
        raise UnreadableFile("IMPORT_FAILED", f"The import file is not CSV the fake can read: {error}") from None
    header = [name.strip() for name in (lines[0] if lines else [])]
    if not any(name in COLUMNS for name in header):
        raise UnreadableFile(
            "IMPORT_FAILED_UNSUPPORTED_FILE_TYPE",
            "The import file's first line names none of the import template's columns "
            "(ExternalId, IPAddress, HostName, ...)",
        )
    rows = []
    for number, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = {
            name: cell.strip() for name, cell in zip(header, cells, strict=False) if name in COLUMNS and cell.strip()
        }
        rows.append(Row(number, values, cells))
    if not rows:
        raise UnreadableFile("IMPORT_FAILED", "The import file has its header line and no records")
    return header, rows


def check(row: Row, inventory: Inventory) -> None:
    """Note what is wrong with ``row`` in its ``errors``: (column, message) pairs."""
    values = row.values
    _check_applications(row)
    server_id = values.get("ServerId")
    if server_id is not None:
        if server_id not in inventory.discovered:
            row.errors.append(("ServerId", f"No server has the ServerId {server_id!r}"))
        return
    for column, value in values.items():
        if len(value) > MAX_VALUE:
            row.errors.append((column, f"The value is {len(value)} characters; the most is {MAX_VALUE}"))
    if not any(values.get(name) for name in IDENTIFYING):
        row.errors.append(("", f"The record has none of the identifying fields: {', '.join(IDENTIFYING)}"))
    pair = [name for name in ("VMware.MoRefId", "VMware.VCenterId") if values.get(name)]
    if len(pair) == 1:
        row.errors.append((pair[0], "VMware.MoRefId and VMware.VCenterId identify a server together: give both"))
    for column in (*WHOLE, *PERCENT, *FIGURES):
        problem = number_problem(column, values.get(column))
        if problem:
            row.errors.append((column, problem))
    for tag in split_list(values.get("Tags")):
        if ":" not in tag or not tag.split(":", 1)[0].strip():
            row.errors.append(("Tags", f"{tag!r} is not a tag: write tags as name:value, separated by commas"))


def _check_applications(row: Row) -> None:
    """The application names and the wave a row gives: what CreateApplication would take."""
    create = catalog().by_name["CreateApplication"]
    for name in split_list(row.values.get("Applications")):
        if not create.check({"name": name}):
            row.errors.append(("Applications", f"{name!r} is not an application name (at most 127 characters)"))
    wave = row.values.get("ApplicationWave")
    # An older botocore models no wave in CreateApplication: the fake keeps it as the template gives it.
    modelled = "wave" in create.schema["properties"]
    if wave is not None and modelled and not create.check({"name": "wave", "wave": wave}):
        row.errors.append(("ApplicationWave", f"{wave!r} is not a wave (at most 256 characters, one space apart)"))


class Matcher:
    """Finds the server a row is for: by ExternalId when the row has one (and by nothing else then),
    otherwise by any identifying field it shares with a server, the earliest discovered first."""

    _KINDS = ("IPAddress", "MACAddress", "HostName", "VMware")

    def __init__(self, servers: dict[str, DiscoveredServer]) -> None:
        self._order: dict[str, int] = {}
        self._index: dict[str, dict[str, str]] = {kind: {} for kind in ("ExternalId", *self._KINDS)}
        for server_id, server in servers.items():
            self.add(server_id, server.imported, server)

    def add(self, server_id: str, values: dict[str, str], server: DiscoveredServer | None = None) -> None:
        """Make ``server_id`` findable by what ``values`` (and ``server``) say of it."""
        self._order.setdefault(server_id, len(self._order))
        for kind, keys in _identity(values, server).items():
            for key in keys:
                self._index[kind].setdefault(key, server_id)

    def find(self, values: dict[str, str]) -> str:
        """The ConfigurationId of the server a row is for, or "" for a new one."""
        if values.get("ServerId"):
            return values["ServerId"]
        mine = _identity(values, None)
        if mine["ExternalId"]:
            return self._index["ExternalId"].get(next(iter(mine["ExternalId"])), "")
        found = {self._index[kind][key] for kind in self._KINDS for key in mine[kind] if key in self._index[kind]}
        return min(found, key=self._order.__getitem__) if found else ""


def _identity(values: dict[str, str], server: DiscoveredServer | None) -> dict[str, set[str]]:
    ips = set(split_list(values.get("IPAddress")))
    hosts = {values["HostName"].lower()} if values.get("HostName") else set()
    if server is not None:
        ips |= set(server.ip_addresses)
        hosts |= {server.host_name.lower()} if server.host_name else set()
    pair = (values.get("VMware.MoRefId"), values.get("VMware.VCenterId"))
    return {
        "ExternalId": {values["ExternalId"]} if values.get("ExternalId") else set(),
        "IPAddress": ips,
        "MACAddress": {m.lower() for m in split_list(values.get("MACAddress"))},
        "HostName": hosts,
        "VMware": {f"{pair[0]}@{pair[1]}"} if all(pair) else set(),
    }


def apply(row: Row, inventory: Inventory, task: ImportTask, moment: datetime) -> None:
    """Create or update the row's server, its tags and its applications, noting in ``task`` what it added."""
    values = row.values
    server = inventory.discovered.get(row.server)
    if server is None:
        server = inventory.discovered[row.server] = DiscoveredServer(row.server, time_of_creation=moment)
        task.created_servers.append(row.server)
    if "ServerId" not in values:
        _update(server, values, task)
        for tag in split_list(values.get("Tags")):
            key, _, value = tag.partition(":")
            pair = (key.strip(), value.strip())
            if pair not in server.tags:
                server.add_tag(*pair)
                task.tags.append((row.server, *pair))
    for name in split_list(values.get("Applications")):
        application = next((a for a in inventory.applications.values() if a.name == name), None)
        if application is None:
            application_id = new_configuration_id("application")
            application = Application(application_id, name=name, time_of_creation=moment, last_modified_time=moment)
            inventory.applications[application_id] = application
            task.created_applications.append(application_id)
        if row.server not in application.items:
            application.associate([row.server])
            task.memberships.append((application.application_id, row.server))
        if values.get("ApplicationWave"):
            application.wave = values["ApplicationWave"]


#: the template columns a server keeps as attributes of its own too
_NAMED = {"HostName": "host_name", "OS.Name": "os_name", "OS.Version": "os_version"}


def _update(server: DiscoveredServer, values: dict[str, str], task: ImportTask) -> None:
    attributes = {name: getattr(server, name) for name in SERVER_ATTRIBUTES}
    for column, value in values.items():
        if column not in ("Applications", "ApplicationWave", "Tags", "ServerId"):
            task.changes.append((server.configuration_id, column, server.imported.get(column), value))
            server.imported[column] = value
    for column, attribute in _NAMED.items():
        if column in values:
            setattr(server, attribute, values[column])
    if server.ip_address is None and split_list(values.get("IPAddress")):
        server.ip_address = split_list(values["IPAddress"])[0]
    if values.get("VMware.MoRefId"):
        server.server_type = "VMWARE_VM"
    for name, before in attributes.items():
        if getattr(server, name) != before:
            task.attributes.append((server.configuration_id, name, before, getattr(server, name)))


def undo(task: ImportTask, inventory: Inventory) -> None:
    """Take back what ``task`` imported: the servers and applications it created, the tags and
    memberships it added, and the fields it set that still hold its values."""
    for server_id in task.created_servers:
        inventory.forget_server(server_id)
    for application_id in task.created_applications:
        inventory.applications.pop(application_id, None)
    for application_id, server_id in task.memberships:
        if application_id in inventory.applications:
            inventory.applications[application_id].disassociate([server_id])
    for server_id, key, value in task.tags:
        if server_id in inventory.discovered:
            inventory.discovered[server_id].remove_tags([(key, value)])
    for server_id, column, before, after in reversed(task.changes):
        server = inventory.discovered.get(server_id)
        if server is not None and server.imported.get(column) == after:
            if before is None:
                del server.imported[column]
            else:
                server.imported[column] = before
    # A server's own attributes (a seeded host name, say) are not among its imported fields.
    for server_id, attribute, had, got in reversed(task.attributes):
        server = inventory.discovered.get(server_id)
        if server is not None and getattr(server, attribute) == got:
            setattr(server, attribute, had)


def errors_zip(header: list[str], failed: list[Row], moment: datetime) -> bytes:
    """The errors and failed entries of an import, dated ``moment``: ``errors-file.csv`` and
    ``failed-entries-file.csv``."""
    errors, entries = io.StringIO(), io.StringIO()
    errors_csv, entries_csv = csv.writer(errors, lineterminator="\n"), csv.writer(entries, lineterminator="\n")
    errors_csv.writerow(ERRORS_HEADER)
    if header:  # a file that could not be read has no header and no entries: that file is empty
        entries_csv.writerow(header)
    for row in failed:
        for column, message in row.errors:
            errors_csv.writerow((row.line, column, row.values.get("ExternalId", ""), message))
        if row.raw:
            entries_csv.writerow(row.raw)
    files = {ERRORS_FILE: errors.getvalue().encode(), FAILED_ENTRIES_FILE: entries.getvalue().encode()}
    return zipped(files, moment)
