"""Snapshots: one HTML that opens offline, no case text or ids, stamped, recorded, PNGs or why not."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import shutil
import subprocess

import pandas as pd
import pytest

from analytics import db, settings
from analytics.snapshots import build as snapshot
from analytics.snapshots import images as snapshot_images
from analytics.snapshots.model import Section, Snapshot

AS_OF = "2026-03-30"


@pytest.fixture(scope="module")
def snap_db(demo_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("snap") / "snap.duckdb"
    shutil.copyfile(demo_db, path)
    return path


@pytest.fixture(scope="module")
def kz_trend(snap_db, tmp_path_factory):
    """The demo's KZ trends, frozen without PNGs (as on a machine without a browser)."""
    out = tmp_path_factory.mktemp("out") / "kz.html"
    request = snapshot.Request("trends", markets=("KZ",), selection={"as_of": AS_OF},
                               author="Aigerim <script>")
    return snapshot.make(snap_db, request, out, browser=None)


def kz_cases(path):
    with db.reader(path) as con:
        return con.execute("select case_id, summary from cases where market = 'KZ' "
                           "and created_at >= '2026-03-01'").fetchall()


def test_snapshot_is_one_offline_html_without_case_text_or_ids(kz_trend, snap_db):
    page = kz_trend["html"].read_text(encoding="utf-8")
    assert 'src="http' not in page and "<script src=" not in page and "<link " not in page
    assert "qazpay" in page and "Data as of" in page and "markets: KZ" in page
    assert "Aigerim &lt;script&gt;" in page  # people's text is escaped
    texts = [p.read_text(encoding="utf-8-sig") for p in kz_trend["paths"]] + [page]
    cases = kz_cases(snap_db)
    for case_id, summary in cases:
        assert not any(case_id in text for text in texts)
        assert not any(summary and len(summary) > 25 and summary in text for text in texts)
    assert "PNG images missing: no Chromium" in page


def test_snapshot_is_recorded_with_its_hash(kz_trend, snap_db):
    with db.reader(snap_db) as con:
        rows = snapshot.listing(con)
    row = rows[rows["snapshot_id"] == kz_trend["snapshot_id"]].iloc[0]
    assert row["html_sha256"] == hashlib.sha256(kz_trend["html"].read_bytes()).hexdigest()
    assert row["made_by"] == "Aigerim <script>" and '"KZ"' in row["filters"]
    assert not row["include_examples"] and "trends.csv" in row["files"]


def test_examples_only_when_asked_and_then_it_says_so(snap_db, tmp_path):
    request = snapshot.Request("trends", markets=("KZ",), selection={"as_of": AS_OF},
                               include_examples=True)
    page = snapshot.make(snap_db, request, tmp_path / "internal.html", browser=None)["html"] \
        .read_text(encoding="utf-8")
    assert "Internal: this snapshot includes example cases" in page
    assert any(case_id in page for case_id, _ in kz_cases(snap_db))


@pytest.mark.skipif(snapshot_images.find_browser() is None, reason="needs a Chromium")
def test_charts_render_with_the_network_blocked_and_pngs_exported(snap_db, tmp_path):
    written = snapshot.make(snap_db, snapshot.Request("overview", start=dt.date(2026, 1, 1),
                                                      end=dt.date(2026, 3, 30)),
                            tmp_path / "overview.html")
    pngs = [p for p in written["paths"] if p.suffix == ".png"]
    assert written["png_note"] is None and pngs
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)
    dom = subprocess.run([str(snapshot_images.find_browser()), "--headless", "--no-sandbox",
                          "--disable-gpu", "--proxy-server=127.0.0.1:9", "--virtual-time-budget=5000",
                          "--dump-dom", written["html"].as_uri()],
                         capture_output=True, text=True, timeout=90).stdout
    assert dom.count('class="main-svg"') >= 2  # Plotly drew the chart from the embedded JS


@pytest.mark.parametrize("page", ["markets", "kpis", "spikes", "vendors", "wbr"])
def test_every_page_snapshot_builds(snap_db, page):
    with db.reader(snap_db) as con:
        built = snapshot.build(con, snapshot.Request(page, end=dt.date(2026, 3, 30)))
    assert built.sections and built.data_as_of is not None
    for section in built.sections:
        if section.data is not None:
            assert not {"case_id", "reviewer_id", "summary"} & set(section.data.columns)


def test_the_spikes_snapshot_charts_its_top_event(snap_db):
    """The event chart reads the scored counts (a KeyError once hid behind 'no events')."""
    with db.reader(snap_db) as con:
        built = snapshot.build(con, snapshot.Request("spikes", start=dt.date(2025, 6, 1),
                                                     end=dt.date(2026, 3, 30)))
    chart = [s for s in built.sections if s.name == "spike_chart"]
    assert chart, [s.name for s in built.sections]
    assert {"date", "observed", "expected"} <= set(chart[0].data.columns)


def test_untriaged_spike_events_are_said_so_without_a_pandas_warning(snap_db):
    """With no verdict recorded the verdicts map to float NaN: filling them with text warned
    (Pandas4Warning: 'will raise' in a future pandas)."""
    import warnings

    with warnings.catch_warnings(), db.reader(snap_db) as con:
        warnings.simplefilter("error")
        built = snapshot.build(con, snapshot.Request("spikes", start=dt.date(2025, 6, 1),
                                                     end=dt.date(2026, 3, 30)))
    events = next(s for s in built.sections if s.name == "spike_events").data
    assert len(events) and (events["verdict"] == "not triaged").all()


def test_snapshot_csvs_neutralise_formulas(tmp_path):
    """A spreadsheet must not run a cell of a snapshot CSV (the exports' one neutraliser)."""
    hostile = pd.DataFrame({"trend": ["@SUM(A1)", "=HYPERLINK(\"http://x\")", "+1", "ok"],
                            "=cmd": ["a", "b", "c", "d"], "observed": [-3, 12, 40, 7]})
    built = Snapshot(snapshot.Request("trends"), "Trends", "as of 2026-03-30", None,
                     [Section("trends", "Trends", "", hostile, hostile)], [])
    written = snapshot.write(built, tmp_path / "hostile.html", browser=None,
                             made_at=dt.datetime(2026, 3, 31))
    path = next(p for p in written["paths"] if p.name == "trends.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    cells = [cell for row in rows for cell in row]
    assert rows[0] == ["trend", "'=cmd", "observed"]
    assert {"'@SUM(A1)", "'=HYPERLINK(\"http://x\")", "'+1", "ok", "-3"} <= set(cells)
    assert not [c for c in cells if c[:1] in "=+@" or (c[:1] == "-" and not c[1:].isdigit())]


def test_the_snapshots_page_shows_file_names_not_server_paths(kz_trend, snap_db, monkeypatch,
                                                              tmp_path):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ESCALATION_RADAR_DB", str(snap_db))
    monkeypatch.setenv("ESCALATION_RADAR_ACCESS_FILE", str(tmp_path / "no-access.toml"))
    at = AppTest.from_file(str(settings.ROOT / "app.py"), default_timeout=30)
    at.run(timeout=90)
    at.switch_page("ui/pages/snapshots.py").run()
    assert not at.exception, [e.value for e in at.exception]
    folder = str(kz_trend["html"].resolve().parent)
    table = at.dataframe[0].value
    shown = "\n".join(map(str, table.to_numpy().ravel().tolist() + list(table.columns)
                           + [e.value for e in [*at.markdown, *at.caption, *at.text]]))
    assert "kz.html" in shown and folder not in shown and "/kz.html" not in shown


def _with_cases(cases: pd.DataFrame, summaries: list[str], day: dt.date) -> pd.DataFrame:
    """`cases` plus KZ cases of `summaries`, one a day backwards from `day` in turn (5 days)."""
    rows = pd.DataFrame({
        "case_id": [f"C-99{n:05d}" for n in range(len(summaries))],
        "created_at": [pd.Timestamp(day) - pd.Timedelta(days=n % 5) + pd.Timedelta(hours=9)
                       for n in range(len(summaries))],
        "market": "KZ", "abuse_category": "fraud", "source": "user_report", "language": "ru",
        "summary": summaries})
    rows["created_date"] = rows["created_at"].dt.normalize()
    joined = pd.concat([cases.astype({"summary": object}), rows[cases.columns]],
                       ignore_index=True)
    return joined.astype({"created_at": cases["created_at"].dtype,
                          "created_date": cases["created_date"].dtype, "summary": "category"})


def test_trend_terms_in_a_snapshot_are_registrable_domains_seen_in_ten_cases(snap_db, tmp_path,
                                                                         monkeypatch):
    """Summaries quote a profile URL (40 cases) and a shop's promo link (7 cases): the snapshot
    publishes instagram.com, never the path with the handle, and not the rare link at all."""
    from analytics.trends import detect as trend_detection

    day = dt.date.fromisoformat(AS_OF)
    hostile = ["Угрозы в директ от https://instagram.com/aigerim.private.92/?igsh=QX1 снова"] * 40 \
        + ["Купите тут http://tiny-shop.kz/promo/x1?ref=aigerim скидка"] * 7
    real = trend_detection.load_cases
    monkeypatch.setattr(trend_detection, "load_cases",
                        lambda con, as_of: _with_cases(real(con, as_of), hostile, day))
    request = snapshot.Request("trends", markets=("KZ",), selection={"as_of": AS_OF})
    with db.reader(snap_db) as con:
        raw = trend_detection.to_records(trend_detection.detect_trends(
            trend_detection.load_cases(con, day), day))
        built = snapshot.build(con, request)
    terms = " ".join(r["label"] for r in raw)
    assert "aigerim.private.92" in terms and "tiny-shop.kz" in terms   # what the data gives
    written = snapshot.write(built, tmp_path / "t.html", browser=None,
                             made_at=dt.datetime(2026, 3, 31))
    texts = [p.read_text(encoding="utf-8-sig") for p in written["paths"]]
    texts.append(written["html"].read_text(encoding="utf-8"))
    assert any("instagram.com" in text for text in texts)
    for text in texts:
        assert "aigerim" not in text and "igsh" not in text and "/promo" not in text
        assert "tiny-shop" not in text   # seen in 7 cases: fewer than 10
