"""An org's own cases table and its mapping, as a seeded Parquet export with planted bad rows:
the input of the lake import tests (tests/engines/test_lake_import.py, test_spark_connect.py)."""
from __future__ import annotations

import datetime as dt

import pyarrow as pa

MAPPING = """
kind = "cases"
market_time_zone = "Asia/Almaty"
null_values = ["?"]
true_values = ["ok"]

[columns]
case_id = "Ticket"
created_at = "Opened"
updated_at = "Changed"
first_response_at = "First Reply"
resolved_at = ["Closed", "Closed (old)"]
status = "State"
market = "Country"
abuse_category = "Topic"
source = "Channel"
priority = "Prio"
vendor = "Team"
reopen_count = "Reopens"
is_sla_met = "SLA ok"
summary = "Note"

[values.status]
"New" = "open"
"Working" = "pending"
"Done" = "resolved"
"Closed" = "closed"

[values.priority]
"1 - Critical" = "P0"
"2 - High" = "P1"
"3 - Low" = "P3"

[values.source]
"Phone" = "user_report"
"Web" = "user_report"
"Staff" = "internal"

[values.market]
"Unspecified" = ""
"""


T = dt.datetime


def org_table() -> pa.Table:
    """40 good rows of several markets and shapes, then the planted bad ones."""
    rows = []
    states, prios, channels = ["New", "Working", "Done", "Closed"], ["1 - Critical", "2 - High", "3 - Low"], \
        ["Phone", "Web", "Staff", "?"]
    markets = ["KZ", " US-NY ", "Region 9", "Unspecified", "de"]
    for i in range(40):
        opened = T(2025, 3, 1 + i % 20, (i * 7) % 24, i % 60)
        rows.append({
            "Ticket": f"T{i:03d}",
            "Opened": opened.strftime("%Y-%m-%d %H:%M:%S") if i % 5 else opened.strftime("%Y-%m-%d"),
            "Changed": opened + dt.timedelta(hours=30),
            "First Reply": (opened + dt.timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M:%S+05:00")
            if i % 3 == 0 else None,
            "Closed": opened + dt.timedelta(hours=20) if i % 4 else None,
            "Closed (old)": opened + dt.timedelta(hours=25) if i % 8 == 0 else None,
            "State": states[i % 4], "Country": markets[i % 5], "Topic": ["spam", "fraud"][i % 2],
            "Channel": channels[i % 4], "Prio": prios[i % 3], "Team": f"Team {i % 3}",
            "Reopens": str(i % 3), "SLA ok": ["yes", "no", "ok", "?"][i % 4],
            "Note": f"case {i}", "Internal": "x"})
    base = dict(rows[1])
    bad = [
        {"Ticket": None},                                        # required
        {"Ticket": "   "},                                       # required (blank)
        {"Ticket": "B02", "Opened": "31/02/2025 10:00"},         # parse
        {"Ticket": "B03", "Opened": None},                        # required
        {"Ticket": "B04", "Opened": "2031-01-01 00:00"},         # future
        {"Ticket": "B05", "Opened": "1985-05-01 10:00"},         # before 1990
        {"Ticket": "B06", "Closed": T(2025, 1, 1)},              # resolved before created
        {"Ticket": "B07", "State": "-100"},                      # not a status after the map
        {"Ticket": "B08", "Reopens": "x"},                       # not a whole number
        {"Ticket": "B09", "SLA ok": "maybe", "Prio": "9 - Odd"},  # two problems in one row
        {"Ticket": "T005", "Changed": T(2025, 3, 10), "Note": "older version"},   # superseded
        {"Ticket": "T007", "Changed": T(2025, 6, 1), "Note": "newer version"},    # wins
    ]
    rows += [{**base, **b} for b in bad]
    schema = pa.schema([("Ticket", pa.string()), ("Opened", pa.string()), ("Changed", pa.timestamp("us")),
                        ("First Reply", pa.string()), ("Closed", pa.timestamp("us")),
                        ("Closed (old)", pa.timestamp("us")), ("State", pa.string()),
                        ("Country", pa.string()), ("Topic", pa.string()), ("Channel", pa.string()),
                        ("Prio", pa.string()), ("Team", pa.string()), ("Reopens", pa.string()),
                        ("SLA ok", pa.string()), ("Note", pa.string()), ("Internal", pa.string())])
    return pa.Table.from_pylist(rows, schema=schema)
