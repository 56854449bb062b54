"""Case search in Kazakh, Russian and English (issue #16 point 4, point 7 for Cases): folded,
stemmed, transliterated words, all of them must match, matched words marked and escaped.

On real DuckDB files filled by the real ingest: the shared demo (`demo_db`) and a small export
written here; the page through streamlit.testing.v1.AppTest from the app's entry point."""
from __future__ import annotations

import datetime as dt
import doctest
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics import db, settings
from analytics.ingest import ingest_file
from analytics.text import search as text_search

APP = str(settings.ROOT / "app.py")
ALL = dict(start_date=None, end_date=None, markets=None, categories=None, sources=None,
           vendors=None, limit=1_000_000)
WHOLE_RANGE = {"from": "2000-01-01", "to": "2100-01-01"}   # clamped to the data's first and last day
TODAY = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def found(path, text: str, **filters) -> set[str]:
    """Case ids the Cases page's search query finds for `text` (all time unless filtered)."""
    with db.reader(path) as con:
        rows = db.query_df(con, "search/cases", **(ALL | filters),
                           **text_search.parse_query(text).parameters())
    return set(rows["case_id"])


def containing(path, *fragments: str) -> set[str]:
    """Case ids whose lower-cased summary holds every fragment (a plain substring)."""
    with db.reader(path) as con:
        cases = con.sql("select case_id, lower(summary) as s from cases").df()
    hit = pd.Series(True, index=cases.index)
    for fragment in fragments:
        hit &= cases["s"].fillna("").str.contains(fragment, regex=False)
    return set(cases.loc[hit, "case_id"])


def start_cases_page(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=20)
    at.query_params.update(WHOLE_RANGE | (query or {}))
    at.run(timeout=60)
    at.switch_page("ui/pages/cases.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def search_page(at: AppTest, text: str) -> pd.DataFrame:
    at.text_input(key="case_search").set_value(text).run()
    assert not at.exception, [e.value for e in at.exception]
    tables = [d.value for d in at.dataframe if "case_id" in d.value.columns]
    return tables[0] if tables else pd.DataFrame(columns=["case_id", "summary"])


def marked_html(at: AppTest) -> str:
    return "".join(h.proto.body for h in at.get("html"))


# --- the examples, on the demo: a careless spelling finds what the exact one finds -----

@pytest.mark.parametrize("careless, exact, stored", [
    ("оружие", "оружия", "оружия"),      # another case ending (Snowball stem)
    ("продает", "продаёт", "продаёт"),    # е for ё
    ("шагым", "шағым", "шағым"),          # Kazakh typed on a Russian keyboard
    ("shagym", "шағым", "шағым"),         # Kazakh typed in Latin letters
    ("oruzhie", "оружия", "оружия"),      # Russian transliterated
])
def test_a_careless_spelling_finds_the_same_cases(demo_db, careless, exact, stored):
    wanted = containing(demo_db, stored)
    assert len(wanted) > 0
    assert wanted <= found(demo_db, exact)
    assert found(demo_db, careless) == found(demo_db, exact)


def test_every_word_must_match(demo_db):
    seller, prepayment = found(demo_db, "продавец"), found(demo_db, "предоплату")
    both = found(demo_db, "продавец предоплату")
    assert both == seller & prepayment
    assert 0 < len(both) < min(len(seller), len(prepayment)) or both == seller == prepayment
    assert containing(demo_db, "продавец", "предоплат") <= both
    assert found(demo_db, "продавец zzqqxx") == set()     # an unknown word: nothing


def test_stop_words_and_filters(demo_db):
    weapon = found(demo_db, "оружие")
    assert len(weapon) > 0 and found(demo_db, "оружие и") == weapon   # "и" is not required
    kz = found(demo_db, "шағым", markets=["KZ"])
    assert 0 < len(kz) <= len(found(demo_db, "шағым"))


HOSTILE = ["%", "_", "KZ') or 1=1--", "'; drop table cases; --", "$terms", "\\", "?", "KZ\x00",
           "bonus.kz?x=1"]


def test_hostile_text_is_only_ever_a_value(demo_db):
    # punctuation, quotes and placeholders are never SQL: a search is the search of its words
    for text in HOSTILE:
        words = " ".join(re.findall(r"\w+", text))
        assert found(demo_db, text) == (found(demo_db, words) if words else set()), text


# --- the page: the same answers, summary second, matched words marked, everything escaped -----

def test_cases_page_finds_careless_spellings_with_the_summary_second(app_db):
    at = start_cases_page()
    exact = search_page(at, "оружия")
    careless = search_page(at, "оружие")
    assert len(exact) > 0
    assert sorted(careless["case_id"]) == sorted(exact["case_id"])
    assert list(careless.columns[:2]) == ["case_id", "summary"]
    assert "<mark>оружия</mark>" in marked_html(at)
    assert len(search_page(at, "шагым")) == len(search_page(at, "шағым")) > 0
    assert "<mark>Шағым</mark>" in marked_html(at)


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    """A small export loaded by the real ingest: one summary carries markup, one is translit."""
    folder = tmp_path_factory.mktemp("search")
    rows = [("S1", "<script>alert('x')</script> Продавец продаёт оружие", "ru"),
            ("S2", "Шағым: тегін бонус", "kk"),
            ("S3", "prodaet oruzhie cherez chat", "ru"),
            ("S4", "tegin bonus alynyz, shagym", "kk"),
            ("S5", "Seller sells weapons", "en")]
    export = pd.DataFrame({
        "case_id": [r[0] for r in rows], "summary": [r[1] for r in rows],
        "language": [r[2] for r in rows], "market": "KZ", "status": "open",
        "created_at": [(TODAY - dt.timedelta(hours=i + 1)).isoformat(sep=" ") for i in range(len(rows))]})
    path = folder / "cases.csv"
    export.to_csv(path, index=False)
    db_path = folder / "search.duckdb"
    ingest_file(path, kind="cases", db_path=db_path)
    return db_path


def test_matches_are_found_across_scripts_on_a_fresh_export(hostile_db):
    assert found(hostile_db, "оружие") == {"S1", "S3"}          # Cyrillic and translit summaries
    assert found(hostile_db, "oruzhie") == {"S1", "S3"}
    assert found(hostile_db, "продает оружие") == {"S1", "S3"}
    assert found(hostile_db, "шагым") == {"S2", "S4"}            # Kazakh letters and Latin typing
    assert found(hostile_db, "тегин бонус") == {"S2", "S4"}
    assert found(hostile_db, "weapon") == {"S5"}
    assert found(hostile_db, "s3") == {"S3"}                     # a case id


def test_a_later_ingest_makes_its_new_texts_searchable(hostile_db, tmp_path):
    export = pd.DataFrame({"case_id": ["S9"], "summary": ["Новая жалоба: мошенник"],
                           "language": ["ru"], "market": ["KZ"], "status": ["open"],
                           "created_at": [TODAY.isoformat(sep=" ")]})
    path = tmp_path / "more.csv"
    export.to_csv(path, index=False)
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(hostile_db.read_bytes())
    ingest_file(path, kind="cases", db_path=copy)
    assert found(copy, "мошенника") == {"S9"}
    assert found(copy, "оружие") == {"S1", "S3"}


def test_a_summary_with_markup_is_shown_escaped_with_the_match_marked(hostile_db, monkeypatch):
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(hostile_db))
    at = start_cases_page()
    rows = search_page(at, "продает оружие")
    assert set(rows["case_id"]) == {"S1", "S3"}
    body = marked_html(at)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body
    assert "<script>" not in body
    assert "<mark>оружие</mark>" in body and "<mark>oruzhie</mark>" in body
    assert "<mark>продаёт</mark>" in body and "<mark>prodaet</mark>" in body
    assert "<mark>Продавец</mark>" not in body and ">nan<" not in body


def test_doctests_pass():
    assert doctest.testmod(text_search).failed == 0
