"""`python -m analytics alert`: post a digest of new spikes and emerging trends to a webhook.

    python -m analytics alert --webhook URL [--payload slack|teams|generic] [--since YYYY-MM-DD]

Meant for cron (e.g. hourly). Each alert is sent once; a segment alerted recently is held back
(cool-down), a snoozed one until its snooze ends. The digest goes as as many messages as the
target takes (Slack: 49 alerts each); each message is tried up to 1 + --retries times (timeout
--timeout-s per connect or read; back-off 1, 2, 4 s or the receiver's Retry-After, at most
--max-wait-s) with one Idempotency-Key, and an alert counts as sent only when its message got a
2xx. A redirect is a failure (never followed). What was not delivered is sent next run.
Exit code 0 when everything due was delivered (or nothing was due), 1 when some is pending.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from analytics import dataset as demo_dataset
from analytics import settings
from analytics.alerts import payloads as alert_payloads
from analytics.alerts import run as alerts
from analytics.alerts import send as alert_send


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m analytics alert", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--webhook", required=True, help="the URL to POST the digest to")
    parser.add_argument("--payload", default="generic", choices=alert_payloads.FORMATS,
                        help="slack (Block Kit), teams (Adaptive Card for a Workflows webhook), "
                             "generic JSON (default)")
    parser.add_argument("--since", type=dt.date.fromisoformat,
                        help="spike events ending on or after this day (default: 7 days back)")
    parser.add_argument("--until", type=dt.date.fromisoformat,
                        help="judge as of this day (default: the last complete day)")
    parser.add_argument("--cooldown-days", type=float, default=alerts.COOLDOWN.days,
                        help="hold back a new alert for a segment alerted this recently")
    parser.add_argument("--retries", type=int, default=3, help="retries per message (default 3)")
    parser.add_argument("--timeout-s", type=float, default=alert_send.TIMEOUT_S,
                        help="seconds to wait for the receiver per connect or read (default 10)")
    parser.add_argument("--max-wait-s", type=float, default=alert_send.MAX_WAIT_S,
                        help="the longest pause between attempts, whatever Retry-After says")
    parser.add_argument("--db", type=Path, default=None, help="DuckDB file (default: ESCALATION_RADAR_DB)")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse(argv)
    try:
        demo_dataset.refuse_demo(args.db or settings.db_path(), "running alerts on it",
                                 demo_dataset.ALERTS)
    except demo_dataset.DemoDatasetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    result = alerts.run(args.db or settings.db_path(), args.webhook, fmt=args.payload,
                        since=args.since, until=args.until, retries=args.retries,
                        timeout_s=args.timeout_s, max_wait_s=args.max_wait_s,
                        cooldown=dt.timedelta(days=args.cooldown_days))
    attempts = [{"attempt": a.attempt, "http_status": a.http_status, "ok": a.ok, "error": a.error}
                for a in result.pop("attempts")]
    print(json.dumps(result | {"attempts": attempts}, indent=2))
    return 0 if result["pending"] == 0 else 1
