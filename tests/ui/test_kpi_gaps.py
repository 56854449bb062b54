"""Two exports years apart on the KPIs page (issue 16 point 3): the weekly KPI line breaks over
the years no export covers, instead of a straight line drawn across them (the ServiceNow cut is
of 2016, the NYC 311 cut of 2024-2025)."""
from __future__ import annotations

import base64
import json

import numpy as np

from analytics import ingest
from app_fixture import start
from samples import MAPPING, NYC, SERVICENOW


def values(encoded) -> np.ndarray:
    """A trace's numbers: Plotly sends numpy arrays as base64 typed arrays."""
    if isinstance(encoded, dict):
        return np.frombuffer(base64.b64decode(encoded["bdata"]), dtype=encoded["dtype"]).astype(float)
    return np.array([np.nan if v is None else v for v in encoded], dtype=float)


def test_the_weekly_kpi_line_breaks_between_exports_years_apart(tmp_path, monkeypatch):
    path = tmp_path / "both.duckdb"
    for name, export in (("servicenow", SERVICENOW), ("nyc311", NYC)):
        ingest.ingest_file(export["cut"], mapping=MAPPING[name], db_path=path)
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(path))
    at = start(page="ui/pages/kpis.py")
    whole = at.session_state["filters"]
    at.date_input(key="filter_dates").set_value((whole.first_date, whole.last_date)).run()
    chart = next(c for c in at.get("plotly_chart") if "tickformatstops" in
                 json.loads(c.proto.spec)["layout"].get("xaxis", {}))
    line = json.loads(chart.proto.spec)["data"][0]
    ys = values(line["y"])
    years = {str(x)[:4] for x, y in zip(line["x"], ys) if not np.isnan(y)}
    assert "2016" in years and ("2024" in years or "2025" in years), years
    assert np.isnan(ys).any(), "a straight line across the years between the exports"

