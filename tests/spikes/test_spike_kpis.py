"""Rate and duration KPIs as spike series: SLA breach rate (breaches out of resolved cases) and
median first response, on seeded frames in the spike_kpi_daily mart's shape with incidents
planted at known days."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd

from analytics.spikes import cli as spike_cli
from analytics.spikes import kpi_series as spike_kpis
from kpi_export import plant

DAYS = pd.date_range("2026-01-05", periods=120, freq="D")
MARKETS = ["KZ", "UZ", "KG", "TJ"]


def breach_frame(seed: int = 3, rate: float = 0.05, cases: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for market in MARKETS:
        n = rng.poisson(cases, len(DAYS))
        b = rng.binomial(n, rng.beta(rate * 400, (1 - rate) * 400, len(DAYS)))
        rows += [{"metric": "sla_breach_rate", "bucket": d, "market": market,
                  "abuse_category": None, "source": None, "cases": c, "breaches": k,
                  "value": k / c} for d, c, k in zip(DAYS, n, b)]
    return pd.DataFrame(rows)


def response_frame(seed: int = 4, median_s: float = 3600.0, cases: int = 80) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for market in MARKETS:
        values = median_s * np.exp(rng.normal(0, 0.12, len(DAYS)))
        rows += [{"metric": "first_response_median_s", "bucket": d, "market": market,
                  "abuse_category": None, "source": None, "cases": cases, "breaches": None,
                  "value": v} for d, v in zip(DAYS, values)]
    return pd.DataFrame(rows)


def flagged(scored: pd.DataFrame) -> set[tuple[str, str, int]]:
    rows = scored[scored["is_anomaly"]]
    return {(m, k, DAYS.get_loc(b)) for m, k, b in zip(rows["metric"], rows["market"], rows["bucket"])}


def test_a_breach_surge_is_flagged_there_and_nowhere_else():
    frame = breach_frame()
    n = int(frame.loc[(frame["market"] == "UZ") & (frame["bucket"] == DAYS[80]), "cases"].iloc[0])
    dirty = plant(frame, "UZ", 80, breaches=int(0.2 * n), value=0.2)   # 4× the usual 5%
    scored = spike_kpis.detect_kpi_spikes(dirty)
    assert flagged(scored) == {("sla_breach_rate", "UZ", 80)}
    row = scored[scored["is_anomaly"]].iloc[0]
    assert 0.04 < row["expected"] < 0.06 and row["band_high"] < 0.2


def test_a_history_without_breaches_still_has_a_tail():
    frame = breach_frame(rate=0.0005)
    quiet = spike_kpis.detect_kpi_spikes(frame)
    assert not quiet["is_anomaly"].any()
    dirty = plant(frame, "KG", 90, breaches=30, value=0.15)
    assert flagged(spike_kpis.detect_kpi_spikes(dirty)) == {("sla_breach_rate", "KG", 90)}


def test_slow_first_responses_are_flagged_unless_few_cases_are_behind_them():
    frame = pd.concat([response_frame(), breach_frame()], ignore_index=True)
    dirty = plant(frame[frame["metric"] == "first_response_median_s"], "KZ", 70, value=3 * 3600.0)
    dirty = plant(dirty, "TJ", 75, value=4 * 3600.0, cases=3)           # 3 cases: no signal
    before = dirty.copy()
    scored = spike_kpis.detect_kpi_spikes(dirty)
    pd.testing.assert_frame_equal(dirty, before)                            # input unchanged
    assert scored[["metric", "bucket", "market", "value"]].equals(
        dirty[["metric", "bucket", "market", "value"]].reset_index(drop=True))   # aligned
    assert flagged(scored) == {("first_response_median_s", "KZ", 70)}
    events = spike_kpis.kpi_events(scored)
    assert len(events) == 1 and events["segment"][0] == {"market": "KZ"}
    assert events["observed"][0] == 3 * 3600.0 and 3000 < events["expected"][0] < 4300


def test_cli_lists_kpi_events_with_their_metric(demo_db, capsys):
    assert spike_cli.main(["--db", str(demo_db), "--format", "json",
                           "--metric", "sla_breach_rate"]) == 0
    events = json.loads(capsys.readouterr().out)
    assert all(e["metric"] == "sla_breach_rate" for e in events)
    assert spike_cli.main(["--db", str(demo_db), "--format", "json"]) == 0
    metrics = {e["metric"] for e in json.loads(capsys.readouterr().out)}
    assert metrics <= {"cases", *spike_kpis.METRICS}


def test_the_spike_chart_draws_a_kpi_series_in_its_own_unit():
    from ui import charts

    dirty = plant(response_frame(), "KZ", 70, value=3 * 3600.0)
    scored = spike_kpis.detect_kpi_spikes(dirty)
    event = spike_kpis.kpi_events(scored).iloc[0].to_dict()
    window = scored[scored["market"] == "KZ"].sort_values("bucket")
    fig = charts.band(window, event, None)
    observed = next(trace for trace in fig.data if trace.name == "observed")
    assert list(observed.y) == list(window["value"])
    assert fig.layout.yaxis.title.text == "Median first response (seconds)"
