"""One date format everywhere (issue 16 point 11): every date input and every time axis of the
pages reads 2026-03-02 (with 14:00 for hours), never 2026/03/02 or 'Mar 2, 2026'."""
from __future__ import annotations

import json

from app_fixture import PAGES, start


def test_date_inputs_and_time_axes_say_dates_one_way(app_db):
    at = start()
    axes = 0
    for page in PAGES + ["ui/pages/trends.py", "ui/pages/spikes.py"]:
        at.switch_page(page).run()
        assert not at.exception, page
        for picker in at.date_input:
            assert picker.proto.format == "YYYY-MM-DD", (page, picker.label)
        for chart in at.get("plotly_chart"):
            layout = json.loads(chart.proto.spec)["layout"]
            axis = layout.get("xaxis", {})
            if axis.get("type") == "date" or "tickformatstops" in axis:
                axes += 1
                assert axis["hoverformat"].startswith("%Y-%m-%d"), (page, layout.get("title"))
    assert axes >= 4   # Overview's volume and backlog, Markets', KPIs' trend at least


def test_ticks_one_day_apart_are_dates_without_a_time():
    """A short export's daily chart has ticks one day apart; Plotly takes the first tickformat
    stop whose range holds the step (ends included), so the hour stop must end below a day.
    Before: the 20k-case lake's Overview read '2025-10-20 00:00' under every tick."""
    from ui import charts

    def format_at(step: int) -> str:
        for stop in charts.date_axis()["tickformatstops"]:
            low, high = stop["dtickrange"]
            if (low is None or step >= low) and (high is None or step <= high):
                return stop["value"]
        raise AssertionError(step)

    assert format_at(charts.DAY_MS) == "%Y-%m-%d"
    assert format_at(7 * charts.DAY_MS) == "%Y-%m-%d"
    assert format_at(6 * 3_600_000) == "%Y-%m-%d %H:%M"
