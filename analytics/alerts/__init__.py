"""Alert digests: new spikes and emerging trends, each sent once to a webhook (Slack, Teams or
generic JSON), acknowledged or snoozed from the Alerts page. `python -m analytics alert` runs it."""
from analytics.exports import exports

__getattr__, __dir__, __all__ = exports(__name__, {
    "run": "run", "respond": "run", "collect": "items", "payload": "payloads",
    "post_json": "send",
})
