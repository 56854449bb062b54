"""Command line: `python -m analytics COMMAND ...`.

Commands: demo (generate and load the demo data), ingest (load exports), calendars (rewrite
data/calendars.toml from the `holidays` package). Each command lives in its own module's `main`.
"""
from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = {
    "demo": ("analytics.demo.load", "Generate the seeded demo data set and load it into the database."),
    "ingest": ("analytics.ingest.cli", "Load case or review exports into the database."),
    "purge": ("analytics.ingest.purge", "Remove cases, events and reviews older than a date."),
    "calendars": ("analytics.calendars_cli", "Rewrite data/calendars.toml (zones and holidays)."),
    "vendors": ("analytics.vendors.cli", "Vendor scorecard against targets, and what needs attention."),
    "spikes": ("analytics.spikes.cli", "List spike events (seasonal, causal) per segment."),
    "trends": ("analytics.trends.cli", "Emerging trends (rising segments, new wording) as of a day."),
    "snapshot": ("analytics.snapshots.cli", "A frozen, shareable snapshot of a page (HTML, CSV, PNG)."),
    "precompute": ("analytics.results.precompute", "Compute spike and trend results and the Vendors marts once for every app process."),
    "alert": ("analytics.alerts.cli", "Post a digest of new spikes and trends to a webhook."),
    "build": ("analytics.engines.build", "Build the dashboard's store from a Parquet lake on Spark or DuckDB."),
    "lake": ("analytics.ingest.lake_import", "The Parquet lake: export a database's cases and reviews, or import an org's own table (validated on Spark)."),
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in COMMANDS:
        parser = argparse.ArgumentParser(prog="python -m analytics")
        parser.add_argument("command", choices=sorted(COMMANDS),
                            help="; ".join(f"{k}: {v[1]}" for k, v in COMMANDS.items()))
        parser.parse_args(argv[:1])
        return 2
    from analytics import startup

    startup.configure()   # process-wide settings, once (analytics/startup.py)
    module = importlib.import_module(COMMANDS[argv[0]][0])
    return module.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
