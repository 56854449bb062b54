"""Purge forgets (issue 17 point 8): after `python -m analytics purge`, no file the product keeps
holds a purged summary, byte for byte, as written, HTML-escaped or JSON-escaped (before:
`strings` on the database file recovered all 50; then a lake export and HTML-escaped summaries
in a snapshot still held them).

Real parts: the CLI ingest, the detection precompute (results store), the empty-store template
cache (ESCALATION_RADAR_CACHE_DIR, inside the data folder here), a real overview snapshot
(aggregate-only: kept and marked), one snapshot record whose HTML and CSV quote purged cases
(written through snapshots.build.write/record with a hand-made examples section: which page
would pick which purged case as an example is not what is tested here; one summary has HTML
characters, so the HTML holds it escaped), and `python -m analytics lake export`; then the purge
CLI in its own process and a byte search of every file under the data folder and the lake."""
from __future__ import annotations

import datetime as dt
import html
import json
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
    purged[1] = (*purged[1][:2], f'old <b>&</b> "wallet" {uuid.uuid4().hex}')   # escaped in HTML
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


def forms(text: str) -> set[bytes]:
    """The bytes a file may hold `text` as: UTF-8 as is, HTML-escaped, JSON-escaped."""
    return {t.encode() for t in (text, html.escape(text), html.escape(text, quote=False),
                                 json.dumps(text)[1:-1])}


def hits(folders, texts: list[str]) -> dict[str, int]:
    """Files under `folders` holding any of `texts` in any form, with how many they hold."""
    found = {}
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                count = sum(data.count(form) for t in texts for form in forms(t))
                if count:
                    found[str(path.relative_to(folder.parent))] = count
    return found


def test_purged_summaries_are_in_no_file_the_product_keeps(tmp_path, monkeypatch):
    data, out = tmp_path / "data", tmp_path / "out"   # out: where snapshots were asked for
    data.mkdir()
    out.mkdir()
    monkeypatch.setenv("ESCALATION_RADAR_CACHE_DIR", str(data / "cache"))
    db_path, lake = data / "radar.duckdb", tmp_path / "lake"
    export, purged, kept = _cases(tmp_path)
    ingest_file(export, db_path=db_path)
    precompute.warm(db_path)
    overview = snapshot.make(db_path, Request(page="overview"), out / "overview.html",
                             browser=None)["snapshot_id"]
    examples = _snapshot_with_examples(db_path, out, purged)
    exported = subprocess.run([sys.executable, "-m", "analytics", "lake", "export", "--db",
                               str(db_path), "--lake", str(lake)], capture_output=True, text=True,
                              cwd=settings.ROOT, timeout=600)
    assert exported.returncode == 0, exported.stderr
    # the text is there before, in every kind of file: the search can find it
    before = hits([data, lake], purged)
    assert any(name.startswith("lake/cases/") for name in before), before
    assert any(name.startswith("data/radar.snapshots/") and name.endswith(".html")
               for name in before), before
    assert hits([data], [purged[1]])   # the summary with HTML characters, escaped
    assert (data / "cache").is_dir()
    spill = data / ".radar.duckdb.spill-99999999"   # a killed ingest's: staged rows spilled
    spill.mkdir()
    (spill / "duckdb_temp_block-0.block").write_bytes(purged[3].encode())

    done = subprocess.run([sys.executable, "-m", "analytics", "purge", "--before", BEFORE,
                           "--db", str(db_path)], capture_output=True, text=True,
                          cwd=settings.ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "50 cases" in done.stdout

    assert hits([data, lake], purged) == {}
    kept_in = hits([data, lake], kept)   # the kept cases are still there, the lake's too
    assert "data/radar.duckdb" in kept_in and any(n.startswith("lake/cases/") for n in kept_in)
    records = state.read(db_path, "snapshot_list").set_index("snapshot_id")
    assert "aggregates only" in records.loc[overview, "png_note"]
    assert "deleted by purge" in records.loc[examples, "png_note"]
    assert Path(records.loc[overview, "html_path"]).exists()
    assert not Path(records.loc[examples, "html_path"]).exists()   # the recorded copy
