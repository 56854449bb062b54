"""Defaults from the data in view (#16 point 3), with known answers, on real DuckDB files filled
by the real ingest and the real app (AppTest):

- after a load the date window holds none of, the window moves to it; a daily load leaves it;
- Markets opens on the largest market within the filters, not the largest of all time;
- days no export covers are a gap on the charts, not zeros;
- a comparison with an empty or partial previous period says "no earlier data".

Export A: KZ, one case a day 2016-01-01 to 2016-02-29 and two a day in March 2016 (122 cases).
Export B: UZ, one case a day 2025-01-01 to 2025-02-28 (59). Export C: UZ, 2025-03-01 (a daily load).
"""
from __future__ import annotations

import base64
import json
import shutil

import pandas as pd
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from analytics import settings
from analytics.ingest import ingest_file

APP = str(settings.ROOT / "app.py")
HEADER = "case_id,created_at,market,abuse_category,source,priority,status\n"


def export(path, market: str, days: dict[str, int]) -> object:
    """A canonical export: for each (first..last) span, that many cases a day at 10:00 UTC."""
    lines = []
    for span, per_day in days.items():
        first, last = span.split("..")
        for day in pd.date_range(first, last):
            lines += [f"{market}-{day:%Y%m%d}-{n},{day:%Y-%m-%d} 10:00:00,{market},scam,"
                      "user_report,P2,open" for n in range(per_day)]
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def two_exports(tmp_path_factory):
    """A database holding exports A and B (years apart), and the file of export C."""
    folder = tmp_path_factory.mktemp("defaults")
    path = folder / "radar.duckdb"
    ingest_file(export(folder / "a.csv", "KZ", {"2016-01-01..2016-02-29": 1,
                                                "2016-03-01..2016-03-31": 2}), db_path=path)
    ingest_file(export(folder / "b.csv", "UZ", {"2025-01-01..2025-02-28": 1}), db_path=path)
    export(folder / "c.csv", "UZ", {"2025-03-01..2025-03-01": 1})
    return path


def start(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update(query or {})
    at.run(timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    return at


def window(at: AppTest) -> tuple[str, str]:
    return tuple(d.isoformat() for d in at.date_input(key="filter_dates").value)


def tile(at: AppTest, label: str):
    return next(m for m in at.metric if m.label == label)


def test_the_window_moves_to_a_load_it_holds_none_of_and_a_daily_load_leaves_it(
        two_exports, tmp_path, monkeypatch):
    path = tmp_path / "radar.duckdb"
    folder = two_exports.parent
    ingest_file(folder / "a.csv", db_path=path)
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(path))
    at = start()
    assert window(at) == ("2016-01-02", "2016-03-31")        # the last 90 days of export A
    ingest_file(folder / "b.csv", db_path=path)               # e.g. the CLI, while the page is open
    at.run()
    assert window(at) == ("2025-01-01", "2025-02-28")        # moved to B, not before its start
    assert tile(at, "Cases").value == "59"
    ingest_file(folder / "c.csv", db_path=path)               # the next day's export
    at.run()
    assert window(at) == ("2025-01-01", "2025-02-28")        # no jump


def test_markets_opens_on_the_largest_market_within_the_filters(two_exports, monkeypatch):
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(two_exports))
    at = start()
    at.switch_page("ui/pages/markets.py").run()
    assert not at.exception
    assert at.selectbox(key="market_focus").value == "UZ"     # KZ is larger, but not in view
    assert at.selectbox(key="market_focus").options == ["UZ", "KZ"]
    assert tile(at, "Cases").value == "59"
    at = start({"from": "2016-03-01", "to": "2016-03-31"})
    at.switch_page("ui/pages/markets.py").run()
    assert at.selectbox(key="market_focus").value == "KZ"


def _plain(value):
    """A Plotly typed array ({"dtype", "bdata"}) as a list; anything else as it is."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return value


def _figure(at: AppTest, n: int = 0) -> dict:
    """The n-th Plotly figure on the page, its traces' x and y as plain lists."""
    figure = json.loads(at.get("plotly_chart")[n].proto.spec)
    for trace in figure["data"]:
        trace.update({k: _plain(trace[k]) for k in ("x", "y") if k in trace})
    return figure


def test_days_no_export_covers_are_a_gap_not_zeros(two_exports, monkeypatch):
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(two_exports))
    at = start({"from": "2016-03-01", "to": "2025-01-31"})
    volume = _figure(at, 0)
    spans = sorted((min(t["x"])[:10], max(t["x"])[:10]) for t in volume["data"] if t.get("x"))
    assert spans == [("2016-03-01", "2016-03-31"), ("2025-01-01", "2025-01-31")]
    for trace in volume["data"]:                  # every drawn day holds its real count
        assert min(trace["y"]) >= 1
    notes = [a.get("text") for a in volume["layout"].get("annotations", [])]
    assert "no data loaded" in notes
    backlog = _figure(at, 1)["data"][0]
    gap = [y for x, y in zip(backlog["x"], backlog["y"]) if "2017" <= x[:4] <= "2024"]
    assert gap and all(y is None for y in gap)    # unknown, not a count


@pytest.mark.parametrize("dates, delta", [
    (("2016-03-01", "2016-03-31"), "+31 (+100%)"),       # Jan 30 - Feb 29: wholly covered
    (("2016-02-01", "2016-03-31"), "no earlier data"),   # Dec 3 - Jan 31: partly before A
    (("2025-01-01", "2025-02-28"), "no earlier data"),   # Nov 3 - Dec 31, 2024: nothing loaded
])
def test_a_comparison_with_an_empty_or_partial_period_says_no_earlier_data(
        two_exports, monkeypatch, dates, delta):
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(two_exports))
    at = start({"from": dates[0], "to": dates[1]})
    assert tile(at, "Cases").delta == delta
    assert "%" not in tile(at, "Open backlog").delta or delta != "no earlier data"


@pytest.mark.parametrize("dates, change", [
    (("2016-03-01", "2016-03-31"), "+31 (+100%)"),
    (("2025-01-01", "2025-02-28"), "no earlier data"),
])
def test_a_snapshot_compares_only_with_a_covered_period(two_exports, dates, change):
    from analytics import db, freshness
    from analytics.snapshots import pages as snapshot_pages
    from analytics.snapshots.model import Request

    start, end = (pd.Timestamp(d).date() for d in dates)
    with db.reader(two_exports) as con:
        fresh = freshness.first_row(db.query_df(con, "marts/data_freshness"))
        section = snapshot_pages.kpi_section(con, Request("overview", start, end), start, end,
                                             fresh, 10)
    assert section.table.set_index("KPI").loc["Cases", "change"] == change
