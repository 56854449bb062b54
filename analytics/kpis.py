"""The KPI registry: what every number on the dashboard means, and how to show and compare it.

Each KPI names the mart column it comes from, its cohort (which date puts a case in a period),
its aggregation and its unit, in one sentence a chart can show under its title. Pages format
values with `format_value` and colour period-over-period changes with `change_is_good`; a test
runs every mart named here and checks the column exists.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class KPI:
    name: str
    label: str
    definition: str
    unit: str                      # count | pct | seconds | per_day | score
    higher_is_better: bool | None  # None: neither direction is good in itself (volume)
    source: str                    # "marts/<file>.<column>"
    cohort: str                    # created date | resolved date | as of | decided date
    aggregation: str               # count | median | p90 | ratio | mean
    time_basis: str = "calendar"   # calendar | business (business hours where a calendar applies)

    @property
    def mart(self) -> str:
        return self.source.rsplit(".", 1)[0]

    @property
    def column(self) -> str:
        return self.source.rsplit(".", 1)[1]


_RESOLVED = "cases whose clock stopped (resolved or closed) in the period, by market-local date"
_CREATED = "cases created in the period, by market-local date"
# the KPI marts' quantiles (sql/marts/kpi_by_segment.sql, docs/kpis.md)
_SKETCH = ("; exact (interpolated) when the period holds no whole Monday-Sunday week or a market, "
           "category or source filter is set, otherwise from a log-bucket sketch within 1% of the "
           "exact value")

KPIS: dict[str, KPI] = {k.name: k for k in (
    KPI("cases", "Cases", f"Count of {_CREATED}.",
        "count", None, "marts/kpi_summary.cases", "created date", "count"),
    KPI("resolved_cases", "Resolved cases", f"Count of {_RESOLVED}.",
        "count", True, "marts/kpi_summary.resolved_cases", "resolved date", "count"),
    KPI("sla_attainment_pct", "SLA attainment",
        f"Met / (met + breached) over {_RESOLVED}; the verdict is the exported SLA flag, "
        "else the exported due time, else the SLA policy for source and priority counted in "
        "calendar hours (round the clock; the Vendors page's SLA attainment (business time) counts "
        "working hours only, so the two can differ).",
        "pct", True, "marts/kpi_summary.sla_attainment_pct", "resolved date", "ratio"),
    KPI("open_backlog", "Open backlog",
        "Cases created on or before the as-of time and not yet resolved at it.",
        "count", False, "marts/kpi_summary.open_backlog", "as of", "count"),
    KPI("open_breached", "Open and breached",
        "Open cases at the as-of time whose SLA due time (policy hours counted in calendar "
        "time) has already passed.",
        "count", False, "marts/kpi_summary.open_breached", "as of", "count"),
    KPI("first_response_median_s", "First response (median)",
        f"Median calendar time from creation to first response over {_CREATED} that have one"
        f"{_SKETCH}.",
        "seconds", False, "marts/kpi_summary.first_response_median_s", "created date", "median"),
    KPI("first_response_p90_s", "First response (p90)",
        f"90th percentile of calendar time to first response over {_CREATED}{_SKETCH}.",
        "seconds", False, "marts/kpi_summary.first_response_p90_s", "created date", "p90"),
    KPI("resolution_median_s", "Resolution time (median)",
        f"Median calendar time from creation to resolution over {_RESOLVED}{_SKETCH}.",
        "seconds", False, "marts/kpi_summary.resolution_median_s", "resolved date", "median"),
    KPI("resolution_p90_s", "Resolution time (p90)",
        f"90th percentile of calendar time to resolution over {_RESOLVED}{_SKETCH}.",
        "seconds", False, "marts/kpi_summary.resolution_p90_s", "resolved date", "p90"),
    KPI("appeal_rate_pct", "Appeal rate",
        f"Appealed / resolved over {_RESOLVED}.",
        "pct", False, "marts/kpi_summary.appeal_rate_pct", "resolved date", "ratio"),
    KPI("overturn_rate_pct", "Overturn rate",
        f"Overturned / appeals with a decided outcome (upheld or overturned) over {_RESOLVED}.",
        "pct", False, "marts/kpi_summary.overturn_rate_pct", "resolved date", "ratio"),
    KPI("throughput", "Throughput",
        "Review decisions per market-local decision day (vendor review log).",
        "per_day", True, "marts/vendor_period_kpis.decisions_per_day", "decided date", "count"),
    KPI("handle_time_median_s", "Handle time (median)",
        "Median calendar time from claim to decision over reviews decided in the period.",
        "seconds", False, "marts/vendor_period_kpis.handle_time_median_s", "decided date", "median"),
    KPI("handle_time_p90_s", "Handle time (p90)",
        "90th percentile (interpolated) of claim-to-decision time over reviews decided in the period.",
        "seconds", False, "marts/vendor_period_kpis.handle_time_p90_s", "decided date", "p90"),
    KPI("qa_accuracy_pct", "QA accuracy",
        "Correct / QA-sampled over reviews decided in the period.",
        "pct", True, "marts/vendor_period_kpis.qa_accuracy_pct", "decided date", "ratio"),
    KPI("qa_score_mean", "QA score (mean)",
        "Mean QA score (0-100) over scored reviews decided in the period.",
        "score", True, "marts/vendor_period_kpis.qa_score_mean", "decided date", "mean"),
    # The Vendors page (docs/vendors.md): business time where the market has a working calendar.
    KPI("decisions_per_day", "Decisions per day",
        "Review decisions / days of the period, up to the last day complete in every market.",
        "per_day", None, "marts/vendor_period_kpis.decisions_per_day", "decided date", "mean"),
    KPI("vendor_sla_attainment_pct", "SLA attainment (business time)",
        f"Met / (met + breached) over {_RESOLVED}; exported flag, else exported due time, else "
        "the policy hours counted in business hours where the market has a calendar.",
        "pct", True, "marts/vendor_period_kpis.sla_attainment_pct", "resolved date", "ratio",
        "business"),
    KPI("vendor_first_response_median_s", "First response (median, business time)",
        f"Median time from creation to first response over {_CREATED}, in business hours "
        "where the market has a working calendar (calendar time otherwise).",
        "seconds", False, "marts/vendor_period_kpis.first_response_median_s", "created date",
        "median", "business"),
    KPI("vendor_resolution_median_s", "Resolution time (median, business time)",
        f"Median time from creation to resolution over {_RESOLVED}, in business hours where "
        "the market has a working calendar (calendar time otherwise).",
        "seconds", False, "marts/vendor_period_kpis.resolution_median_s", "resolved date",
        "median", "business"),
    KPI("reopen_rate_pct", "Reopen rate",
        f"Cases reopened at least once / resolved, over {_RESOLVED}.",
        "pct", False, "marts/vendor_period_kpis.reopen_rate_pct", "resolved date", "ratio"),
    KPI("vendor_overturn_rate_pct", "Appeal overturn rate",
        "Overturned / decided appeals (upheld or overturned) of the vendor's own decisions, "
        f"over {_RESOLVED}.",
        "pct", False, "marts/vendor_period_kpis.overturn_rate_pct", "resolved date", "ratio"),
    KPI("vendor_open_breached", "Open and breached (business time)",
        "The vendor's open cases at the as-of time whose SLA due time (business hours where a "
        "calendar applies) has passed.",
        "count", False, "marts/vendor_backlog_as_of.open_breached", "as of", "count", "business"),
    KPI("vendor_at_risk", "At risk (business time)",
        "The vendor's open cases at the as-of time, not yet breached, due within the at-risk "
        "horizon in business hours (data/vendor_targets.toml, default 4).",
        "count", False, "marts/vendor_backlog_as_of.at_risk", "as of", "count", "business"),
    KPI("handle_time_vs_expected_pct", "Handle time vs case mix",
        "Mean handle time / the mean all vendors take on the same mix of priority, category, "
        "source, market and language, in % (above 100 is slower than the mix explains).",
        "pct", False, "marts/vendor_mix_adjusted.handle_time_vs_expected_pct", "decided date",
        "ratio"),
    KPI("sla_attainment_vs_expected_pct", "SLA attainment vs case mix",
        "SLA attainment / the attainment all vendors reach on the same mix of priority, "
        "category, source, market and language, in % (below 100 misses more than the mix "
        "explains).",
        "pct", True, "marts/vendor_mix_adjusted.sla_attainment_vs_expected_pct", "resolved date",
        "ratio", "business"),
)}


def _missing(value) -> bool:
    return value is None or bool(pd.isna(value))  # None, NaN, NaT and pd.NA alike


def format_duration(seconds: float) -> str:
    """A duration the way people say it.

    >>> format_duration(42), format_duration(2700), format_duration(11520), format_duration(259200)
    ('42 s', '45 min', '3.2 h', '3.0 d')
    """
    if abs(seconds) < 60:
        return f"{seconds:.0f} s"
    if abs(seconds) < 3600:
        return f"{seconds / 60:.0f} min"
    if abs(seconds) < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def format_value(kpi_name: str, value) -> str:
    """A KPI value for display, in the KPI's unit; missing values are a dash.

    >>> format_value("sla_attainment_pct", 87.26), format_value("cases", 12345)
    ('87.3%', '12,345')
    >>> format_value("resolution_median_s", 11520), format_value("open_backlog", None)
    ('3.2 h', '—')
    >>> format_value("throughput", 12.5), format_value("qa_score_mean", 91.04)
    ('12.5/day', '91.0')
    """
    if _missing(value):
        return "—"
    unit = KPIS[kpi_name].unit
    if unit == "seconds":
        return format_duration(value)
    if unit == "pct":
        return f"{value:.1f}%"
    if unit == "score":
        return f"{value:.1f}"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text}/day" if unit == "per_day" else text


def change(current, previous) -> tuple[float | None, float | None]:
    """Period-over-period change: (absolute, percent of previous); None where undefined.

    >>> change(120, 100), change(5, 0), change(None, 3)
    ((20, 20.0), (5, None), (None, None))
    """
    if _missing(current) or _missing(previous):
        return None, None
    delta = current - previous
    return delta, (100.0 * delta / previous if previous else None)


def change_is_good(kpi_name: str, delta) -> bool | None:
    """Whether a change of `delta` is good news; None for no change or a neutral KPI.

    >>> change_is_good("sla_attainment_pct", 2.0), change_is_good("open_backlog", 10)
    (True, False)
    >>> change_is_good("cases", 10), change_is_good("open_backlog", 0)
    (None, None)
    """
    direction = KPIS[kpi_name].higher_is_better
    if _missing(delta) or delta == 0 or direction is None:
        return None
    return (delta > 0) == direction
