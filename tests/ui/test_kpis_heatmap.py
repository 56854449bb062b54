"""The KPIs page's heatmap (#16 point 10) on the demo, whose newest week is cut on a Tuesday:
that week is drawn grey and the colour scale spans the complete weeks' cells only, so an
incomplete week's extreme median no longer makes every complete week the same colour."""
from __future__ import annotations

import base64
import json

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from analytics import settings

APP = str(settings.ROOT / "app.py")


def heatmap_of(at: AppTest) -> dict:
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith("kpi_heatmap")
                 or "kpi_heatmap" in c.proto.id)
    return json.loads(chart.proto.spec)


def array(value) -> np.ndarray:
    """A plotly JSON array: a list, or a typed array {dtype, bdata, shape}."""
    if not isinstance(value, dict):
        return np.array(value, dtype=float)
    flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).astype(float)
    return flat.reshape([int(n) for n in str(value.get("shape", len(flat))).split(",")])


def test_incomplete_week_is_grey_and_out_of_the_colour_scale(app_db):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"from": "2026-01-05", "to": "2026-03-31",
                            "kpi": "first_response_median_s", "by": "market"})
    at.run(timeout=90)
    at.switch_page("ui/pages/kpis.py").run(timeout=90)
    assert not at.exception, [e.value for e in at.exception]
    coloured, *rest = heatmap_of(at)["data"]
    weeks = pd.to_datetime(coloured["x"])
    z = array(coloured["z"])
    newest = weeks.max()
    assert newest == pd.Timestamp("2026-03-30")   # the demo ends on Tuesday 31 March
    assert np.isnan(z[:, list(weeks).index(newest)]).all()   # not coloured
    complete = z[~np.isnan(z)]
    assert coloured["zmin"] == complete.min() and coloured["zmax"] == complete.max()
    grey = next(t for t in rest if t.get("name") == "incomplete")
    grey_z = array(grey["z"])
    assert not np.isnan(grey_z[:, list(pd.to_datetime(grey["x"])).index(newest)]).all()
    assert np.isnan(np.delete(grey_z, list(pd.to_datetime(grey["x"])).index(newest), axis=1)
                    ).all()   # only the cut week is grey
    assert any("Grey: weeks cut by the dates or still arriving" in c.value for c in at.caption)


def test_trend_marks_only_spikes_of_its_own_scope_as_hover_points(app_db):
    """#16 point 11: the demo's RU volume spike (2025-11-18) is a marker on the RU-only case
    trend, with its details on hover; not on the all-markets trend; no rotated text."""
    def trend(query: dict) -> dict:
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params.update({"from": "2025-09-01", "to": "2026-03-31", "kpi": "cases"} | query)
        at.run(timeout=90)
        at.switch_page("ui/pages/kpis.py").run(timeout=90)
        assert not at.exception, [e.value for e in at.exception]
        chart = next(c for c in at.get("plotly_chart") if "kpi_trend" in c.proto.id)
        return json.loads(chart.proto.spec)

    ru = trend({"markets": "RU"})
    markers = [t for t in ru["data"] if t.get("name") == "spike"]
    assert len(markers) == 1 and markers[0]["x"] == ["2025-11-17T00:00:00"]   # its week
    assert "Cases unusually high: RU" in markers[0]["hovertext"][0]
    assert not any(a.get("textangle") == -90 for a in ru["layout"].get("annotations", []))
    everywhere = trend({})   # the RU spike is not a spike of all markets' volume
    assert not [t for t in everywhere["data"] if t.get("name") == "spike"]
    assert not any(str(a.get("text", "")).startswith("spike:")
                   for a in everywhere["layout"].get("annotations", []))


def test_category_rows_are_named_in_words(app_db):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"kpi": "cases", "by": "abuse_category"})
    at.run(timeout=90)
    at.switch_page("ui/pages/kpis.py").run(timeout=90)
    assert not at.exception, [e.value for e in at.exception]
    rows = heatmap_of(at)["data"][0]["y"]
    assert "Hate speech" in rows and not any("_" in str(r) for r in rows)
