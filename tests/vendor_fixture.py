"""A hand-made case and review log for the vendor tests, loaded through db.writer as ingest
stores it (market-local dates derived the same way). Every row's expected figures are worked
out by hand in the tests that use it; times are naive UTC."""
from __future__ import annotations

import pandas as pd

from analytics import calendars, contract, db


def frame(kind: str, rows: list[dict]) -> pd.DataFrame:
    """Rows in canonical columns with contract types; absent columns are missing."""
    types = {c.name: c.type for c in contract.TABLES[kind]}
    out = pd.DataFrame(rows).reindex(columns=list(types))
    for name, type_ in types.items():
        if type_ == "timestamp":
            out[name] = pd.to_datetime(out[name], format="ISO8601")
        elif type_ == "bool":
            out[name] = out[name].astype("boolean")
        elif type_ in ("int", "float"):
            out[name] = pd.to_numeric(out[name])
        else:
            out[name] = out[name].astype(object)
    return out


def load(path, cases: list[dict], reviews: list[dict] = ()) -> None:
    cases, reviews = frame("cases", cases), frame("reviews", list(reviews))
    cases["updated_at"] = cases[["created_at", "resolved_at"]].max(axis=1)
    cases["created_date"] = calendars.local_dates(cases["created_at"], cases["market"]).dt.date
    cases["resolved_date"] = calendars.local_dates(cases["resolved_at"], cases["market"]).dt.date
    reviews["decided_date"] = calendars.local_dates(reviews["decided_at"],
                                                    reviews["market"]).dt.date
    with db.writer(path) as con:
        for table, rows in (("cases", cases), ("reviews", reviews)):
            con.register("frame", rows)
            con.execute(f"insert into {table} by name select * from frame")  # fixed names
            con.unregister("frame")


def case(case_id, created_at, *, market="GB", resolved_at=None, vendor="A", **more) -> dict:
    """A case with defaults: GB, user_report P1 (policy: 24 hours), vendor A, queue q1."""
    return dict(case_id=case_id, created_at=created_at, resolved_at=resolved_at, market=market,
                vendor=vendor, source="user_report", priority="P1", queue="q1",
                abuse_category="scam", language="en",
                status="resolved" if resolved_at else "open") | more
