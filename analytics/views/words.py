"""Data values as people say them: a code-like value written in snake_case (`hate_speech`,
`user_report`) is shown in words; every other value (market codes, words, names, any script) is
shown as it was exported. The stored value never changes: filters, URLs and exports keep it."""
from __future__ import annotations

import re

SNAKE = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")


def human(value) -> str:
    """The value in words.

    >>> [human(v) for v in ("hate_speech", "user_report", "KZ", "scam", "Animal in a Park",
    ...                     "STATEN ISLAND", "rule_34b", "_private", None)]
    ['hate speech', 'user report', 'KZ', 'scam', 'Animal in a Park', 'STATEN ISLAND', 'rule 34b', '_private', 'None']
    """
    text = str(value)
    return text.replace("_", " ") if SNAKE.fullmatch(text) else text


ACRONYMS = {"sla": "SLA", "Sla": "SLA", "qa": "QA", "Qa": "QA", "url": "URL", "Url": "URL"}


def heading(name) -> str:
    """A column's or a dimension's name as a heading; a timestamp column (`..._at`, stored in
    UTC) says so, beside the market-local `created_date` of the same case.

    >>> heading("abuse_category"), heading("case_id"), heading("market"), heading("created_at")
    ('Abuse category', 'Case id', 'Market', 'Created at (UTC)')
    >>> heading("sla_due_effective_at"), heading("is_sla_breached"), heading("qa_correct")
    ('SLA due effective at (UTC)', 'Is SLA breached', 'QA correct')
    """
    text = " ".join(ACRONYMS.get(w, w) for w in human(name).capitalize().split(" "))
    return f"{text} (UTC)" if str(name).endswith("_at") else text
