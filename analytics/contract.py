"""The data contract: canonical columns of `cases` and `reviews`, their types and allowed values.

docs/data-contract.md explains it for people; ingest validates against it; the demo writes it.
Types: `id` and `text` are strings, `timestamp` is stored as UTC, `bool`, `int`, `float`.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    type: str                       # id | text | category | timestamp | bool | int | float
    required: bool = False          # a row without it is quarantined
    allowed: tuple[str, ...] = ()   # for categories with a closed vocabulary; empty = open
    help: str = ""


STATUSES = ("open", "pending", "resolved", "closed")
SOURCES = ("user_report", "regulator", "legal", "advertiser", "business_partner", "internal")
PRIORITIES = ("P0", "P1", "P2", "P3")
APPEAL_OUTCOMES = ("upheld", "overturned", "pending")

CASE_COLUMNS: tuple[Column, ...] = (
    Column("case_id", "id", required=True, help="Unique id of the escalated case."),
    Column("created_at", "timestamp", required=True, help="When the case was opened."),
    Column("updated_at", "timestamp", help="Last change in the export; newer rows win."),
    Column("first_response_at", "timestamp", help="First response to the reporter."),
    Column("resolved_at", "timestamp", help="When the case was resolved."),
    Column("sla_due_at", "timestamp", help="Resolution due time, as exported."),
    Column("first_response_due_at", "timestamp", help="First-response due time, as exported."),
    Column("status", "category", allowed=STATUSES, help="Case state."),
    Column("market", "category", help="ISO 3166-1 alpha-2 (KZ), a subdivision (US-NY) or a label."),
    Column("language", "category", help="ISO 639-1 code of the case (kk, ru, en, ...)."),
    Column("abuse_category", "category", help="Policy area: scam, hate_speech, ..."),
    Column("source", "category", allowed=SOURCES, help="Who escalated the case."),
    Column("priority", "category", allowed=PRIORITIES, help="P0 (highest) to P3."),
    Column("queue", "category", help="Work queue."),
    Column("vendor", "category", help="Vendor program or in-house team that handled it."),
    Column("outcome", "category", help="actioned, no_violation, restricted, referred, ..."),
    Column("is_appealed", "bool", help="Whether the decision was appealed."),
    Column("appeal_outcome", "category", allowed=APPEAL_OUTCOMES, help="Result of the appeal."),
    Column("summary", "text", help="Free-text summary, any language."),
    Column("surface", "category", help="Product surface the content was on."),
    Column("reopen_count", "int", help="How often the case was reopened."),
    Column("is_sla_met", "bool", help="SLA flag for exports that carry only a flag."),
)

REVIEW_COLUMNS: tuple[Column, ...] = (
    Column("review_id", "id", required=True, help="Unique id of the review decision."),
    Column("case_id", "id", help="Case the review belongs to."),
    Column("vendor", "category", required=True, help="Vendor program that reviewed."),
    Column("reviewer_id", "id", help="Pseudonymous reviewer id."),
    Column("queue", "category", help="Work queue."),
    Column("market", "category", help="Market of the case."),
    Column("language", "category", help="Language of the case."),
    Column("claimed_at", "timestamp", help="When the reviewer claimed the item (latest claim)."),
    Column("decided_at", "timestamp", required=True, help="When the decision was made."),
    Column("decision", "category", help="The decision taken."),
    Column("is_qa_sampled", "bool", help="Whether QA sampled this decision."),
    Column("is_qa_correct", "bool", help="QA verdict, for sampled decisions."),
    Column("qa_score", "float", help="QA score, 0 to 100."),
)

TABLES = {"cases": CASE_COLUMNS, "reviews": REVIEW_COLUMNS}
KEYS = {"cases": "case_id", "reviews": "review_id"}
VERSION_COLUMN = {"cases": "updated_at", "reviews": "decided_at"}


def column_names(kind: str) -> list[str]:
    """Canonical column names of `cases` or `reviews`, in contract order."""
    return [c.name for c in TABLES[kind]]
