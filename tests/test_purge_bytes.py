"""Purge forgets (issue 17 point 8): after `python -m analytics purge`, no file the product keeps
in the data folder holds a purged summary, byte for byte (before: `strings` on the database file
recovered all 50).

Real parts: the CLI ingest, the detection precompute (results store), a real overview snapshot
(aggregate-only: kept and marked), and one snapshot record whose HTML and CSV quote purged cases
(written through snapshots.build.write/record with a hand-made examples section: which page
would pick which purged case as an example is not what is tested here), then the purge CLI in
its own process and a byte search of every file under the data folder."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
import uuid
from pathlib import Path

import pandas as pd

from analytics import settings, state
from analytics.ingest.pipeline import ingest_file
from analytics.results import precompute
from analytics.snapshots import build as snapshot
from analytics.snapshots.model import Request, Section, Snapshot

BEFORE = "2025-01-01"


def _summary(kind: str) -> str:
    # Unique, and not compressible into a dictionary shared with the others.
    return f"{kind} complaint {uuid.uuid4().hex} about wallet {uuid.uuid4().hex[:12]} in Almaty"


def _cases(tmp_path):
    purged = [(f"OLD-{i}", f"2024-0{1 + i % 9}-1{i % 10} 10:00", _summary("old")) for i in range(50)]
    kept = [(f"NEW-{i}", f"2025-0{1 + i % 9}-1{i % 10} 10:00", _summary("new")) for i in range(50)]
    frame = pd.DataFrame(purged + kept, columns=["case_id", "created_at", "summary"])
    frame = frame.assign(market="KZ", abuse_category="scam", source="user_report",
                         priority="P2", status="open")
    path = tmp_path / "export.csv"
    frame.to_csv(path, index=False)
    return path, [s for _, _, s in purged], [s for _, _, s in kept]


def _snapshot_with_examples(db_path, out, purged: list[str]) -> str:
    examples = pd.DataFrame({"case_id": ["OLD-1", "OLD-2"], "summary": purged[1:3]})
    made = Snapshot(request=Request(page="trends", include_examples=True), title="Trends",
                    period="2024", data_as_of=None, kpis=[],
                    sections=[Section(name="examples", title="Examples", table=examples,
                                      data=examples)])
    written = snapshot.write(made, out / "trends.html", browser=None,
                             made_at=dt.datetime(2025, 6, 1))
    return snapshot.record(db_path, made, written)


def hits(folder, texts: list[str]) -> dict[str, int]:
    """Files under `folder` holding any of `texts` (UTF-8 bytes), with how many they hold."""
    found = {}
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            count = sum(data.count(t.encode()) for t in texts)
            if count:
                found[str(path.relative_to(folder))] = count
    return found


def test_purged_summaries_are_in_no_file_the_product_keeps(tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"   # out: where snapshots were asked for
    data.mkdir()
    out.mkdir()
    db_path = data / "radar.duckdb"
    export, purged, kept = _cases(tmp_path)
    ingest_file(export, db_path=db_path)
    precompute.warm(db_path)
    overview = snapshot.make(db_path, Request(page="overview"), out / "overview.html",
                             browser=None)["snapshot_id"]
    examples = _snapshot_with_examples(db_path, out, purged)
    assert hits(data, purged)   # the text is there before: the search can find it

    done = subprocess.run([sys.executable, "-m", "analytics", "purge", "--before", BEFORE,
                           "--db", str(db_path)], capture_output=True, text=True,
                          cwd=settings.ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "50 cases" in done.stdout

    assert hits(data, purged) == {}
    assert len(hits(data, kept)) >= 1   # the kept cases are still there
    records = state.read(db_path, "snapshot_list").set_index("snapshot_id")
    assert "aggregates only" in records.loc[overview, "png_note"]
    assert "deleted by purge" in records.loc[examples, "png_note"]
    assert Path(records.loc[overview, "html_path"]).exists()
    assert not Path(records.loc[examples, "html_path"]).exists()   # the recorded copy
