"""Pages on the two real public exports (their cuts in tests/fixtures/samples), as a new user
sees them: no split by a column the export lacks, no empty brackets, no silent empty block, no
blank columns."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from analytics import ingest, settings
from samples import MAPPING, NYC_TRENDS, SERVICENOW

CUTS = {"servicenow": SERVICENOW["cut"], "nyc311": NYC_TRENDS["cut"]}


@pytest.fixture(scope="module", params=sorted(CUTS))
def sample(request, tmp_path_factory):
    path = tmp_path_factory.mktemp(request.param) / "radar.duckdb"
    ingest.ingest_file(CUTS[request.param], mapping=MAPPING[request.param], db_path=path)
    return request.param, path


def overview(path, monkeypatch, page: str = "overview", query: dict | None = None) -> AppTest:
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(path))
    at = AppTest.from_file(str(settings.ROOT / "app.py"), default_timeout=30)
    at.query_params.update(query or {})
    at.run(timeout=60)
    at.switch_page(f"ui/pages/{page}.py").run(timeout=60)
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_volume_split_opens_on_a_column_the_export_has(sample, monkeypatch):
    """Neither export maps a region: the chart opened split by region, one '(unknown)' band."""
    name, path = sample
    at = overview(path, monkeypatch)
    assert at.segmented_control(key="overview_split").value == "abuse_category", name
    at.segmented_control(key="overview_split").set_value("region").run()
    assert any("No case here has a region" in c.value for c in at.caption), name


def test_trend_lines_have_no_empty_brackets_and_no_trend_is_said(sample, monkeypatch):
    """NYC 311 has no language column: each trend line ended in '()'. ServiceNow has no trend
    in the default window: the block was a heading over nothing."""
    name, path = sample
    at = overview(path, monkeypatch)
    lines = [m.value for m in at.markdown if "more cases than expected" in m.value]
    assert not any("()" in line for line in lines), lines
    said = any("No segment is rising" in c.value for c in at.caption)
    assert bool(lines) != said, (name, lines)
    if name == "nyc311":
        assert lines


def test_the_cases_page_draws_no_blank_summary_column(sample, monkeypatch):
    """ServiceNow has no summaries: the top table had a wide empty Summary column under a
    caption promising 'their summary in full'; NYC's 311 descriptors are its summaries."""
    name, path = sample
    at = overview(path, monkeypatch, "cases")
    table = next(h.proto.body for h in at.get("html") if "case-examples" in h.proto.body)
    said = next(c.value for c in at.caption if c.value.startswith("The newest"))
    assert ("<th>Summary</th>" in table) == (name == "nyc311"), (name, said)
    assert ("no summary in the loaded data" in said) == (name == "servicenow"), said
    assert "<th>Language</th>" not in table and "Created at (UTC)" in table


def test_the_markets_page_shows_no_column_or_chart_of_values_the_export_lacks(sample, monkeypatch):
    """Neither export has a language, a first response or appeals: the Markets page drew a
    Languages chart of one '(unknown)' bar and a detail table with three columns of 'None'
    under a raw 'abuse_category' heading."""
    import json

    name, path = sample
    at = overview(path, monkeypatch, "markets")
    assert "No languages in the data." in [i.value for i in at.info], name
    table = next(d for d in at.dataframe if "abuse_category" in d.value.columns)
    assert "first_response_median_s" not in table.value.columns
    assert "appeal_rate_pct" not in table.value.columns
    assert {"cases", "sla_attainment_pct", "resolution_median_s"} <= set(table.value.columns)
    assert json.loads(table.proto.columns)["abuse_category"]["label"] == "Abuse category"


def test_the_kpi_line_dots_a_first_week_cut_by_the_exports_start(sample, monkeypatch):
    """NYC 311 starts on Wednesday 2025-01-01: its week of 2024-12-30 holds five days and read
    as SLA attainment 100 %, drawn solid though the heatmap below greys it; so was ServiceNow's
    first week in a window from 2016-03-01 (92 %, then 8 %)."""
    import json

    name, path = sample
    at = overview(path, monkeypatch, "kpis", {"from": "2016-03-01", "to": "2016-05-31"}
                  if name == "servicenow" else None)
    spec = json.loads(next(c for c in at.get("plotly_chart")
                           if "all selected cases" in c.proto.spec).proto.spec)
    lines = [t for t in spec["data"] if t.get("mode") == "lines"]
    solid = next(t for t in lines if "dash" not in t.get("line", {}))
    dotted = [t for t in lines if t.get("line", {}).get("dash") == "dot"]
    first = {"nyc311": "2024-12-30", "servicenow": "2016-02-29"}[name]
    assert not any(str(x).startswith(first) for x in solid["x"]), solid["x"][:2]
    assert any(str(x).startswith(first) for t in dotted for x in t["x"]), name
    assert "partial" in [a.get("text") for a in spec["layout"].get("annotations", [])], name


def test_the_overview_says_when_its_dates_hold_few_of_the_cases_loaded(sample, monkeypatch):
    """The full ServiceNow log's default 90 days hold 194 of its 24,918 cases (it tails off
    after 2016-06): the Overview showed 194 cases and a sparse chart with no word that the rest
    lies outside the dates. Here a two-week window on the cut; NYC's default holds all."""
    name, path = sample
    at = overview(path, monkeypatch, query={"from": "2017-02-01", "to": "2017-02-14"}
                  if name == "servicenow" else None)
    notes = [i.value for i in at.info if i.value.startswith("These dates hold")]
    assert bool(notes) == (name == "servicenow"), (name, notes)
    if notes:
        assert "widen the dates in the sidebar" in notes[0] and "created 2016-" in notes[0]


def test_the_ingest_history_is_headed_in_words(sample, monkeypatch):
    """The Data page's ingest history was headed ingest_id, started_at, rows_read, ..."""
    import json

    name, path = sample
    at = overview(path, monkeypatch, "data")
    table = next(d for d in at.dataframe if "rows_read" in d.value.columns)
    labels = {k: v.get("label") for k, v in json.loads(table.proto.columns).items()}
    assert labels["rows_read"] == "Rows read" and labels["started_at"] == "Started at (UTC)"
    assert not [c for c in table.value.columns if "_" in str(labels.get(c) or c)], labels


def test_kpi_bars_say_how_many_cases_each_rests_on_and_show_a_zero(sample, monkeypatch):
    """ServiceNow's locations: SLA attainment 100.0 % on one resolved case drew the longest bar
    with nothing to tell it from 41.9 % on 31; a 0 % bar drew neither bar nor text."""
    import json

    name, path = sample
    at = overview(path, monkeypatch, "kpis")
    spec = json.loads(next(c for c in at.get("plotly_chart")
                           if "whole period" in c.proto.spec).proto.spec)
    bars = spec["data"][0]
    assert all(" · n " in t for t in bars["text"]), bars["text"][:3]
    x = bars["x"]
    if isinstance(x, dict):   # plotly's typed array
        import base64

        import numpy as np
        x = np.frombuffer(base64.b64decode(x["bdata"]), dtype=x["dtype"]).tolist()
    short = [p for v, p in zip(x, bars["textposition"]) if v < max(x) / 3]
    assert all(p == "outside" for p in short), (name, short)


def test_the_snapshot_hint_names_a_market_of_the_loaded_data(sample, monkeypatch):
    """The empty Snapshots page suggested '--market KZ', the demo's market, on any data."""
    name, path = sample
    at = overview(path, monkeypatch, "snapshots")
    command = at.code[0].value
    assert "KZ" not in command and command.startswith("python -m analytics snapshot")
    assert {"servicenow": "--market 'Location ", "nyc311": "--market BROOKLYN"}[name] in command


def test_weekly_axes_tick_the_mondays_their_weeks_start_on(sample, monkeypatch):
    """The KPIs line and heatmap are titled 'Week starting (Monday ...)' but Plotly ticked
    Sundays: NYC's axis read 2025-01-12 under the week of 2025-01-13."""
    import datetime as dt
    import json

    name, path = sample
    at = overview(path, monkeypatch, "kpis")
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        axis = spec["layout"].get("xaxis", {})
        if "Week starting" in json.dumps(axis.get("title", "")):
            assert axis.get("tickmode") == "linear", (name, axis)
            assert dt.date.fromisoformat(axis["tick0"]).weekday() == 0, (name, axis["tick0"])


def test_the_backlog_chart_says_where_the_export_starts(sample, monkeypatch):
    """NYC 311's default window starts on the export's first day: its open backlog rose from 20
    to 100 over the first week, which read as work piling up; it is cases opened before the
    export being absent. ServiceNow's default window starts long after its first day."""
    import json

    name, path = sample
    at = overview(path, monkeypatch)
    said = [c.value for c in at.caption if c.value.startswith("The loaded data starts on")]
    spec = json.loads(next(c for c in at.get("plotly_chart")
                           if "Open backlog" in c.proto.spec).proto.spec)
    marked = "export starts" in [a.get("text") for a in spec["layout"].get("annotations", [])]
    assert bool(said) == marked == (name == "nyc311"), (name, said)


def test_open_spikes_count_an_sla_event_in_breaches_not_cases(sample, monkeypatch):
    """NYC 311: 'MANHATTAN × Animal in a Park · SLA breach rate — 11 cases, 0.3 expected'; the
    11 are SLA breaches (the Spikes page counts them so)."""
    name, path = sample
    at = overview(path, monkeypatch)
    labels = [link.proto.label for link in at.get("page_link") if "expected" in link.proto.label]
    sla = [label for label in labels if "SLA breach rate" in label]
    assert all(" breaches, " in label and " cases, " not in label for label in sla), sla
    assert bool(sla) == (name == "nyc311"), labels


def test_the_trends_link_opens_the_day_the_overview_judged(sample, monkeypatch):
    """ServiceNow from 2016-03-01 to 2016-05-31: the Overview judged trends as of 2016-05-31,
    its 'All trends' link opened the Trends page as of the data's last day, 2017-02-15."""
    name, path = sample
    at = overview(path, monkeypatch, query={"from": "2016-03-01", "to": "2016-05-31"}
                  if name == "servicenow" else None)
    day = next(h.value for h in at.subheader if h.value.startswith("Emerging trends as of"))[-10:]
    link = next(link for link in at.get("page_link") if link.proto.label.startswith("All trends"))
    assert f"as_of={day}" in str(link.proto), (name, day, str(link.proto))


def test_the_case_grid_hides_columns_empty_in_every_case_but_the_download_keeps_them(
        sample, monkeypatch):
    """The ServiceNow grid opened on Summary 'None', Language 'None', ... on every row: the
    export's unmapped columns. Shown: the filled ones; the CSV: all of them."""
    name, path = sample
    at = overview(path, monkeypatch, "cases")
    grid = next(d for d in at.dataframe if "case_id" in d.value.columns)
    order = list(grid.proto.column_order)
    empty = [c for c in grid.value.columns if grid.value[c].isna().all()]
    assert empty and not set(empty) & set(order), (name, empty, order)
    assert "case_id" in order and "market" in order
    assert any(c.value.endswith("the downloads keep every column.") for c in at.caption)


def test_the_trends_comparison_says_why_it_is_empty(sample, monkeypatch):
    """ServiceNow's export has no summary column: 'What changed' was two tables saying 'empty',
    with no reason. NYC 311's summaries still give the two tables."""
    name, path = sample
    at = overview(path, monkeypatch, page="trends")
    said = any("No wording to compare" in i.value for i in at.info)
    tables = [d for d in at.dataframe if d.value.columns[0] in ("Rising", "Falling")]
    if name == "servicenow":
        assert said and not tables, name
    else:
        assert not said and len(tables) == 2, name
