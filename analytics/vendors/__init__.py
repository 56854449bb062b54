"""Vendor programs against their targets: per-period KPIs, scorecards with red/amber/green,
what needs attention, reviewer spread. `python -m analytics vendors` is the CLI."""
from analytics.exports import exports

__getattr__, __dir__, __all__ = exports(__name__, {
    "build_report": "report", "VendorReport": "scorecard", "scorecard": "scorecard",
    "attention": "attention", "load_targets": "targets", "Targets": "targets",
})
