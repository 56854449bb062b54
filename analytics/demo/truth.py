"""What was planted in the demo data, as records detection can be scored against.

`ground_truth` lists volume incidents (one_day_spike, multi_day_surge, emerging_trend) and the
spreading wording (emerging_term), each with kind, segment, start, end (market-local ISO dates,
inclusive), magnitude and description. `vendor_truth` describes the vendor story (degradation,
case mix) in the same shape, kept apart so that volume scorers never count it as a miss.
"""
from __future__ import annotations

import pandas as pd

from analytics.demo.phrases import PLANTED_CATEGORIES, PLANTED_MARKET, PLANTED_TERMS
from analytics.demo.volume import anchor_day, incident_days, local_days
from analytics.demo.world import INCIDENTS, VENDORS


def incident_truth(start: pd.Timestamp, end: pd.Timestamp) -> list[dict]:
    days = local_days(start, end)
    anchor, out = anchor_day(days, end), []
    for incident in INCIDENTS:
        first, last = incident_days(incident, anchor, len(days))
        segment = {"market": incident.market}
        segment |= {"abuse_category": incident.category} if incident.category else {}
        segment |= {"source": incident.source} if incident.source else {}
        out.append({"kind": incident.kind, "segment": segment,
                    "start": days[first].date().isoformat(),
                    "end": min(days[last], end.floor("D")).date().isoformat(),
                    "magnitude": incident.magnitude,
                    "description": incident.description + _magnitude_note(incident.kind)})
    return out


def _magnitude_note(kind: str) -> str:
    if kind == "emerging_trend":
        return " Magnitude = multiple of the expected volume reached at the end (linear ramp)."
    return " Magnitude = multiple of the expected daily volume of the segment."


def term_truth(end: pd.Timestamp) -> list[dict]:
    out = []
    for term in PLANTED_TERMS:
        languages = sorted(term.texts)
        segment = {"market": PLANTED_MARKET} | ({"language": languages[0]} if len(languages) == 1 else {})
        out.append({
            "kind": "emerging_term", "segment": segment, "term": term.term,
            "start": (end - pd.Timedelta(days=term.first_day)).date().isoformat(),
            "end": end.date().isoformat(), "magnitude": term.peak_share,
            "description": f"'{term.term}' spreads through {PLANTED_MARKET} "
                           f"{' and '.join(PLANTED_CATEGORIES)} summaries ({', '.join(languages)}). "
                           "Magnitude = share of those summaries carrying it at the end."})
    return out


def ground_truth(start: pd.Timestamp, end: pd.Timestamp) -> list[dict]:
    return incident_truth(start, end) + term_truth(end)


def vendor_truth(start: pd.Timestamp, end: pd.Timestamp) -> list[dict]:
    """The degrading vendors and the vendor that is routed the hardest cases."""
    out = []
    for vendor in VENDORS:
        if vendor.story == "vendor_degradation":
            out.append({"kind": "vendor_degradation", "segment": {"vendor": vendor.name},
                        "start": start.date().isoformat(), "end": end.date().isoformat(),
                        "magnitude": round((vendor.speed + vendor.drift) / vendor.speed, 3),
                        "description": f"Work time rises ×{(vendor.speed + vendor.drift) / vendor.speed:.2f} "
                                       f"and QA accuracy moves {vendor.qa_accuracy:.2f} → "
                                       f"{vendor.qa_accuracy + vendor.qa_drift:.2f} over the year."})
        if vendor.story == "case_mix":
            out.append({"kind": "case_mix", "segment": {"vendor": vendor.name},
                        "start": start.date().isoformat(), "end": end.date().isoformat(),
                        "magnitude": 1.0,
                        "description": "Gets most P0, regulator, legal and child_safety cases; "
                                       "as fast as a typical vendor once case mix is adjusted for."})
    return out
