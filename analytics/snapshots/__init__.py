"""Frozen, shareable snapshots of a page: one offline HTML file with its CSVs and PNGs,
aggregated and small-cell protected. `make` is the one call; `Request` says what to snapshot."""
from analytics.exports import exports

__getattr__, __dir__, __all__ = exports(__name__, {
    "make": "build", "listing": "build", "Request": "model", "Snapshot": "model",
    "Section": "model", "PAGES": "model",
})
