"""The digest as a webhook body: Slack (Block Kit), Microsoft Teams (an Adaptive Card for a
Workflows webhook: the old Office 365 connector webhooks are retired) or generic JSON.

Text from the data is escaped for each target: Slack's mrkdwn treats <, > and & as markup,
and an Adaptive Card's TextBlock renders a subset of Markdown (emphasis, links, lists).
"""
from __future__ import annotations

import datetime as dt
import re

FORMATS = ("slack", "teams", "generic")
_MARKDOWN = re.compile(r"([\\`*_\[\]~])")  # what TextBlock markdown would act on


def _line(item: dict) -> str:
    return (f"{item['observed']} cases vs {item['expected']} expected, since {item['since']}"
            + (f"; drivers: {'; '.join(item['drivers'])}" if item["drivers"] else ""))


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _teams_escape(text: str) -> str:
    return _MARKDOWN.sub(r"\\\1", text)


def headline(items: list[dict]) -> str:
    spikes = sum(i["kind"] == "spike" for i in items)
    return f"Escalation Radar: {spikes} new spike(s), {len(items) - spikes} emerging trend(s)"


def slack(items: list[dict]) -> dict:
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": headline(items)}}]
    for item in items:
        text = f"*{_slack_escape(item['title'])}*\n{_slack_escape(_line(item))}"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text},
                       "accessory": {"type": "button", "url": item["link"],
                                     "text": {"type": "plain_text", "text": "Open"}}})
    return {"text": headline(items), "blocks": blocks[:50]}  # Slack's limit: 50 blocks


def teams(items: list[dict]) -> dict:
    body = [{"type": "TextBlock", "text": _teams_escape(headline(items)), "weight": "Bolder",
             "size": "Medium", "wrap": True}]
    for item in items:
        body += [{"type": "TextBlock", "text": _teams_escape(item["title"]), "weight": "Bolder",
                  "wrap": True, "spacing": "Medium"},
                 {"type": "TextBlock", "text": _teams_escape(_line(item)), "wrap": True,
                  "spacing": "None"},
                 {"type": "ActionSet", "actions": [{"type": "Action.OpenUrl", "title": "Open",
                                                    "url": item["link"]}]}]
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard", "version": "1.4", "body": body}
    return {"type": "message", "attachments": [{
        "contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None,
        "content": card}]}


def generic(items: list[dict]) -> dict:
    return {"source": "escalation-radar", "text": headline(items),
            "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "items": [{k: v for k, v in item.items() if k != "segment_key"} for item in items]}


def payload(items: list[dict], fmt: str) -> dict:
    if fmt not in FORMATS:
        raise ValueError(f"payload must be one of {FORMATS}, not {fmt!r}")
    return {"slack": slack, "teams": teams, "generic": generic}[fmt](items)
