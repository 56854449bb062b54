"""Results stored beside the database once per data version (detections and heavy marts), so
that no app process recomputes them. `python -m analytics precompute` fills them."""
from analytics.exports import exports

__getattr__, __dir__, __all__ = exports(__name__, {
    "load_or_compute": "cache", "mart": "marts", "warm": "precompute",
})
