"""KPI series alert both ways (issue #15 points 7-8): a median first response or an SLA breach
rate that collapses is an event like a surge, labelled "down" with what to check (a stopped
clock, a broken export, rubber-stamped first replies), and it reaches the inbox, the alert
digest, the Spikes snapshot and the weekly review with its direction. Known answers: seeded
series in the spike_kpi_daily mart's shape with a drop and a rise planted on known days; a real
export ingested into a real DuckDB file whose breaches stop on one day."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from analytics import db, settings
from analytics.alerts import items
from analytics.ingest import ingest_file
from analytics.snapshots import build as snapshot
from analytics.spikes import continuous, kpi_series, triage
from kpi_export import plant, write_cases

DAYS = pd.date_range("2026-01-05", periods=100, freq="D")
MARKETS = ["KZ", "UZ", "KG"]


def response_frame(seed: int = 4) -> pd.DataFrame:
    """Median first response about an hour (day-to-day noise of 10 %), 80 cases a day."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame([{"metric": "first_response_median_s", "bucket": d, "market": market,
                          "abuse_category": None, "source": None, "cases": 80, "breaches": np.nan,
                          "value": 3600.0 * np.exp(rng.normal(0, 0.1))}
                         for market in MARKETS for d in DAYS])


def breach_frame(seed: int = 3) -> pd.DataFrame:
    """About 30 % of 100 cases a day breach their SLA."""
    rng = np.random.default_rng(seed)
    rows = []
    for market in MARKETS:
        breaches = rng.binomial(100, 0.3, len(DAYS))
        rows += [{"metric": "sla_breach_rate", "bucket": d, "market": market,
                  "abuse_category": None, "source": None, "cases": 100, "breaches": b,
                  "value": b / 100} for d, b in zip(DAYS, breaches)]
    return pd.DataFrame(rows)


def test_a_collapsed_median_first_response_is_an_event_labelled_down():
    """KZ's median first response falls to 5 minutes on day 70 (a clock or export fault, or
    first replies stamped by a macro) and UZ's triples on day 60: two events, one each way, and
    nothing else. Before, the KPI series alerted only up: the fall was no event."""
    frame = plant(plant(response_frame(), "KZ", 70, value=300.0), "UZ", 60, value=3 * 3600.0)
    events = kpi_series.kpi_events(kpi_series.detect_kpi_spikes(frame))
    found = {(e["market"], pd.Timestamp(e["start"]), e["direction"])
             for e in events.to_dict("records")}
    assert found == {("KZ", DAYS[70], "down"), ("UZ", DAYS[60], "up")}
    down = events[events["direction"] == "down"].iloc[0]
    assert down["observed"] == 300.0 and down["excess"] < 0
    assert down["headline"].startswith("KZ: median first response unusually fast (300 s vs ")
    assert "check the export's response times or first replies rubber-stamped" in down["headline"]
    up = events[events["direction"] == "up"].iloc[0]
    assert up["headline"].startswith("UZ: median first response slower (worse) (10,800 s vs ")


def test_a_breach_rate_that_stops_is_an_event_labelled_down():
    """KG's breaches stop on day 80 (30 expected of 100 cases: an SLA clock that no longer
    stops, or an export that lost its breaches): a "down" event of the breach rate. A quiet day
    with few breaches expected is not: a segment expecting < min_count (10) breaches stays
    silent when it has none."""
    frame = plant(breach_frame(), "KG", 80, breaches=0, value=0.0)
    events = kpi_series.kpi_events(kpi_series.detect_kpi_spikes(frame))
    assert [(e["market"], pd.Timestamp(e["start"]), e["direction"])
            for e in events.to_dict("records")] == [("KG", DAYS[80], "down")]
    assert events.iloc[0]["headline"].startswith(
        "KG: SLA breach rate unusually low (0 breaches vs ")
    assert "check that SLA clocks still stop" in events.iloc[0]["headline"]
    few = breach_frame(seed=5).assign(cases=20)
    few["breaches"] = np.random.default_rng(6).binomial(20, 0.3, len(few))   # 6 expected
    few = plant(few, "KG", 80, breaches=0)
    assert kpi_series.kpi_events(kpi_series.detect_kpi_spikes(few)).empty


def test_a_median_first_response_of_zero_is_a_fall_only_on_the_log_scale():
    """UZ's median first response reads 0 s on day 75 (a clock that stamps the first reply at
    creation): a "down" event. On the seconds it lies only mean ÷ sd ≈ 10 sd below the hour
    expected, short of alpha 1e-8 under the t tail of a spread learnt from ten weeks, so the
    detector both-sided on the seconds would not flag it; falls are scored on log1p seconds."""
    frame = plant(response_frame(), "UZ", 75, value=0.0)
    events = kpi_series.kpi_events(kpi_series.detect_kpi_spikes(frame))
    assert [(e["market"], pd.Timestamp(e["start"]), e["direction"])
            for e in events.to_dict("records")] == [("UZ", DAYS[75], "down")]
    uz = frame[frame["market"] == "UZ"]["value"].to_numpy()[None, :]
    seconds = continuous.score_continuous(uz, phases=DAYS.day_of_week.to_numpy(),
                                          settings=kpi_series.continuous_settings())
    assert not seconds["is_anomaly"][0, 75]


def test_scored_buckets_carry_the_side_of_their_flag():
    frame = plant(response_frame(), "KZ", 70, value=300.0)
    scored = kpi_series.detect_kpi_spikes(frame)
    assert scored.loc[scored["is_anomaly"], "side"].tolist() == [-1]
    assert not scored.loc[~scored["is_anomaly"], "side"].any()


def export(path, stop_day: int) -> str:
    """60 days of 30 cases, half of them resolved 2 hours after their 4-hour SLA, the same day
    (15 breaches a day), except on `stop_day`, when every case is on time."""
    return write_cases(path, lambda day, k: pd.Timedelta(hours=6 if k < 15 and day != stop_day
                                                         else 1), due_hours=4)


def test_a_low_kpi_event_reaches_alerts_snapshots_and_the_weekly_review_as_down(tmp_path):
    """Breaches stop for a day in a real export: the daily inbox list has a "down" breach-rate
    event, the alert digest titles it "SLA breaches unusually low" and says what to check, and
    the Spikes snapshot and the weekly review list it with direction "down"."""
    path = tmp_path / "radar.duckdb"
    stop = 50
    ingest_file(export(tmp_path / "cases.csv", stop), kind="cases", db_path=path)
    day = dt.date(2025, 1, 6) + dt.timedelta(days=stop)
    since, until = day - dt.timedelta(days=3), day + dt.timedelta(days=3)
    with db.reader(path) as con:
        events = triage.daily_events(con, since=since, until=until)
        digest = items.collect(con, since=since, until=until)
        spikes = snapshot.build(con, snapshot.Request("spikes", start=since, end=until))
        week = dt.date(2025, 1, 6) + dt.timedelta(days=7 * (stop // 7))   # its Monday
        review = snapshot.build(con, snapshot.Request("wbr", end=week + dt.timedelta(days=6)))
    low = events[(events["metric"] == "sla_breach_rate") & (events["direction"] == "down")]
    assert len(low) and pd.Timestamp(low.iloc[0]["start"]).date() == day
    titles = [i["title"] for i in digest]
    item = next(i for i in digest if i["title"].startswith("SLA breaches unusually low"))
    assert "SLA breaches up: KZ × scam × user_report" not in titles, titles
    assert any("check that SLA clocks still stop" in d for d in item["drivers"])
    assert item["segment_key"].startswith("segment:sla_breach_rate:down:")
    for built, name in ((spikes, "spike_events"), (review, "week_spikes")):
        table = next(s.table for s in built.sections if s.name == name)
        rows = table[table["metric"] == "sla_breach_rate"]
        assert "down" in set(rows["direction"]), (name, table)


def test_the_spikes_page_lists_a_low_kpi_event_with_its_label(tmp_path, monkeypatch):
    """The Spikes page (real app, AppTest) on the export above: its inbox lists the breach-rate
    fall with the headline that says it is unusually low and what to check."""
    path = tmp_path / "radar.duckdb"
    ingest_file(export(tmp_path / "cases.csv", 50), kind="cases", db_path=path)
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(path))
    at = AppTest.from_file(str(settings.ROOT / "app.py"), default_timeout=60)
    at.query_params.update({"from": "2025-02-20", "to": "2025-03-06"})
    at.run(timeout=90)
    at.switch_page("ui/pages/spikes.py").run(timeout=90)
    assert not at.exception, [e.value for e in at.exception]
    inbox = next(d.value for d in at.dataframe if d.key == "spike_inbox")
    low = inbox[inbox["event"].str.contains("SLA breach rate unusually low", regex=False)]
    assert len(low) == 1 and "check that SLA clocks still stop" in low.iloc[0]["event"]


def test_the_cli_says_which_way_in_json_and_csv(tmp_path, capsys):
    """`python -m analytics spikes` carries each event's direction as a field (scripts and
    alert rules read it, not the headline's words): the stopped breaches are "down"."""
    import json

    from analytics.spikes import cli
    path = tmp_path / "radar.duckdb"
    ingest_file(export(tmp_path / "cases.csv", 50), kind="cases", db_path=path)
    day = dt.date(2025, 1, 6) + dt.timedelta(days=50)
    window = ["--db", str(path), "--since", str(day - dt.timedelta(days=3)),
              "--until", str(day + dt.timedelta(days=3))]
    assert cli.main([*window, "--format", "json", "--metric", "sla_breach_rate"]) == 0
    events = json.loads(capsys.readouterr().out)
    assert [e["direction"] for e in events] == ["down"], events
    assert cli.main([*window, "--format", "csv", "--metric", "sla_breach_rate"]) == 0
    header, row = capsys.readouterr().out.splitlines()[:2]
    assert header.split(",")[:5] == ["event_id", "segment", "metric", "direction", "grain"]
    assert ",sla_breach_rate,down,day," in row


def test_a_kpi_level_does_not_carry_over_years_between_exports(tmp_path):
    """Two exports two years apart (#15 point 1: history edges are not data): the first breaches
    15 SLAs a day, the second 2. The second is judged on its own history after the gap, so its
    first days are no "SLA breach rate unusually low" event (before: 2 vs ~15 expected, down)."""
    path = tmp_path / "radar.duckdb"
    late = write_cases(tmp_path / "old.csv", lambda day, k: pd.Timedelta(hours=6 if k < 15 else 1),
                       due_hours=4, start="2023-01-02", prefix="O")
    calm = write_cases(tmp_path / "new.csv", lambda day, k: pd.Timedelta(hours=6 if k < 2 else 1),
                       due_hours=4)
    for source in (late, calm):
        ingest_file(source, kind="cases", db_path=path)
    with db.reader(path) as con:
        scored, events = triage.detect_kpis(con)
    assert (scored["bucket"] >= "2025-01-06").any()   # the second export is scored
    later = events[pd.to_datetime(events["start"]) >= "2025-01-01"]
    assert later.empty, later[["segment", "metric", "direction", "start", "observed", "expected"]]
