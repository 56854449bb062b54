"""What every snapshot part builds: the request (a page and its filters), its sections, the
snapshot itself, and who made it with which version. A request checks page names, not builders,
so this module imports no builder and every builder can import it.
"""
from __future__ import annotations

import datetime as dt
import getpass
import json
import subprocess
from dataclasses import asdict, dataclass, field

import pandas as pd
import plotly.graph_objects as go

from analytics import settings

PAGES = ("overview", "markets", "kpis", "spikes", "trends", "vendors", "wbr")


@dataclass(frozen=True)
class Request:
    """What to snapshot: a page, the sidebar filters, the page's own selection."""
    page: str
    start: dt.date | None = None
    end: dt.date | None = None
    markets: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    selection: dict = field(default_factory=dict)  # e.g. {"market": "KZ"}, {"spike": id}
    include_examples: bool = False
    author: str | None = None

    def __post_init__(self):
        if self.page not in PAGES:
            raise ValueError(f"page must be one of {PAGES}, not {self.page!r}")

    def filters_json(self) -> str:
        plain = asdict(self) | {"start": self.start and self.start.isoformat(),
                                "end": self.end and self.end.isoformat()}
        plain.pop("author")
        return json.dumps(plain, sort_keys=True, default=str)


@dataclass
class Section:
    """One block of a snapshot: a title, a note, a published table and/or a chart."""
    name: str                           # file-safe: the CSV and PNG are named after it
    title: str
    note: str = ""
    table: pd.DataFrame | None = None   # what the HTML shows (text, already protected)
    data: pd.DataFrame | None = None    # what the CSV holds (published values only)
    figure: go.Figure | None = None


@dataclass
class Snapshot:
    request: Request
    title: str
    period: str
    data_as_of: dt.datetime | None
    sections: list[Section]
    kpis: list[str]
    notes: list[str] = field(default_factory=list)


def product_version() -> str:
    """The package version and the git commit of the checkout that made the snapshot."""
    try:
        commit = subprocess.run(["git", "-C", str(settings.ROOT), "describe", "--always",
                                 "--dirty"], capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"Escalation Radar {commit.strip() or 'unknown commit'}"


def author(request: Request) -> str:
    if request.author:
        return request.author
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers): say so rather than guess
        return "unknown"
