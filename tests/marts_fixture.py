"""Load a case log as ingest would store it, run a mart, compare rows: shared by the mart,
cube, backlog and Spark tests (tests/sql/, tests/engines/)."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analytics import calendars, contract, db

ALL = dict(start_date=None, end_date=None, markets=None, categories=None, sources=None)
EVER = (dt.date(2000, 1, 1), dt.date(2100, 1, 1))
DEFAULT_PARAMS = {
    "daily_volume": ALL,
    "filter_values": {},
    "daily_volume_split": ALL | dict(split="region"),
    "kpi_summary": ALL | dict(as_of=None),
    "kpi_by_segment": ALL,
    "kpi_by_segment_week": ALL,
    "backlog_daily": ALL,
    "cases_drilldown": ALL | dict(search=None, vendors=None, limit=None),
    "trend_cases": dict(start_date=None, end_date=None, with_summary=True),
    "trend_summaries": dict(start_date=None, end_date=None),
    "data_freshness": {},
    "ingest_history": {},
    "rejected_rows": dict(ingest_id=None, limit=None),
    "spike_counts_daily": dict(end_date=None, market=None),
    "spike_counts_hourly": dict(end_date=None, market=None),
    "spike_kpi_daily": dict(end_date=None, market=None),
    "export_coverage": {},
    "spike_drivers": dict(market=None, category=None, source=None, start_date=EVER[0],
                          end_date=EVER[1], baseline_start=EVER[0], baseline_end=EVER[1],
                          cohort="cases"),
    "spike_examples": dict(market=None, category=None, source=None, start_date=EVER[0],
                           end_date=EVER[1], limit=10, cohort="cases"),
    "vendor_period_kpis": dict(period="week", markets=None),
    "vendor_mix_adjusted": dict(period="month", markets=None),
    "vendor_backlog_as_of": dict(as_of=None, at_risk_hours=None, markets=None),
    "vendor_reviewers": dict(vendors=None, start_date=None, end_date=None, markets=None),
}


# --- helpers: load a case log as ingest would store it, run a mart, compare rows -------------

def _typed(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """All canonical columns with contract types; '' and absent columns are missing."""
    types = {c.name: c.type for c in contract.TABLES[kind]}
    out = frame.reindex(columns=list(types)).replace("", None)
    for name, kind_ in types.items():
        if kind_ == "timestamp":
            out[name] = pd.to_datetime(out[name])
        elif kind_ == "bool":
            out[name] = out[name].map({"true": True, "false": False, True: True,
                                       False: False}).astype("boolean")
        elif kind_ in ("int", "float"):
            out[name] = pd.to_numeric(out[name])
    return out


def load_log(path, cases: pd.DataFrame, reviews: pd.DataFrame) -> None:
    """Write cases and reviews (plus two ingests and three rejected rows) through db.writer,
    deriving updated_at and the market-local dates the way ingest does."""
    cases, reviews = _typed(cases, "cases"), _typed(reviews, "reviews")
    cases["updated_at"] = cases[["created_at", "resolved_at"]].max(axis=1)
    cases["created_date"] = calendars.local_dates(cases["created_at"], cases["market"]).dt.date
    cases["resolved_date"] = calendars.local_dates(cases["resolved_at"], cases["market"]).dt.date
    reviews["decided_date"] = calendars.local_dates(reviews["decided_at"], reviews["market"]).dt.date
    with db.writer(path) as con:
        for table, frame in (("cases", cases), ("reviews", reviews)):
            con.register("frame", frame)
            con.execute(f"insert into {table} by name select * from frame")  # fixed table names
            con.unregister("frame")
        con.execute("""
            insert into ingests (ingest_id, kind, file_name, started_at, finished_at, status) values
                (1, 'cases', 'a.csv', '2025-01-10 02:59', '2025-01-10 03:00', 'ok'),
                (2, 'cases', 'b.csv', '2025-01-10 04:00', '2025-01-10 04:01', 'failed');
            insert into rejected_rows (ingest_id, file_name, row_number, reason) values
                (1, 'a.csv', 7, 'bad date'), (2, 'b.csv', 3, 'no id'), (2, 'b.csv', 9, 'no id');
        """)


def mart(con, name: str, **params) -> pd.DataFrame:
    """Run sql/marts/<name>.sql the way the app does (bound parameters, out through Arrow)."""
    assert set(params) == db.sql_parameters(f"marts/{name}"), name
    return con.sql(db.sql_text(f"marts/{name}"), params=params or None).to_arrow_table().to_pandas()


def _plain(value):
    if value is None or value == "" or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, (bool, np.bool_)) or value in ("true", "false"):
        return value in (True, "true")
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return round(float(value), 6)
    except (TypeError, ValueError):
        return value


def rows(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain dicts (numbers as rounded floats, times as text) so CSV and SQL compare."""
    return [{k: _plain(v) for k, v in r.items()} for r in frame.to_dict("records")]


def generated_log(rng: np.random.Generator, *, n_cases: int, n_reviews: int):
    """A random case log and review log in canonical columns, every column exercised."""
    created = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.uniform(0, 40 * 86400, n_cases), "s")
    status = rng.choice(["open", "pending", "resolved", "closed"], n_cases, p=[.2, .1, .6, .1])
    took = pd.to_timedelta(rng.exponential(86400, n_cases), "s")
    pick = lambda values, n=n_cases: rng.choice(np.array(values, dtype=object), n)  # noqa: E731
    cases = pd.DataFrame({
        "case_id": [f"g{i:05d}" for i in range(n_cases)], "created_at": created,
        "first_response_at": (created + took / 4).where(rng.random(n_cases) < .8),
        "resolved_at": (created + took).where(np.isin(status, ["resolved", "closed"])
                                               & (rng.random(n_cases) < .95)),
        "sla_due_at": (created + pd.Timedelta("1D")).where(rng.random(n_cases) < .2),
        "is_sla_met": pd.Series(rng.random(n_cases) < .7).where(rng.random(n_cases) < .2),
        "status": status, "market": pick(["KZ", "GB", "US", "Online"]),
        "language": pick(["kk", "ru", "en"]), "abuse_category": pick(["scam", "hate", "spam"]),
        "source": pick(list(contract.SOURCES)), "priority": pick(list(contract.PRIORITIES)),
        "queue": pick(["q1", "q2"]), "vendor": pick(["V1", "V2", None]),
        "is_appealed": rng.random(n_cases) < .2, "summary": pick(["scam ad", "threat", None]),
        "appeal_outcome": pick(list(contract.APPEAL_OUTCOMES) + [None]),
    })
    decided = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.uniform(0, 40 * 86400, n_reviews), "s")
    reviews = pd.DataFrame({
        "review_id": [f"r{i:05d}" for i in range(n_reviews)],
        "case_id": pick(cases["case_id"].tolist(), n_reviews), "vendor": pick(["V1", "V2"], n_reviews),
        "reviewer_id": pick(["a", "b", "c"], n_reviews), "queue": pick(["q1", "q2"], n_reviews),
        "market": pick(["KZ", "GB"], n_reviews), "decided_at": decided,
        "claimed_at": decided - pd.to_timedelta(rng.exponential(900, n_reviews), "s"),
        "is_qa_sampled": rng.random(n_reviews) < .3, "is_qa_correct": rng.random(n_reviews) < .9,
        "qa_score": rng.uniform(50, 100, n_reviews),
    })
    return cases, reviews
