"""`python -m analytics calendars`: rewrite data/calendars.toml with holidays from `holidays`."""
from __future__ import annotations

import argparse

from analytics import calendars


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics calendars", description=__doc__)
    parser.add_argument("--out", default=str(calendars.CALENDARS_PATH))
    args = parser.parse_args(argv)
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write(calendars.build_calendars_toml())
    print(f"wrote {args.out} ({len(calendars.MARKETS)} markets)")
    return 0
