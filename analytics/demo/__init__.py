"""The seeded demo data set: a fixed world of markets, categories and vendors, cases with their
lives and summaries, vendor reviews, and the planted incidents detection is scored against."""
from analytics.exports import exports

__getattr__, __dir__, __all__ = exports(__name__, {
    "generate": "load", "load_demo": "load", "ground_truth": "truth",
})
