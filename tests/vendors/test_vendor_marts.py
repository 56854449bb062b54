"""Every vendor KPI on a hand-made log, answers worked out by hand in the comments.

GB cases (Mon-Fri 09:00-18:00 GMT in March 2025, so local = UTC), vendor A, queue q1, P1
user_report (policy: 24 business hours). Week 1 = Mon 2025-03-03 .. Sun 03-09; a case and a
review on Wed 03-12 move the data's clock on, so week 1 is complete (complete through 03-11).
"""
from __future__ import annotations

import datetime as dt

import pytest
from vendor_fixture import case, load

from analytics import db

H = 3600
WEEK1 = dt.date(2025, 3, 3)


def review(review_id, vendor, claimed, decided, **more) -> dict:
    return dict(review_id=review_id, vendor=vendor, reviewer_id=f"{vendor}-1", queue="q1",
                market="GB", language="en", claimed_at=claimed, decided_at=decided) | more


REVIEWS = [
    review("r1", "A", "2025-03-04 10:00", "2025-03-04 10:01", is_qa_sampled=True,
           is_qa_correct=True, qa_score=80.0),                                      # 60 s
    review("r2", "A", "2025-03-05 10:00", "2025-03-05 10:02", is_qa_sampled=True,
           is_qa_correct=False, qa_score=60.0),                                     # 120 s
    review("r3", "A", "2025-03-06 10:00", "2025-03-06 10:05", is_qa_sampled=False),  # 300 s
    review("r4", "B", "2025-03-12 10:00", "2025-03-12 10:10"),                      # week 2
]
CASES = [
    # met (due Tue 10:00); first response 30 min; resolved in 2 business hours; reopened once
    case("c1", "2025-03-03 10:00", first_response_at="2025-03-03 10:30",
         resolved_at="2025-03-03 12:00", reopen_count=1),
    # due Mon 9 h + Tue 9 h + Wed 6 h = Wed 15:00; resolved Fri 17:00: breached, 44 business h
    # (Mon-Thu 4 x 9 h + Fri 8 h); first response 10 min; appeal overturned
    case("c2", "2025-03-03 09:00", first_response_at="2025-03-03 09:10",
         resolved_at="2025-03-07 17:00", is_appealed=True, appeal_outcome="overturned"),
    # met in 4 business hours; appeal upheld
    case("c3", "2025-03-04 09:00", resolved_at="2025-03-04 13:00", is_appealed=True,
         appeal_outcome="upheld"),
    # open at Fri 17:00: due Mon 11:00 = 1 h (Fri) + 2 h (Mon) business away: at risk
    case("c5", "2025-03-05 09:00", sla_due_at="2025-03-10 11:00", resolved_at="2025-03-10 10:30"),
    # open, due Mon 14:00 = 6 business hours away: not at risk
    case("c6", "2025-03-05 09:00", sla_due_at="2025-03-10 14:00"),
    # open, due Fri 16:00: breached at Fri 17:00; the oldest open case
    case("c7", "2025-03-03 09:00", sla_due_at="2025-03-07 16:00"),
    case("c4", "2025-03-12 10:00", vendor="B"),
]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = tmp_path_factory.mktemp("vendor") / "v.duckdb"
    load(path, CASES, REVIEWS)
    with db.reader(path) as connection:
        yield connection


def week1_of_a(con, *, queue: bool = False) -> dict:
    got = db.query_df(con, "marts/vendor_period_kpis", period="week", markets=None)
    rows = got[(got["vendor"] == "A") & (got["period_start"] == WEEK1)
               & (got["is_all_queues"] != queue)]
    assert len(rows) == 1
    return rows.iloc[0].to_dict()


def test_review_kpis(con):
    row = week1_of_a(con)
    assert row["is_complete_period"] and row["decisions"] == 3
    assert row["decisions_per_day"] == pytest.approx(3 / 7)
    assert row["handle_time_median_s"] == 120
    assert row["handle_time_p90_s"] == pytest.approx(120 + 0.8 * (300 - 120))  # 264
    assert (row["qa_sampled"], row["qa_correct"], row["qa_accuracy_pct"]) == (2, 1, 50.0)
    assert row["qa_score_mean"] == 70.0


def test_case_kpis_in_business_time(con):
    row = week1_of_a(con)
    assert (row["resolved_cases"], row["sla_met"], row["sla_breached"]) == (3, 2, 1)
    assert row["sla_attainment_pct"] == pytest.approx(200 / 3)
    assert row["resolution_median_s"] == 4 * H             # median of 2 h, 44 h, 4 h
    assert row["created_cases"] == 6                       # c1, c2, c3, c5, c6, c7
    assert row["first_response_median_s"] == 1200          # median of 1800 s, 600 s
    assert row["reopen_rate_pct"] == pytest.approx(100 / 3)
    assert (row["appeals_decided"], row["overturn_rate_pct"]) == (2, 50.0)
    assert week1_of_a(con, queue=True)["sla_met"] == 2     # one queue: the same figures


def test_week_two_is_incomplete_and_b_has_only_reviews_there(con):
    got = db.query_df(con, "marts/vendor_period_kpis", period="week", markets=None)
    b = got[(got["vendor"] == "B") & got["is_all_queues"]].iloc[0]
    assert not b["is_complete_period"] and b["decisions"] == 1
    assert b["decisions_per_day"] == 1 / 2                 # Mon 10 .. Tue 11, complete days


def test_backlog_as_of_with_business_time_at_risk(con):
    got = db.query_df(con, "marts/vendor_backlog_as_of", as_of=dt.datetime(2025, 3, 7, 17),
                      at_risk_hours=4.0, markets=None)
    a = got[got["vendor"] == "A"].set_index("age_bucket")
    assert a["open_cases"].to_dict() == {"1-3d": 2, "3-7d": 1}   # c5, c6 (2.3 d); c7 (4.3 d)
    assert a["open_breached"].sum() == 1 and a["at_risk"].sum() == 1
    assert a.loc["3-7d", "oldest_case_id"] == "c7"
    # calendar time would not call c5 at risk: Mon 11:00 is 66 hours away; 2 h horizon: none
    tight = db.query_df(con, "marts/vendor_backlog_as_of", as_of=dt.datetime(2025, 3, 7, 17),
                        at_risk_hours=2.0, markets=None)
    assert tight["at_risk"].sum() == 0


def test_reviewers_are_pseudonymous(con):
    got = db.query_df(con, "marts/vendor_reviewers", vendors=["A"], start_date=None,
                      end_date=None, markets=None)
    assert got["reviewer"].tolist()[0].startswith("rv-") and "A-1" not in got["reviewer"].tolist()
    assert (got["decisions"].iloc[0], got["handle_time_median_s"].iloc[0]) == (3, 120)


# --- case mix: two vendors, two cells (P0 hard, P3 easy), everything else the same ---------

MIX_REVIEWS = [  # handle times: A 600 (P0), 100 (P3); B 600, 600 (P0), 200 (P3)
    review("m1", "A", "2025-03-04 10:00", "2025-03-04 10:10", case_id="m1"),
    review("m2", "A", "2025-03-04 11:00", "2025-03-04 11:01:40", case_id="m2"),
    review("m3", "B", "2025-03-04 10:00", "2025-03-04 10:10", case_id="m3"),
    review("m4", "B", "2025-03-04 12:00", "2025-03-04 12:10", case_id="m4"),
    review("m5", "B", "2025-03-04 11:00", "2025-03-04 11:03:20", case_id="m5"),
]
MIX_CASES = [  # SLA flags: A met, met; B breached, met (P0), met (P3)
    case("m1", "2025-03-04 09:00", resolved_at="2025-03-04 10:10", priority="P0", is_sla_met=True),
    case("m2", "2025-03-04 09:00", resolved_at="2025-03-04 11:02", priority="P3", is_sla_met=True),
    case("m3", "2025-03-04 09:00", resolved_at="2025-03-04 10:10", priority="P0", vendor="B",
         is_sla_met=False),
    case("m4", "2025-03-04 09:00", resolved_at="2025-03-04 12:10", priority="P0", vendor="B",
         is_sla_met=True),
    case("m5", "2025-03-04 09:00", resolved_at="2025-03-04 11:04", priority="P3", vendor="B",
         is_sla_met=True),
]


def test_case_mix_adjustment(tmp_path):
    path = tmp_path / "mix.duckdb"
    load(path, MIX_CASES, MIX_REVIEWS)
    with db.reader(path) as con:
        got = db.query_df(con, "marts/vendor_mix_adjusted", period="month", markets=None)
    a, b = (got[got["vendor"] == v].iloc[0] for v in ("A", "B"))
    # cell means: P0 600 s, P3 (100 + 200) / 2 = 150 s
    # A: observed (600 + 100) / 2 = 350, expected (600 + 150) / 2 = 375 -> 93.33 %
    assert (a["handle_time_mean_s"], a["expected_handle_time_mean_s"]) == (350, 375)
    assert a["handle_time_vs_expected_pct"] == pytest.approx(100 * 350 / 375)
    # B: observed 1400 / 3 = 466.7 (slower than A raw), expected 1350 / 3 = 450 -> 103.7 %
    assert b["handle_time_vs_expected_pct"] == pytest.approx(100 * 1400 / 1350)
    # SLA cells: P0 2/3, P3 1. A: 100 % observed, expected (2/3 + 1) / 2 -> 120 %
    assert a["sla_attainment_vs_expected_pct"] == pytest.approx(100 / (5 / 6))
    # B: 2/3 observed, expected (2/3 + 2/3 + 1) / 3 = 7/9 -> 85.7 %
    assert b["sla_attainment_vs_expected_pct"] == pytest.approx(100 * (2 / 3) / (7 / 9))


# --- open as of a moment: the marts find open cases with filters pushed into the scan --------

def backlog_of(con, as_of) -> dict:
    got = db.query_df(con, "marts/vendor_backlog_as_of", as_of=as_of, at_risk_hours=4.0,
                      markets=None)
    return got.groupby("vendor")["open_cases"].sum().to_dict()


def test_backlog_a_case_resolved_at_as_of_is_closed_a_second_before_open(con):
    # c5 was resolved Mon 03-10 10:30: closed at that moment, open one second before
    assert backlog_of(con, dt.datetime(2025, 3, 10, 10, 30)) == {"A": 2}            # c6, c7
    assert backlog_of(con, dt.datetime(2025, 3, 10, 10, 29, 59)) == {"A": 3}        # and c5


def test_backlog_without_as_of_is_at_the_newest_event(con):
    # newest event: c4 created Wed 03-12 10:00 (B), open at that very moment; A: c6, c7
    got = db.query_df(con, "marts/vendor_backlog_as_of", as_of=None, at_risk_hours=None,
                      markets=None)
    assert set(got["as_of_at"]) == {dt.datetime(2025, 3, 12, 10)}
    assert got.groupby("vendor")["open_cases"].sum().to_dict() == {"A": 2, "B": 1}
    assert got.groupby("vendor")["open_breached"].sum().to_dict() == {"A": 2, "B": 0}


def test_backlog_a_resolved_status_without_resolved_at_is_closed_at_creation(tmp_path):
    path = tmp_path / "closed.duckdb"
    load(path, [case("z1", "2025-03-03 09:00", status="resolved"),      # no resolved_at
                case("z2", "2025-03-03 09:00"), case("z3", "2025-03-04 09:00",
                                                       resolved_at="2025-03-06 09:00")])
    with db.reader(path) as connection:
        assert backlog_of(connection, dt.datetime(2025, 3, 5)) == {"A": 2}          # z2, z3
        assert backlog_of(connection, None) == {"A": 1}                             # z2
