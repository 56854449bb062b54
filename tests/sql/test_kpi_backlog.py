"""The open backlog of sql/marts/kpi_summary.sql (open_backlog, open_breached, as_of_at): a stock
as of one moment, read in two disjoint scans (cases not closed, cases closed after as_of).

A hand-built log whose answers are worked out by hand covers the edges: a case closed exactly at
as_of (not open), one closed a second later (open), one created exactly at as_of (open), one
created after it (not open), a closed status without resolved_at (closed at creation), a due
time equal to as_of (not breached), as_of null (the newest created_at or resolved_at), and a
market filter. A generated log checks the mart against the definition written in pandas.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from marts_fixture import ALL, generated_log, load_log

from analytics import db

AS_OF = dt.datetime(2025, 3, 10, 12, 0)
NO_REVIEWS = pd.DataFrame({"review_id": [], "decided_at": []})

# case_id, market, created_at, resolved_at, status, sla_due_at, what the case is there to test
EDGES = [
    ("b01", "GB", "03-01 10:00:00", "", "open", "03-05 00:00:00", "open, breached"),
    ("b02", "GB", "03-09 10:00:00", "", "pending", "03-12 10:00:00", "open, due later"),
    ("b03", "GB", "03-02 10:00:00", "03-10 12:00:00", "resolved", "03-04 00:00:00",
     "closed exactly at as_of"),
    ("b04", "GB", "03-02 10:00:00", "03-10 12:00:01", "resolved", "03-04 00:00:00",
     "closed a second after as_of"),
    ("b05", "GB", "03-11 09:00:00", "", "open", "03-11 10:00:00", "created after as_of"),
    ("b06", "GB", "03-10 12:00:00", "", "open", "03-10 12:00:00", "created and due at as_of"),
    ("b07", "GB", "03-03 10:00:00", "", "closed", "03-04 00:00:00", "closed, no resolved_at"),
    ("b08", "GB", "03-01 10:00:00", "03-05 10:00:00", "resolved", "03-02 00:00:00",
     "closed before as_of"),
    ("b09", "GB", "03-10 11:00:00", "03-12 08:00:00", "resolved", "03-10 11:30:00",
     "open and breached at as_of; the newest event"),
    ("b10", "KZ", "03-01 10:00:00", "", "open", "03-02 00:00:00", "another market"),
]


@pytest.fixture(scope="module")
def edges(tmp_path_factory):
    cases = pd.DataFrame(EDGES, columns=["case_id", "market", "created_at", "resolved_at",
                                         "status", "sla_due_at", "note"]).drop(columns="note")
    for column in ("created_at", "resolved_at", "sla_due_at"):   # all in March 2025
        cases[column] = ("2025-" + cases[column]).where(cases[column] != "", "")
    cases = cases.assign(source="user_report", priority="P1", abuse_category="scam")
    path = tmp_path_factory.mktemp("backlog") / "backlog.duckdb"
    load_log(path, cases, NO_REVIEWS)
    with db.reader(path) as con:
        yield con


def backlog(con, as_of, markets=None) -> tuple:
    row = db.query_df(con, "marts/kpi_summary", **ALL | dict(markets=markets), as_of=as_of)
    assert len(row) == 1
    return tuple(row.iloc[0][["open_backlog", "open_breached"]]), row.iloc[0]["as_of_at"]


@pytest.mark.parametrize(("as_of", "markets", "want"), [
    # b01 b02 b04 b06 b09 and KZ's b10; breached b01 b04 b09 b10 (b06's due time is as_of)
    (AS_OF, None, (6, 4)),
    (AS_OF, ["GB"], (5, 3)),
    (AS_OF, ["KZ"], (1, 1)),
    # b03 closed at 12:00:00 is open (and breached) a second before; b06 is not created yet
    (AS_OF - dt.timedelta(seconds=1), ["GB"], (5, 4)),
    (dt.datetime(2025, 2, 1), None, (0, 0)),   # before every case
    # as_of null = b09's resolved_at 2025-03-12 08:00, which closes it: b01 b02 b05 b06 b10 open,
    # b02 (due 10:00) not breached
    (None, None, (5, 4)),
    (None, ["GB"], (4, 3)),
])
def test_open_backlog_and_breached_as_of_a_moment(edges, as_of, markets, want):
    got, as_of_at = backlog(edges, as_of, markets)
    assert got == want
    assert as_of_at == pd.Timestamp(as_of or "2025-03-12 08:00:00")


def test_the_date_range_does_not_apply_to_the_backlog(edges):
    period = dict(start_date=dt.date(2030, 1, 1), end_date=dt.date(2030, 1, 31))
    row = db.query_df(edges, "marts/kpi_summary", **ALL | period, as_of=AS_OF).iloc[0]
    assert (row["cases"], row["open_backlog"], row["open_breached"]) == (0, 6, 4)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    cases, reviews = generated_log(np.random.default_rng(7), n_cases=3000, n_reviews=10)
    path = tmp_path_factory.mktemp("backlog_generated") / "generated.duckdb"
    load_log(path, cases, reviews)
    with db.reader(path) as con:
        yield con


def expected_backlog(con, as_of, markets) -> tuple:
    """The definition in pandas, from stg_cases: created by as_of and not closed by then
    (closed = resolved_at, or created_at for a resolved or closed status without it)."""
    cases = con.sql("select market, status, created_at, resolved_at, sla_due_effective_at "
                    "from stg_cases").df()
    as_of = pd.Timestamp(as_of) if as_of is not None else max(cases["created_at"].max(),
                                                             cases["resolved_at"].max())
    is_resolved = cases["status"].isin(["resolved", "closed"]) | cases["resolved_at"].notna()
    closed_at = cases["resolved_at"].fillna(cases["created_at"]).where(is_resolved)
    is_open = (cases["created_at"] <= as_of) & ~(closed_at <= as_of)
    if markets is not None:
        is_open &= cases["market"].isin(markets)
    return int(is_open.sum()), int((is_open & (cases["sla_due_effective_at"] < as_of)).sum())


@pytest.mark.parametrize("as_of", [None, dt.datetime(2025, 1, 5, 6), dt.datetime(2025, 1, 20),
                                   dt.datetime(2025, 2, 15), dt.datetime(2024, 12, 1)])
@pytest.mark.parametrize("markets", [None, ["KZ", "Online"]])
def test_open_backlog_matches_its_definition_on_a_generated_log(generated, as_of, markets):
    got, _ = backlog(generated, as_of, markets)
    want = expected_backlog(generated, as_of, markets)
    assert got == want
    assert want[0] > 0 or as_of == dt.datetime(2024, 12, 1)
