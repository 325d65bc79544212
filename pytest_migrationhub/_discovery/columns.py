"""The import template's columns and what each may hold, as the ADS User Guide gives them
("Migration Hub import"): read by the import (``.template``), the exports (``.export_files``)
and the scenarios (``.scenario``), which check a server's imported fields as an import would.
"""

from __future__ import annotations

import math
import re

#: the template's columns, in its order
COLUMNS = (
    "ExternalId",
    "SMBiosId",
    "IPAddress",
    "MACAddress",
    "HostName",
    "VMware.MoRefId",
    "VMware.VCenterId",
    "CPU.NumberOfProcessors",
    "CPU.NumberOfCores",
    "CPU.NumberOfLogicalCores",
    "OS.Name",
    "OS.Version",
    "VMware.VMName",
    "RAM.TotalSizeInMB",
    "RAM.UsedSizeInMB.Avg",
    "RAM.UsedSizeInMB.Max",
    "CPU.UsagePct.Avg",
    "CPU.UsagePct.Max",
    "DiskReadsPerSecondInKB.Avg",
    "DiskWritesPerSecondInKB.Avg",
    "DiskReadsPerSecondInKB.Max",
    "DiskWritesPerSecondInKB.Max",
    "DiskReadsOpsPerSecond.Avg",
    "DiskWritesOpsPerSecond.Avg",
    "DiskReadsOpsPerSecond.Max",
    "DiskWritesOpsPerSecond.Max",
    "NetworkReadsPerSecondInKB.Avg",
    "NetworkWritesPerSecondInKB.Avg",
    "NetworkReadsPerSecondInKB.Max",
    "NetworkWritesPerSecondInKB.Max",
    "Applications",
    "ApplicationWave",
    "Tags",
    "ServerId",
)
#: the columns a server keeps as its imported fields (the others name applications, tags, a server)
KEPT = tuple(c for c in COLUMNS if c not in ("Applications", "ApplicationWave", "Tags", "ServerId"))
#: counts: whole numbers, 1 or more
WHOLE = ("CPU.NumberOfProcessors", "CPU.NumberOfCores", "CPU.NumberOfLogicalCores")
#: percentages: 0 to 100
PERCENT = ("CPU.UsagePct.Avg", "CPU.UsagePct.Max")
#: the rest of the figures: numbers, 0 or more
FIGURES = tuple(c for c in COLUMNS[13:30] if c not in PERCENT)
#: every column that holds a number
NUMBERS = frozenset((*WHOLE, *PERCENT, *FIGURES))
#: the longest value ADS keeps (its String shape)
MAX_VALUE = 10000
#: a number as a file writes it: digits, an optional fraction and exponent
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")


def number_problem(column: str, value: str | None) -> str | None:
    """What is wrong with ``value`` as the figure ``column`` holds, or ``None``."""
    if value is None:
        return None
    # float() alone would take "nan", "inf", "1_000" and non-ASCII digits; "1e999" is infinite
    if not _NUMBER.match(value) or not math.isfinite(float(value)):
        return f"{value!r} is not a number"
    number = float(value)
    if column in WHOLE and (not number.is_integer() or number < 1):
        return f"{value!r} is not a whole number of 1 or more"
    if column in PERCENT and not 0 <= number <= 100:
        return f"{value!r} is not a percentage from 0 to 100"
    if number < 0:
        return f"{value!r} is below 0"
    return None
