"""Reference tables in the database, rewritten from the config files under data/ by every writer.

SQL joins them (market zone and region, holidays, SLA policies) so that marts need no Python.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

import duckdb
import pandas as pd

from analytics import calendars, settings

SLA_POLICIES_PATH = settings.ROOT / "data" / "sla_policies.toml"
CONFIG_FILES = (calendars.CALENDARS_PATH, SLA_POLICIES_PATH)  # what the tables below are made of


def sla_policy_table(path: Path = SLA_POLICIES_PATH) -> pd.DataFrame:
    """SLA policies as rows of source, priority, first_response_hours, resolution_hours."""
    rows = tomllib.loads(Path(path).read_text(encoding="utf-8"))["policy"]
    return pd.DataFrame(rows, columns=["source", "priority", "first_response_hours", "resolution_hours"])


def sync_reference_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the markets, market_holidays, sla_policies and market_working_hours tables with the
    config files' content."""
    for table, frame in (("markets", calendars.market_table()),
                         ("market_holidays", calendars.holiday_table()),
                         ("sla_policies", sla_policy_table()),
                         ("market_working_hours", calendars.working_hours_table())):
        con.register("reference_frame", frame)
        con.execute(f"delete from {table}")  # table names come from the fixed tuple above
        con.execute(f"insert into {table} by name select * from reference_frame")
        con.unregister("reference_frame")
