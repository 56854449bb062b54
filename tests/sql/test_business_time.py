"""Business-time SLA clocks and durations (stg_business_intervals, stg_cases_business_time),
on hand-made GB cases whose answers are worked out below. GB: Europe/London, Mon-Fri
09:00-18:00 local (data/calendars.toml); 2025-03-30 clocks go forward (GMT -> BST, so local
09:00 is 08:00 UTC from Monday 31 March); 2025-04-18 is Good Friday, a public holiday."""
from __future__ import annotations

import pandas as pd
import pytest
from vendor_fixture import case, load

from analytics import calendars, db

H = 3600
CASES = [
    # Fri 17:00 GMT -> Mon 10:00 GMT: Fri 17-18 (1 h) + Mon 09-10 (1 h) = 2 h; weekend free.
    case("weekend", "2025-03-07 17:00", resolved_at="2025-03-10 10:00"),
    # Fri 17:00 GMT -> Mon 09:00 UTC = 10:00 BST: 1 h + Mon 09-10 BST (1 h) = 2 h. Treating
    # the opening as 09:00 UTC after the change would give 1 h.
    case("dst", "2025-03-28 17:00", resolved_at="2025-03-31 09:00"),
    # Thu 17:00 BST (16:00 UTC) -> Mon 10:30 BST (09:30 UTC): Thu 1 h + Good Friday 0 + weekend
    # 0 + Mon 1.5 h = 2.5 h.
    case("holiday", "2025-04-17 16:00", resolved_at="2025-04-21 09:30"),
    # Policy P1 = 24 business hours from Fri 17:00 GMT: Fri 1 h, Mon 9 h, Tue 9 h (19 h), then
    # 5 h on Wed 2 April: 09:00 BST + 5 h = 14:00 BST = 13:00 UTC. Resolved 12:59 UTC: met.
    case("policy_met", "2025-03-28 17:00", resolved_at="2025-04-02 12:59"),
    # Same clock, resolved 13:01 UTC: breached by two minutes.
    case("policy_late", "2025-03-28 17:00", resolved_at="2025-04-02 13:01"),
    # An exported due time is used as given, even in business time: due Sat 12:00, resolved
    # Mon 09:30 GMT: breached (business time would have said "not yet due").
    case("exported_due", "2025-03-07 17:00", resolved_at="2025-03-10 09:30",
         sla_due_at="2025-03-08 12:00"),
    # A flag is used as given: breached although the policy would say met.
    case("flag", "2025-03-07 17:00", resolved_at="2025-03-07 17:30", is_sla_met=False),
    # A label with no calendar: calendar time, 64 h, and the policy's 24 calendar hours.
    case("no_calendar", "2025-03-07 17:00", market="Location 7",
         resolved_at="2025-03-10 09:00"),
    # US-NY falls back to the US calendar (New York): Fri 16:00 EST (21:00 UTC) -> Mon 10:00
    # EDT (14:00 UTC; US clocks changed on 9 March): Fri 2 h + Mon 1 h = 3 h.
    case("subdivision", "2025-03-07 21:00", market="US-NY", resolved_at="2025-03-10 14:00"),
]


@pytest.fixture(scope="module")
def clock(tmp_path_factory):
    path = tmp_path_factory.mktemp("business") / "b.duckdb"
    load(path, CASES)
    with db.reader(path) as con:
        yield con.sql("select * from stg_cases_business_time").df().set_index("case_id")


@pytest.mark.parametrize("case_id, seconds", [
    ("weekend", 2 * H), ("dst", 2 * H), ("holiday", 2.5 * H), ("no_calendar", 64 * H),
    ("subdivision", 3 * H),
    # Fri 1 h + Mon 9 h + Tue 9 h + Wed 08:00-12:59 UTC (4 h 59 min) = 23 h 59 min
    ("policy_met", 23 * H + 59 * 60),
])
def test_resolution_in_business_time(clock, case_id, seconds):
    assert clock.loc[case_id, "resolution_business_s"] == seconds


def test_policy_due_time_counts_working_hours_across_the_dst_change(clock):
    assert clock.loc["policy_met", "sla_due_business_at"] == pd.Timestamp("2025-04-02 13:00")
    assert clock.loc["policy_met", "sla_due_effective_at"] == pd.Timestamp("2025-03-29 17:00")
    assert bool(clock.loc["policy_met", "is_sla_met_business"]) is True
    assert bool(clock.loc["policy_late", "is_sla_met_business"]) is False


def test_exported_due_times_and_flags_are_used_as_given(clock):
    assert clock.loc["exported_due", "sla_due_business_at"] == pd.Timestamp("2025-03-08 12:00")
    assert bool(clock.loc["exported_due", "is_sla_met_business"]) is False
    assert bool(clock.loc["flag", "is_sla_met_business"]) is False


def test_calendar_time_where_no_calendar_applies(clock):
    row = clock.loc["no_calendar"]
    assert not row["is_business_time"] and pd.isna(row["calendar_market"])
    assert row["sla_due_business_at"] == pd.Timestamp("2025-03-08 17:00")   # 24 calendar hours
    assert clock.loc["subdivision", "calendar_market"] == "US"


def test_the_materialised_clock_is_the_view_exactly(clock, tmp_path_factory):
    """The marts read case_business_time (built by the writer): it must hold every hand-checked
    figure above, so it must equal the view column for column."""
    path = next(tmp_path_factory.getbasetemp().glob("business*/b.duckdb"))
    with db.reader(path) as con:
        table = con.sql("select * from case_business_time").df().set_index("case_id")
    columns = [c for c in table.columns if c in clock.columns]
    assert len(columns) >= 20 and "is_sla_met_business" in columns
    pd.testing.assert_frame_equal(table.loc[clock.index, columns], clock[columns],
                                  check_dtype=False)


def test_business_intervals_follow_the_zone_and_skip_holidays(clock, tmp_path_factory):
    path = next(tmp_path_factory.getbasetemp().glob("business*/b.duckdb"))
    with db.reader(path) as con:
        days = con.sql("select local_date, start_at, length_s from stg_business_intervals "
                       "where market = 'GB' and local_date between '2025-03-27' and '2025-04-22'"
                       ).df()
    dates = set(days["local_date"].astype(str))
    assert "2025-04-18" not in dates and "2025-03-29" not in dates    # holiday, Saturday
    start = dict(zip(days["local_date"].astype(str), days["start_at"].astype(str)))
    assert start["2025-03-28"] == "2025-03-28 09:00:00"   # GMT
    assert start["2025-03-31"] == "2025-03-31 08:00:00"   # BST
    assert (days["length_s"] == 9 * H).all()


def test_calendars_toml_is_generated_with_working_hours():
    text = calendars.build_calendars_toml(years=[2025])
    assert 'working_hours = ["09:00", "18:00"]' in text
    assert 'working_days = ["Sun", "Mon", "Tue", "Wed", "Thu"]' in text    # SA, EG
    table = calendars.working_hours_table()
    assert set(table["weekday"][table["market"] == "GB"]) == {1, 2, 3, 4, 5}
    assert calendars.calendar_for("US-NY").working_hours == ("09:00", "18:00")
