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
