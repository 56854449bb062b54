"""Emerging trends: rising segments and new wording in kk/ru/en summaries, ranked together as of
any day, and what changed against previous weeks. `python -m analytics trends` is the CLI.
"""
from analytics.exports import exports

__getattr__, __dir__, __all__ = exports(__name__, {
    "detect_trends": "detect", "load_cases": "detect", "default_as_of": "detect",
    "select_trends": "detect", "TrendSettings": "settings", "compare_periods": "compare",
    "detect_segment_trends": "segments",
})
