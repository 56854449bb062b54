"""Snapshots keep their files beside the database (analytics/snapshots/store.py): a snapshot
written into a folder that is then deleted (the Share action's temporary folder) can still be
read back, byte for byte; the copy appears whole or not at all; case-text snapshots are listed
for retention. Real parts: a DuckDB file (the seeded demo) and its real state store."""
from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from analytics import state as app_state
from analytics.snapshots import build as snapshot
from analytics.snapshots import store
from analytics.snapshots.model import Request, Section, Snapshot


@pytest.fixture
def own_db(demo_db, tmp_path):
    path = tmp_path / "data" / "radar.duckdb"
    path.parent.mkdir()
    shutil.copyfile(demo_db, path)
    return path


def _made(examples: bool) -> Snapshot:
    table = pd.DataFrame({"market": ["KZ", "UZ"], "cases": [120, 80]})
    if examples:
        table = pd.DataFrame({"case_id": ["C-1"], "summary": ["продаёт оружие, шағым"]})
    return Snapshot(request=Request(page="trends", markets=("KZ",), include_examples=examples,
                                    author="Dana"),
                    title="Trends", period="2026", data_as_of=None, kpis=[],
                    sections=[Section(name="table", title="Table", table=table, data=table)])


def _record_from_a_temporary_folder(db_path: Path, examples: bool = False) -> tuple[str, dict]:
    """Write and record a snapshot as the Share action does: into a folder deleted at once."""
    with tempfile.TemporaryDirectory() as tmp:
        written = snapshot.write(_made(examples), Path(tmp) / "trends-20260101.html",
                                 browser=None, made_at=dt.datetime(2026, 1, 1, 9))
        originals = {p.name: p.read_bytes() for p in [written["html"], *written["paths"]]}
        snapshot_id = snapshot.record(db_path, _made(examples), written)
    return snapshot_id, originals


def _row(db_path: Path, snapshot_id: str) -> dict:
    listed = app_state.read(db_path, "snapshot_list")
    return listed[listed["snapshot_id"] == snapshot_id].iloc[0].to_dict()


def test_a_snapshot_written_into_a_deleted_folder_is_kept_byte_for_byte(own_db):
    snapshot_id, originals = _record_from_a_temporary_folder(own_db)
    row = _row(own_db, snapshot_id)
    kept = store.files(own_db, row)
    assert {f["name"]: f["path"].read_bytes() for f in kept} == originals
    assert [f["mime"] for f in kept] == ["text/html", "text/csv"]
    assert Path(row["html_path"]).is_file()   # the record names the kept HTML, not the temp one
    assert Path(row["html_path"]).is_relative_to(store.folder_for(own_db))
    assert store.folder_for(own_db) == own_db.with_name("radar.snapshots")


def test_the_recorded_html_outlives_the_folder_it_was_written_to(own_db):
    """The bug: the record named the Share action's temporary HTML, deleted at once."""
    snapshot_id, originals = _record_from_a_temporary_folder(own_db)
    html = Path(_row(own_db, snapshot_id)["html_path"])
    assert html.is_file() and html.read_bytes() == originals[html.name]


def test_a_record_without_kept_files_lists_none(own_db):
    """A record made before files were kept (its temporary HTML long gone), and a record whose
    file list names a way out of its folder: no file is offered for either."""
    snapshot_id, _ = _record_from_a_temporary_folder(own_db)
    row = _row(own_db, snapshot_id)
    assert len(store.files(own_db, row)) == 2
    assert [f["name"] for f in store.files(own_db, row | {"files": '["../../radar.duckdb"]'})] \
        == ["trends-20260101.html"]
    assert store.files(own_db, row | {"html_path": "/tmp/tmpgone/trends.html"}) == []


def test_the_copy_appears_whole_or_not_at_all(own_db, monkeypatch):
    with tempfile.TemporaryDirectory() as tmp:
        written = snapshot.write(_made(False), Path(tmp) / "t.html", browser=None,
                                 made_at=dt.datetime(2026, 1, 1))
        missing = Path(tmp) / "t_files" / "gone.png"   # a file that vanished mid-copy
        with pytest.raises(FileNotFoundError):
            store.keep(own_db, "abc123", written["html"], [*written["paths"], missing])
        assert list(store.folder_for(own_db).iterdir()) == []   # no partial folder left

        def refused(*args, **kwargs):
            raise OSError("disk full")
        monkeypatch.setattr(app_state, "writer", refused)   # the record's transaction fails
        with pytest.raises(OSError):
            snapshot.record(own_db, _made(False), written)
    assert list(store.folder_for(own_db).iterdir()) == []   # no folder without its record
    with pytest.raises(ValueError):
        store.keep(own_db, "../x", written["html"], [])


def test_snapshots_with_case_text_are_listed_for_retention(own_db):
    aggregate, _ = _record_from_a_temporary_folder(own_db, examples=False)
    with_text, originals = _record_from_a_temporary_folder(own_db, examples=True)
    listed = store.with_case_text(own_db)
    assert list(listed["snapshot_id"]) == [with_text]
    assert "шағым".encode() in originals["table.csv"]
    kept = store.files(own_db, _row(own_db, with_text))
    assert any("шағым".encode() in f["path"].read_bytes() for f in kept)
    store.discard(own_db, with_text)   # what retention does with it
    assert store.files(own_db, _row(own_db, with_text)) == []
    assert store.files(own_db, _row(own_db, aggregate))


def test_an_unrecorded_folder_is_swept(own_db):
    kept, _ = _record_from_a_temporary_folder(own_db)
    stray = store.folder_for(own_db) / "deadbeef0000"
    stray.mkdir()
    assert store.sweep(own_db) == []   # young: maybe a keep in progress elsewhere
    assert store.sweep(own_db, older_than_s=-60) == ["deadbeef0000"]
    assert not stray.exists() and (store.folder_for(own_db) / kept).is_dir()


def test_filters_in_words():
    plain = Request("trends", dt.date(2026, 1, 1), dt.date(2026, 3, 31), ("KZ", "UZ"),
                    ("scam",), (), {"as_of": "2026-03-30"}).filters_json()
    assert store.in_words(plain, False) == (
        "Trends page · markets KZ, UZ · categories scam · all sources · 2026-01-01 to "
        "2026-03-31 · as_of 2026-03-30 · aggregate-only")
    assert store.in_words(Request("wbr").filters_json(), True) == (
        "weekly business review · all markets · all categories · all sources · all dates · "
        "with case text")
