"""The KPI registry and its helpers: entries well-formed, formatting and change direction right.

That every KPI's source column exists in its mart is checked in test_marts.py, which has the data.
"""
from __future__ import annotations

import doctest
import math

import pytest

from analytics import db, kpis

REQUIRED = ("cases", "sla_attainment_pct", "open_backlog", "open_breached", "first_response_median_s",
            "first_response_p90_s", "resolution_median_s", "resolution_p90_s", "appeal_rate_pct",
            "overturn_rate_pct", "throughput", "handle_time_median_s", "handle_time_p90_s",
            "qa_accuracy_pct", "qa_score_mean")


def test_doctests_pass():
    result = doctest.testmod(kpis)
    assert result.attempted > 0 and result.failed == 0


def test_registry_covers_the_required_kpis():
    assert set(REQUIRED) <= set(kpis.KPIS)


@pytest.mark.parametrize("name", sorted(kpis.KPIS))
def test_registry_entry_is_well_formed(name):
    kpi = kpis.KPIS[name]
    assert kpi.name == name
    assert kpi.unit in ("count", "pct", "seconds", "per_day", "score")
    assert kpi.cohort in ("created date", "resolved date", "as of", "decided date")
    assert kpi.aggregation in ("count", "median", "p90", "ratio", "mean")
    assert kpi.time_basis in ("calendar", "business")
    assert kpi.higher_is_better in (True, False, None)
    assert kpi.definition.endswith(".") and kpi.definition.count(". ") == 0  # one sentence
    assert (db.SQL_DIR / f"{kpi.mart}.sql").exists()
    assert kpi.name.endswith("_s") == (kpi.unit == "seconds")
    assert kpi.name.endswith("_pct") == (kpi.unit == "pct")


@pytest.mark.parametrize("name, value, text", [
    ("cases", 1234567, "1,234,567"),
    ("cases", 3.0, "3"),
    ("open_backlog", float("nan"), "—"),
    ("sla_attainment_pct", 100, "100.0%"),
    ("sla_attainment_pct", None, "—"),
    ("first_response_median_s", 59, "59 s"),
    ("first_response_median_s", 60, "1 min"),
    ("resolution_median_s", 3600, "1.0 h"),
    ("resolution_p90_s", 47.9 * 3600, "47.9 h"),
    ("resolution_p90_s", 48 * 3600, "2.0 d"),
    ("throughput", 1500, "1,500/day"),
    ("qa_score_mean", 88.88, "88.9"),
])
def test_format_value(name, value, text):
    assert kpis.format_value(name, value) == text


def test_change_handles_zero_and_missing_previous():
    assert kpis.change(80, 100) == (-20, -20.0)
    assert kpis.change(0, 0) == (0, None)
    assert kpis.change(1, float("nan")) == (None, None)
    delta, pct = kpis.change(1.5, 3.0)
    assert delta == 1.5 - 3.0 and math.isclose(pct, -50.0)


@pytest.mark.parametrize("name, delta, good", [
    ("sla_attainment_pct", -1, False),
    ("first_response_median_s", -60, True),
    ("qa_accuracy_pct", 0.5, True),
    ("open_breached", 3, False),
    ("cases", -5, None),
    ("throughput", None, None),
])
def test_change_is_good_follows_the_kpi_direction(name, delta, good):
    assert kpis.change_is_good(name, delta) is good
