"""The fixed world the demo data set is drawn from: markets, categories, sources, vendors, incidents.

Everything here is a plain table so the story is easy to read and change: which markets are
large, which categories are hard, which vendor degrades, which incidents are planted and when.
Incident days are counted back from the end of the data, so a fresh demo always has a recent
surge and a still-rising trend.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Share of all cases per market (normalised later). KZ is among the largest: it is the demo's story.
MARKET_WEIGHTS: dict[str, float] = {
    "KZ": 12, "US": 12, "IN": 10, "BR": 8, "ID": 6, "RU": 6, "TR": 5, "MX": 4, "GB": 4, "DE": 3.5,
    "PH": 3.5, "NG": 3, "UZ": 3, "FR": 3, "EG": 2.5, "VN": 2.5, "PL": 2, "ES": 2, "IT": 2,
    "SA": 2, "UA": 2, "CO": 1.5, "AR": 1.5, "TH": 1.5, "JP": 1.5, "KR": 1.2, "KE": 1.2,
    "ZA": 1.2, "AE": 1, "KG": 1, "AU": 1,
}
# Markets whose working week ends on Friday and Saturday.
FRIDAY_WEEKEND = frozenset({"SA", "EG"})


@dataclass(frozen=True)
class Category:
    name: str
    share: float        # share of cases, before per-market variation
    complexity: float   # multiplies handling work: hard categories take longer
    p0_share: float     # share of P0 among its cases
    queue: str


CATEGORIES: tuple[Category, ...] = (
    Category("spam", 0.18, 0.5, 0.005, "integrity"),
    Category("scam", 0.15, 1.0, 0.03, "fraud"),
    Category("phishing", 0.07, 0.9, 0.05, "fraud"),
    Category("impersonation", 0.06, 0.9, 0.02, "fraud"),
    Category("hate_speech", 0.08, 1.2, 0.04, "hate_harassment"),
    Category("harassment", 0.10, 1.0, 0.03, "hate_harassment"),
    Category("violent_extremism", 0.02, 2.0, 0.30, "dangerous_orgs"),
    Category("child_safety", 0.02, 3.0, 0.45, "child_safety"),
    Category("self_harm", 0.02, 1.5, 0.40, "wellbeing"),
    Category("adult_content", 0.07, 0.7, 0.01, "adult"),
    Category("misinformation", 0.05, 1.4, 0.04, "integrity"),
    Category("illegal_goods", 0.03, 1.2, 0.06, "regulated_goods"),
    Category("gambling", 0.03, 0.8, 0.01, "regulated_goods"),
    Category("ip_infringement", 0.04, 1.3, 0.005, "ip_privacy"),
    Category("privacy_violation", 0.03, 1.3, 0.08, "ip_privacy"),
    Category("counterfeit", 0.03, 1.0, 0.01, "fraud"),
    Category("graphic_violence", 0.02, 1.1, 0.08, "dangerous_orgs"),
)
CATEGORY_NAMES = tuple(c.name for c in CATEGORIES)

# Source mix; regulators lean to harmful-content areas, legal to IP and privacy.
SOURCE_WEIGHTS = {"user_report": 62, "internal": 14, "advertiser": 7, "business_partner": 7,
                  "regulator": 5, "legal": 5}
SOURCE_TILT = {"regulator": ("misinformation", "violent_extremism", "child_safety", "gambling",
                             "illegal_goods"),
               "legal": ("ip_infringement", "privacy_violation", "counterfeit", "impersonation")}
SOURCE_COMPLEXITY = {"regulator": 2.8, "legal": 3.2}   # others 1.0



def tilted_table(base: dict[str, float], tilt: dict[str, tuple[str, ...]], factor: float) -> np.ndarray:
    """Categories × options weights: `base`, times `factor` where `tilt` links option and category."""
    table = np.tile(np.array(list(base.values()), dtype=float), (len(CATEGORIES), 1))
    for j, option in enumerate(base):
        for name in tilt.get(option, ()):
            table[CATEGORY_NAMES.index(name), j] *= factor
    return table


def source_mix() -> np.ndarray:
    """Categories × sources probabilities (rows sum to 1), in SOURCE_WEIGHTS order."""
    table = tilted_table(SOURCE_WEIGHTS, SOURCE_TILT, 3.0)
    return table / table.sum(axis=1, keepdims=True)


SURFACES = ("feed_post", "comment", "direct_message", "profile", "marketplace_listing", "ad",
            "livestream", "group")


@dataclass(frozen=True)
class Vendor:
    name: str
    speed: float            # work-time multiplier within a stratum (1.0 = typical)
    qa_accuracy: float      # share of QA-sampled decisions judged correct, at the start
    drift: float = 0.0      # added to `speed` by the end of the year (degradation)
    qa_drift: float = 0.0   # added to `qa_accuracy` by the end of the year
    hard_share: float = 1.0  # weight of hard cases (P0, regulator, legal, child_safety) vs easy
    easy_share: float = 1.0
    exports_due_times: bool = True
    reviewers: int = 60
    story: str = ""          # "" | vendor_degradation | case_mix: what vendor_truth reports


VENDORS: tuple[Vendor, ...] = (
    Vendor("Aurora BPO", speed=0.85, qa_accuracy=0.95, hard_share=0.10, easy_share=0.32),
    # Degrades over the year: slower handling, falling QA accuracy.
    Vendor("Borealis Review", speed=1.0, qa_accuracy=0.94, drift=0.75, qa_drift=-0.12,
           hard_share=0.10, easy_share=0.28, story="vendor_degradation"),
    # Typical speed, but routed the hardest cases: looks slow until case mix is adjusted for.
    Vendor("Cobalt Ops", speed=1.0, qa_accuracy=0.93, hard_share=0.45, easy_share=0.10,
           story="case_mix"),
    Vendor("Delta Moderation", speed=1.15, qa_accuracy=0.89, hard_share=0.10, easy_share=0.25),
    # In-house team: exports carry no due times, so the SLA policy path is used for its cases.
    Vendor("In-house T&S", speed=0.95, qa_accuracy=0.96, hard_share=0.15, easy_share=0.05,
           exports_due_times=False, reviewers=30),
)


@dataclass(frozen=True)
class Incident:
    kind: str                 # one_day_spike | multi_day_surge | emerging_trend
    market: str
    category: str | None      # None: all categories of the market
    first_day: int            # days before the last day of the data (0 = last day)
    last_day: int
    magnitude: float          # peak multiple of the expected volume
    description: str
    source: str | None = None  # forces the source of the extra cases


INCIDENTS: tuple[Incident, ...] = (
    Incident("one_day_spike", "KZ", "scam", 41, 41, 6.0, "Coordinated fake-seller wave in KZ."),
    Incident("one_day_spike", "US", "spam", 120, 120, 4.0, "Bot network posts identical links."),
    Incident("one_day_spike", "IN", "harassment", 200, 200, 5.0, "Pile-on after a viral video."),
    Incident("one_day_spike", "BR", "misinformation", 300, 300, 6.0, "Doctored clip goes viral."),
    Incident("one_day_spike", "DE", "hate_speech", 75, 75, 7.0, "Raid on a news comment thread."),
    Incident("one_day_spike", "TR", None, 150, 150, 8.0, "Regulator sends a batch of requests.",
             source="regulator"),
    Incident("one_day_spike", "KZ", "hate_speech", 6, 6, 5.0, "Slurs after a football match."),
    Incident("multi_day_surge", "KZ", "phishing", 63, 57, 3.0, "Fake bank-login SMS campaign."),
    Incident("multi_day_surge", "US", "misinformation", 250, 238, 2.5, "Election-period claims."),
    Incident("multi_day_surge", "ID", "gambling", 180, 176, 5.0, "Casino ads during a tournament."),
    Incident("multi_day_surge", "IN", "child_safety", 100, 95, 4.0, "Grooming network reported."),
    Incident("multi_day_surge", "NG", "scam", 4, 0, 3.0, "Ongoing investment-scam surge."),
    Incident("emerging_trend", "KZ", "gambling", 150, 0, 3.0, "Unlicensed casinos on the rise."),
    Incident("emerging_trend", "BR", "impersonation", 120, 0, 2.2, "Fake brand-support pages."),
)
