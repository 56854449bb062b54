"""Trend detection on seeded synthetic cases with known answers, the CLI and the Trends page."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analytics import db
from analytics.trends import cli as trends_cli
from analytics.trends import detect as trends
from analytics.trends import stats as trends_stats

AS_OF = pd.Timestamp("2026-03-30")
DAYS = pd.date_range(end=AS_OF, periods=130)
TEXT = {"kk": "Шағым: алдын ала төлем алып жоғалып кетеді.", "ru": "Жалоба: продавец пропадает.",
        "en": "User reports a seller who disappears."}
NEW_TERM = "Звоните +7 701 123 45 67, бонус на qazbonus-kz.com"


def synthetic_cases(seed: int = 3) -> pd.DataFrame:
    """Steady segments plus a 21-day ramp (UZ scam, to ×2.5), a one-day spike two days before
    the end (KG spam, ×8) and a new phrase with a phone number in KZ from day -10."""
    rng = np.random.default_rng(seed)
    rows = []
    for market, category, base in [("KZ", "scam", 30), ("UZ", "scam", 25), ("KG", "spam", 25),
                                   ("KZ", "spam", 20), ("UZ", "harassment", 15)]:
        for i, day in enumerate(DAYS):
            left = len(DAYS) - 1 - i
            rate = base * (1 + 1.5 * (21 - left) / 21 if (market, category) == ("UZ", "scam")
                           and left < 21 else 1) * (8 if (market, category, left) == ("KG", "spam", 2) else 1)
            for _ in range(rng.poisson(rate)):
                language = rng.choice(["kk", "ru", "en"], p=[0.5, 0.4, 0.1])
                summary = TEXT[language]
                if market == "KZ" and left < 10 and language == "ru" and rng.random() < 0.3:
                    summary += " " + NEW_TERM
                rows.append((day, market, category, "user_report", language, summary))
    frame = pd.DataFrame(rows, columns=["created_date", "market", "abuse_category", "source",
                                        "language", "summary"])
    return frame.assign(case_id=[f"S-{i:06d}" for i in range(len(frame))],
                        created_at=frame["created_date"] + pd.Timedelta(hours=12))


@pytest.fixture(scope="module")
def found() -> pd.DataFrame:
    return trends.detect_trends(synthetic_cases(), AS_OF)


def _segments(found):
    return [t["segment"] for t in found.to_dict("records") if t["kind"] == "segment"]


def test_planted_ramp_is_a_trend(found):
    assert {"market": "UZ", "abuse_category": "scam"} in _segments(found)


def test_one_day_spike_is_not_a_trend(found):
    assert not any(s.get("market") == "KG" for s in _segments(found))


def test_new_term_is_one_trend_with_examples(found):
    terms = found[found["kind"] == "term"]
    hit = terms[terms["label"].str.contains("qazbonus|бонус|звон", regex=True)]
    assert len(hit) >= 1
    row = hit.iloc[0]
    assert row["languages"] == ["ru"] and row["markets"] == ["KZ"] and len(row["examples"]) >= 1
    assert row["since"] >= (AS_OF - pd.Timedelta(days=12)).date()


def test_nothing_else_is_listed(found):
    steady = [s for s in _segments(found) if s.get("market") in ("KG",)
              or s.get("abuse_category") == "harassment"]
    assert steady == []


def test_as_of_is_causal():
    cases = synthetic_cases()
    early = trends.detect_trends(cases, AS_OF - pd.Timedelta(days=30))
    assert not any(s.get("market") == "UZ" for s in _segments(early))
    assert early[early["kind"] == "term"].empty


def test_statistics_align_with_input():
    counts = np.random.default_rng(0).poisson(10, (4, 80)).astype(float)
    expected, variance = trends_stats.regression_expected(counts, np.arange(80) % 7)
    assert expected.shape == counts.shape and np.isnan(expected[:, :45]).all()
    assert np.allclose(np.nanmean(expected), 10, atol=1.0)
    q = trends_stats.benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.5]))
    assert np.allclose(q, [0.04, 0.16 / 3, 0.16 / 3, 0.5])


def test_cli_json_masks_phone_numbers(tmp_path, capsys):
    path = tmp_path / "trends.duckdb"
    frame = synthetic_cases().assign(created_date=lambda f: f["created_date"].dt.date)
    with db.writer(path) as con:
        con.register("incoming", frame)
        con.execute("insert into cases by name select * from incoming")
    assert trends_cli.main(["--db", str(path), "--as-of", "2026-03-30", "--format", "json"]) == 0
    out = capsys.readouterr().out
    records = json.loads(out)
    assert records[0]["rank"] == 1 and {"kind", "language", "since", "observed", "expected",
                                        "score", "examples"} <= set(records[0])
    assert "701" not in out and "123 45" not in out
    assert any("phone ***67" in r["label"] or "phone ***67" in " ".join(r["related_terms"])
               for r in records if r["kind"] == "term")


def test_trends_page_shows_planted_wording_with_examples(app_db):
    from streamlit.testing.v1 import AppTest

    from analytics import settings

    at = AppTest.from_file(str(settings.ROOT / "app.py"), default_timeout=30)
    at.run(timeout=60)
    assert any(s.value.startswith("Emerging trends") for s in at.subheader)
    at.switch_page("ui/pages/trends.py").run()
    assert not at.exception, [e.value for e in at.exception]
    table = next(d.value for d in at.dataframe if "label" in d.value.columns)
    labels = " ".join(table["label"])
    assert "qazpay-bonus.kz" in labels or "#тегінбонус" in labels
    assert table["examples"].str.len().gt(0).all()
    at.multiselect(key="trends_languages").set_value(["en"]).run()
    assert not at.exception


# --- speed at 10M (issue 7): counting by distinct text must change no answer -------------------

@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("trends_db") / "trends.duckdb"
    frame = synthetic_cases().assign(created_date=lambda f: f["created_date"].dt.date)
    with db.writer(path) as con:
        con.register("incoming", frame)
        con.execute("insert into cases by name select * from incoming")
    return path


def test_incidence_by_text_equals_the_terms_of_each_case():
    from analytics.text.incidence import TermIncidence, build_incidence
    from analytics.text.terms import extract_terms
    cases = synthetic_cases()
    incidence = build_incidence(cases["summary"], cases["language"])
    by_category = build_incidence(cases["summary"].astype("category"), cases["language"])
    matrix = incidence.matrix.tocsr()
    for i in range(0, len(cases), 97):
        keys = set(incidence.vocabulary[matrix[i].indices])
        assert keys == set(extract_terms(cases["summary"][i], cases["language"][i]))
    assert (by_category.matrix != incidence.matrix).nnz == 0
    # three readings of a text (Kazakh, Kazakh in Latin, any other language), not one per language
    assert incidence.text_matrix.shape[0] == 4
    rows = np.flatnonzero(cases["market"].eq("KZ").to_numpy())
    sliced = TermIncidence(incidence.matrix[rows], incidence.vocabulary,
                           incidence.text_of_case[rows], incidence.text_terms)
    assert np.array_equal(sliced.counts(), np.asarray(incidence.matrix[rows].sum(0)).ravel())
    assert np.array_equal(sliced.counts(), incidence.counts(rows))


def test_period_cells_compare_and_spell_like_the_cases():
    from analytics.text.incidence import build_incidence
    from analytics.trends.compare import compare_cells, compare_periods, period_cells
    cases = synthetic_cases()
    incidence = build_incidence(cases["summary"], cases["language"])
    cells = period_cells(incidence, cases, AS_OF)
    assert cells.incidence.case_weights.sum() == len(cases) and len(cells.period) < len(cases) / 50
    for markets, languages in [((), ()), (("KZ",), ()), (("KZ", "UZ"), ("ru",))]:
        rows = np.ones(len(cases), bool)
        if markets:
            rows &= cases["market"].isin(markets).to_numpy()
        if languages:
            rows &= cases["language"].isin(languages).to_numpy()
        pd.testing.assert_frame_equal(compare_cells(cells, markets, languages),
                                      compare_periods(incidence, cases, AS_OF, rows=rows))
    for key in compare_cells(cells)["term_key"][:10]:
        assert cells.incidence.spelling(key) == incidence.spelling(key)


def test_load_cases_ships_each_summary_once_and_answers_alike(synthetic_db, monkeypatch):
    frame = synthetic_cases()
    with db.reader(synthetic_db) as con:
        cases = trends.load_cases(con, AS_OF.date())
        # strings come with 64-bit offsets (no cast to pandas' layout); the connection is left as it was
        assert con.execute("select current_setting('arrow_large_buffer_size')").fetchone()[0] is False
    assert cases["market"].tolist() == frame.set_index("case_id")["market"][cases["case_id"]].tolist()
    assert isinstance(cases["summary"].dtype, pd.CategoricalDtype)
    assert len(cases["summary"].cat.categories) == frame["summary"].nunique()
    summary_of = frame.set_index("case_id")["summary"]
    assert cases["summary"].astype(object).tolist() == summary_of[cases["case_id"]].tolist()
    pd.testing.assert_frame_equal(trends.detect_trends(cases, AS_OF),
                                  trends.detect_trends(frame, AS_OF))
    # two summaries sharing a hash: the texts are read with the cases instead
    real = db.query_df

    def clashing(con, name, **params):
        out = real(con, name, **params)
        return out.assign(summary_key=0) if name == "marts/trend_summaries" else out
    monkeypatch.setattr(db, "query_df", clashing)
    with db.reader(synthetic_db) as con:
        fallback = trends.load_cases(con, AS_OF.date())
    assert fallback["summary"].tolist() == summary_of[fallback["case_id"]].tolist()


def test_app_results_hold_every_example_case(synthetic_db):
    with db.reader(synthetic_db) as con:
        cases = trends.load_cases(con, AS_OF.date())
    app = trends.app_results(cases, AS_OF)
    pd.testing.assert_frame_equal(app["ranked"], trends.detect_trends(cases, AS_OF))
    wanted = {i for ids in app["ranked"]["examples"] for i in ids}
    assert wanted and set(app["examples"]["case_id"]) == wanted
    assert app["examples"]["summary"].map(type).eq(str).all()


def _gappy_cases() -> pd.DataFrame:
    """Synthetic cases with missing markets, sources and languages and a literal "(unknown)"."""
    cases = synthetic_cases().copy()
    rng = np.random.default_rng(5)
    for column in ("market", "source", "language"):
        cases[column] = cases[column].astype(object)
        cases.loc[rng.random(len(cases)) < 0.05, column] = None
    cases.loc[rng.random(len(cases)) < 0.03, "source"] = "(unknown)"
    return cases


@pytest.mark.parametrize("storage", ["python", "pyarrow"])
def test_series_and_examples_on_codes_equal_grouping_the_strings(storage):
    """daily_matrix and examples work on integer codes (Arrow dictionary-encoded at scale); they
    must answer exactly as grouping, matching and counting the strings themselves does."""
    from analytics.trends.segments import DIMENSIONS, daily_matrix
    from analytics.trends.wording import examples
    cases = _gappy_cases()
    for column in ("market", "abuse_category", "source", "language", "case_id"):
        cases[column] = cases[column].astype(pd.StringDtype(storage, na_value=np.nan))
    keys, counts = daily_matrix(cases, DAYS)
    day = (cases["created_date"] - DAYS[0]).dt.days.to_numpy()
    want_keys, want_blocks = [], []
    for dims in DIMENSIONS:   # the plain way: group the (filled) strings, sorted
        frame = cases[list(dims)].astype("str").fillna("(unknown)")
        grouped = frame.groupby(list(dims), sort=True)
        flat = np.bincount(grouped.ngroup().to_numpy() * len(DAYS) + day,
                           minlength=grouped.ngroups * len(DAYS))
        want_blocks.append(flat.reshape(grouped.ngroups, len(DAYS)).astype(float))
        want_keys.append(grouped.size().index.to_frame(index=False).assign(dimension=" × ".join(dims)))
    pd.testing.assert_frame_equal(keys, pd.concat(want_keys, ignore_index=True))
    np.testing.assert_array_equal(counts, np.vstack(want_blocks))
    assert "(unknown)" in set(keys["source"].dropna())
    for rows in (np.flatnonzero(cases["market"] == "KZ"), np.arange(0, len(cases), 7)):
        picked = cases[["created_at", "case_id", "language", "market"]].iloc[rows] \
            .sort_values("created_at", ascending=False)
        share = picked["language"].value_counts(normalize=True)
        markets = picked["market"].value_counts(normalize=True)
        want = (picked.groupby("language", sort=False, dropna=False).head(3)["case_id"].tolist(),
                share[share >= 0.1].index.tolist(), markets[markets >= 0.1].index.tolist()[:3])
        assert examples(cases, rows, 3) == want
