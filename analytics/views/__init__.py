"""Pure pandas shaping for the Streamlit pages, by subject: the last step from a mart's or a
detector's rows to what one widget shows, kept out of the pages so that it is unit-tested
without Streamlit (tests/views/test_views.py). The marts in sql/marts/ do the heavy lifting.

- `periods`: the default window, the period before, the last whole week.
- `kpi`: filter choices, top-N with "Other", daily series, segments, heatmaps (Overview,
  Markets, KPIs).
- `spikes`: the Spikes page's inbox, event names, one event's stretch of series, its drivers.
- `trends`: the Trends page's table and its period comparison.
- `ingests`: the Data page's ingest history and rejected-row download name.
- `downloads`: CSV and Excel with formula-like text neutralised.

Whether an event lies inside the filters is analytics/filtering.py; freshness and the data's
now are analytics/freshness.py.
"""
from analytics.views.downloads import FORMULA_START, csv_bytes, neutralise_formulas, xlsx_bytes
from analytics.views.kpi import (
    OTHER,
    UNKNOWN,
    daily_backlog,
    daily_series,
    export_start_note,
    filter_options,
    formatted,
    formatted_with_n,
    has_values,
    heatmap_pivot,
    is_blank,
    market_choices,
    segment_values,
    segments,
    sla_labels,
    split_series,
    top_n,
    vendor_scorecard,
    weekly_overall,
    weekly_vendor_quality,
    window_note,
)
from analytics.views.periods import default_window, last_complete_week, previous_window

__all__ = ["FORMULA_START", "OTHER", "UNKNOWN", "csv_bytes", "daily_backlog", "daily_series",
           "default_window", "export_start_note", "filter_options", "formatted",
           "formatted_with_n", "has_values", "heatmap_pivot", "is_blank", "last_complete_week",
           "market_choices", "neutralise_formulas", "previous_window", "segment_values",
           "segments", "sla_labels", "split_series", "top_n", "vendor_scorecard",
           "weekly_overall", "weekly_vendor_quality", "window_note", "xlsx_bytes"]
