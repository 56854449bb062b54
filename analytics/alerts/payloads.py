"""The digest as webhook bodies: Slack (Block Kit), Microsoft Teams (an Adaptive Card for a
Workflows webhook: the old Office 365 connector webhooks are retired) or generic JSON.

A digest is split into as many messages as the target takes (`messages`): Slack allows 50 blocks
a message (a header + 49 alerts), a Teams card about 28 KB, and a generic body is kept to 100
alerts; every message is also kept under its byte budget. Each message has an idempotency key
(the same for the same alerts in the same format, across retries and runs) and each alert an
`id` (Slack: the section's block_id; Teams: the TextBlock's id), so a receiver can drop a copy.

Text from the data is escaped for each target: Slack's mrkdwn treats <, > and & as markup,
and an Adaptive Card's TextBlock renders a subset of Markdown (emphasis, links, lists).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

FORMATS = ("slack", "teams", "generic")
# (alerts, bytes of JSON) per message: Slack's 50 blocks less the header; Teams' ~28 KB card
# limit with room for the envelope; generic receivers are unknown, so a modest size.
LIMITS = {"slack": (49, 36_000), "teams": (20, 24_000), "generic": (100, 240_000)}
_MARKDOWN = re.compile(r"([\\`*_\[\]~])")  # what TextBlock markdown would act on


def _line(item: dict) -> str:
    severity = f"{item['severity']} severity · " if item.get("severity") else ""
    return (f"{severity}{item['observed']} {item.get('unit', 'cases')} vs {item['expected']} "
            f"expected, since {item['since']}"
            + (f"; drivers: {'; '.join(item['drivers'])}" if item["drivers"] else ""))


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _teams_escape(text: str) -> str:
    return _MARKDOWN.sub(r"\\\1", text)


def item_id(item: dict) -> str:
    """A short stable id of one alert (its alert_key hashed: fits Slack's block_id)."""
    return "er-" + hashlib.sha256(item["alert_key"].encode("utf-8")).hexdigest()[:20]


def message_key(items: list[dict], fmt: str) -> str:
    """The Idempotency-Key of the message carrying `items` in `fmt`: a retry of the same
    message, in this run or the next, has the same key."""
    ids = "\n".join(sorted(item_id(i) for i in items))
    return hashlib.sha256(f"{fmt}\n{ids}".encode("utf-8")).hexdigest()[:32]


def headline(items: list[dict], part: tuple[int, int] = (1, 1)) -> str:
    spikes = sum(i["kind"] == "spike" for i in items)
    text = f"Escalation Radar: {spikes} new spike(s), {len(items) - spikes} emerging trend(s)"
    return text + (f" (part {part[0]} of {part[1]})" if part[1] > 1 else "")


def slack(items: list[dict], part: tuple[int, int] = (1, 1)) -> dict:
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": headline(items, part)}}]
    for item in items:
        text = f"*{_slack_escape(item['title'])}*\n{_slack_escape(_line(item))}"
        blocks.append({"type": "section", "block_id": item_id(item),
                       "text": {"type": "mrkdwn", "text": text},
                       "accessory": {"type": "button", "url": item["link"],
                                     "text": {"type": "plain_text", "text": "Open"}}})
    return {"text": headline(items, part), "blocks": blocks}


def teams(items: list[dict], part: tuple[int, int] = (1, 1)) -> dict:
    body = [{"type": "TextBlock", "text": _teams_escape(headline(items, part)), "weight": "Bolder",
             "size": "Medium", "wrap": True}]
    for item in items:
        body += [{"type": "TextBlock", "id": item_id(item), "text": _teams_escape(item["title"]),
                  "weight": "Bolder", "wrap": True, "spacing": "Medium"},
                 {"type": "TextBlock", "text": _teams_escape(_line(item)), "wrap": True,
                  "spacing": "None"},
                 {"type": "ActionSet", "actions": [{"type": "Action.OpenUrl", "title": "Open",
                                                    "url": item["link"]}]}]
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard", "version": "1.4", "body": body}
    return {"type": "message", "attachments": [{
        "contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None,
        "content": card}]}


def generic(items: list[dict], part: tuple[int, int] = (1, 1)) -> dict:
    return {"source": "escalation-radar", "text": headline(items, part),
            "idempotency_key": message_key(items, "generic"), "part": list(part),
            "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "items": [{"id": item_id(item)} | {k: v for k, v in item.items() if k != "segment_key"}
                      for item in items]}


def payload(items: list[dict], fmt: str, part: tuple[int, int] = (1, 1)) -> dict:
    """One message of `items` (no splitting: see `messages`)."""
    if fmt not in FORMATS:
        raise ValueError(f"payload must be one of {FORMATS}, not {fmt!r}")
    return {"slack": slack, "teams": teams, "generic": generic}[fmt](items, part)


def _size(items: list[dict], fmt: str) -> int:
    return len(json.dumps(payload(items, fmt, (99, 99)), ensure_ascii=False).encode("utf-8"))


def split(items: list[dict], fmt: str) -> list[list[dict]]:
    """`items` in order, cut into runs that each fit one message of `fmt` (count and bytes);
    an alert too large on its own still goes, alone (the receiver's answer then says so)."""
    most, budget = LIMITS[fmt]
    chunks: list[list[dict]] = []
    for item in items:
        last = chunks[-1] if chunks else None
        if last is not None and len(last) < most and _size(last + [item], fmt) <= budget:
            last.append(item)
        else:
            chunks.append([item])
    return chunks


def messages(items: list[dict], fmt: str) -> list[tuple[list[dict], dict, str]]:
    """(its alerts, body, idempotency key) of every message the digest of `items` needs."""
    chunks = split(items, fmt)
    return [(chunk, payload(chunk, fmt, (n, len(chunks))), message_key(chunk, fmt))
            for n, chunk in enumerate(chunks, 1)]
