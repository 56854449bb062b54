"""The native path (analytics/ingest/native.py: DuckDB reads the file, SQL validates) against the
pandas path on the same files: identical cases, case_events, reviews and rejected_rows tables and
identical reports, for the repo's fixtures, the bad exports of issue 8 and files written here to
hit every rule; and each file takes the path the module docstring says it takes (plain UTF-8
CSV: native; everything else, and what the SQL cannot judge: pandas)."""
from __future__ import annotations

import io

import duckdb
import pandas as pd
import pytest

from analytics import settings
from analytics.ingest import ingest_file, native

FIXTURES = settings.ROOT / "tests" / "fixtures" / "ingest"
TABLES = ("cases", "case_events", "reviews", "rejected_rows")

CASE_HEADER = ("case_id,created_at,updated_at,first_response_at,resolved_at,sla_due_at,status,market,"
               "source,priority,is_appealed,appeal_outcome,reopen_count,is_sla_met,summary,extra\n")
EDGES = CASE_HEADER + "".join([
    "E1, 2025-03-01 10:00 ,2025-03-01T11:00:00,2025-03-01 10:30,,2025-03-02,Open,kz,Regulator,p1,Yes,,2,N,"
    "\"quoted, \"\"with\"\" comma\",x\n",
    "E2,2025-03-01 10:00:00.123456,,,2025-03-01 09:00,,closed,US-NY,legal,P0,no,upheld,,true,\u0410\u043b\u043c\u0430\u0442\u044b,\n",
    "E3,2025-03-01T10:00:00+05:00,2025-03-01 12:00Z,,,,pending,Narnia,internal,P3,maybe,odd,1.0,,\"two\nlines\",\n",
    "E4,1900-01-01,,,,,open,GB,user_report,P2,,,x,,placeholder,\n",
    "E5,2099-01-01 00:00,,,,2099-01-01,open,DE,advertiser,P2,,,,,future,\n",
    "E6,2025-02-29 10:00,,,,,open,KZ,,,,,,,leap,\n",
    ",2025-03-01 10:00,,,,,open,KZ,,,,,,,no id,\n",
    "E7,,,,,,open,KZ,,,,,3.5,,no created,\n",
    "E1,2025-03-01 10:00,2025-03-01 12:00,,2026-06-01 10:00,,resolved,KZ,regulator,P1,,,,,later copy,\n",
    "E8,2025-03-01 10:00,2025-03-01 10:00,,,,open,kz,,,,,,,\t tabbed \t,\n",
])
REVIEWS = ("review_id,vendor,case_id,market,claimed_at,decided_at,is_qa_sampled,is_qa_correct,qa_score\n"
           "R1,acme,E1,KZ,2025-03-01 10:00,2025-03-01 10:05,true,false,\"87,5\"\n"
           "R2,acme,E1,GB,2025-03-01 10:00,2025-03-01 09:00,1,0,100\n"
           "R3,,E2,KZ,,2025-03-01 10:05,yes,,abc\n"
           "R4,beta,E3,US-CA,,2025-03-01 23:05,,,12.25\n")


def ingest_both(tmp_path, path, *, runs=1, **kwargs):
    """Ingest `path` `runs` times with each path into its own fresh database; their tables,
    reports and whether the native path was taken."""
    out = {}
    for which in ("native", "pandas"):
        db_path = tmp_path / f"{which}.duckdb"
        taken = []
        original_load = native.load

        def spy(*args, **kw):
            result = original_load(*args, **kw)
            taken.append(result is not None)
            return result
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(native, "load", spy)
            if which == "pandas":
                patch.setattr(native, "can_load", lambda *a, **k: False)
            reports = [ingest_file(path, db_path=db_path, **kwargs) for _ in range(runs)]
        out[which] = (tables(db_path), [report_of(r) for r in reports], any(taken))
    return out


def tables(db_path) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return {t: con.sql(f"select * from {t} order by all").df() for t in TABLES}


def report_of(report) -> tuple:
    return (report.counts(), report.messages, report.events_added, report.kind)


def assert_same(result) -> bool:
    (native_tables, native_reports, taken), (pandas_tables, pandas_reports, _) = (
        result["native"], result["pandas"])
    for name in TABLES:
        pd.testing.assert_frame_equal(native_tables[name], pandas_tables[name], obj=name)
    assert native_reports == pandas_reports
    return taken


@pytest.mark.parametrize("name,native_taken", [
    ("good.csv", True), ("semicolon.csv", True), ("utf8_bom.csv", True), ("bad_date.csv", True),
    ("bad_value.csv", True), ("quotes_newlines.csv", True), ("header_only.csv", True),
    ("cases.parquet", False), ("missing_required.csv", False), ("ragged.csv", False),
    ("cp1251.csv", False), ("utf16_bom.csv", False), ("cases.csv.gz", False), ("cases.zip", False),
    ("cases.jsonl", False), ("cases.xlsx", False)])
def test_fixtures_load_the_same_either_way(tmp_path, name, native_taken):
    assert assert_same(ingest_both(tmp_path, FIXTURES / name)) is native_taken


def test_every_rule_gives_the_same_rows_and_quarantine(tmp_path):
    path = tmp_path / "edges.csv"
    path.write_text(EDGES, encoding="utf-8")
    result = ingest_both(tmp_path, path, runs=2)   # the second run: everything unchanged
    assert assert_same(result)
    counts = result["native"][1][0][0]
    assert (counts["rejected"], counts["superseded"], counts["inserted"]) == (7, 1, 2), counts


def test_windows_line_endings(tmp_path):
    path = tmp_path / "crlf.csv"
    path.write_bytes(EDGES.replace("\n", "\r\n").encode("utf-8"))
    assert assert_same(ingest_both(tmp_path, path)) is True


def test_reviews_and_a_renaming_mapping(tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_text(REVIEWS.replace("review_id", "Review ID").replace("decided_at", "Decision Time"),
                    encoding="utf-8")
    mapping = tmp_path / "m.toml"
    mapping.write_text('kind = "reviews"\nmarket_time_zone = "America/New_York"\n'
                       '[columns]\nreview_id = "Review ID"\ndecided_at = "Decision Time"\n',
                       encoding="utf-8")
    assert assert_same(ingest_both(tmp_path, path, mapping=mapping))


def test_updates_into_a_loaded_database(tmp_path):
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text(EDGES, encoding="utf-8")
    second.write_text(CASE_HEADER + "E1,2025-03-01 10:00,2025-03-01 13:00,,,,closed,KZ,,,,,,,again,\n"
                      "E8,2025-03-01 10:00,2025-03-01 10:00,,,,open,kz,,,,,,,\t tabbed \t,\n"
                      "E9,2025-03-02 10:00,,,,,open,KZ,,,,,,,new,\n", encoding="utf-8")
    out = {}
    for which in ("native", "pandas"):
        db_path = tmp_path / f"{which}.duckdb"
        with pytest.MonkeyPatch.context() as patch:
            if which == "pandas":
                patch.setattr(native, "can_load", lambda *a, **k: False)
            reports = [report_of(ingest_file(p, db_path=db_path)) for p in (first, second)]
        out[which] = (tables(db_path), reports, True)
    assert assert_same(out)
    assert out["native"][1][1][0] == {"read": 3, "inserted": 1, "updated": 1, "unchanged": 1,
                                      "superseded": 0, "rejected": 0}


def test_values_only_pandas_reads_send_the_file_to_pandas(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("case_id,created_at,reopen_count\nO1,2025-03-01 10:00,1e1\n"
                    "O2,2025-03-01 10:00,\n", encoding="utf-8")
    assert assert_same(ingest_both(tmp_path, path)) is False   # 1e1 is 10 to pandas
    path.write_text("case_id,created_at,reopen_count\nO1,2025-3-1,\nO2,31.02.2025,x\n",
                    encoding="utf-8")
    assert assert_same(ingest_both(tmp_path, path)) in (True, False)


def test_parquet_takes_the_pandas_path(tmp_path):
    frame = pd.DataFrame({
        "case_id": ["P1", "P2", "P3"], "created_at": pd.to_datetime(["2025-03-01 10:00"] * 3),
        "resolved_at": pd.to_datetime(["2025-03-01 12:00", None, "2026-06-01 00:00"]),
        "updated_at": pd.to_datetime(["2025-03-01 10:00:00.500", None, None], utc=True),
        "is_appealed": [True, None, False], "reopen_count": pd.array([1, None, 3], dtype="Int64"),
        "market": ["KZ", "us-ny", None], "priority": ["p1", "P2", None], "notes": ["a", "b", "c"]})
    path = tmp_path / "typed.parquet"
    frame.to_parquet(path, index=False)
    assert assert_same(ingest_both(tmp_path, path)) is False


def test_a_big_file_keeps_file_order(tmp_path):
    """Row numbers, supersession ties and quarantine rows of a multi-block file."""
    import sys
    sys.path.insert(0, str(settings.ROOT / "tests"))
    from ingest_fixture import expected_counts, write_cases_csv
    path = write_cases_csv(tmp_path / "big.csv", 60_000, summary_words=3)
    result = ingest_both(tmp_path, path)
    assert assert_same(result)
    counts = result["native"][1][0][0]
    expected = expected_counts(60_000)
    assert (counts["read"], counts["rejected"], counts["superseded"]) == (
        expected["read"], expected["rejected"], expected["superseded"])


def test_rules_frame_lists_every_check_the_sql_reports():
    stage = (settings.ROOT / "sql" / "ingest" / "native_cases_stage.sql").read_text()
    from analytics import contract
    from analytics.ingest.mapping import Mapping
    from analytics.ingest.validate import Plan
    plan = Plan("cases", {c: (c,) for c in contract.column_names("cases")}, Mapping())
    rules = native.rules_frame(plan)
    for row in rules.itertuples():
        assert f"'column_name': '{row.column_name}', 'check_name': '{row.check_name}'" in stage
    assert stage.count("'check_name': ") == len(rules)


def test_whitespace_is_what_str_strip_strips():
    import sys
    assert native.WHITESPACE == "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())


TIMESTAMPS = ["2025-03-01", "2025-03-01 10:00", "2025-03-01T10:00:59", "2025-03-01 10:00:00.5",
              "2025-03-01 10:00:00.123456", "2024-02-29 23:59", "2025-02-29 10:00", "2025-04-31",
              "1700-01-01 00:00", "2199-12-31T23:59:59", "2025-03-01 10:00Z", "2025-03-01T10:00+05",
              "2025-03-01 10:00:00+0530", "2025-03-01 10:00:00.25-03:30", "2025-03-01 23:30-01:00"]
NUMBERS = ["0", "-3", "+7", "12.0", "1.", ".5", "3.5", "1,5", "1e3", "2.5E-2", "999999999"]


def test_what_the_patterns_accept_duckdb_and_pandas_read_alike():
    import re

    from analytics.ingest import parsers
    con = duckdb.connect()
    naive, offset = native.PATTERNS["naive_pattern"], native.PATTERNS["offset_pattern"]
    for text in TIMESTAMPS:
        form = "naive" if re.fullmatch(naive, text) else "offset" if re.fullmatch(offset, text) else None
        assert form, text
        ours = con.execute("select case $form when 'naive' then try_cast($t as timestamp) "
                           "else timezone('UTC', try_cast($t as timestamptz)) end",
                           {"form": form, "t": text}).fetchall()[0][0]
        theirs, bad = parsers.parse_timestamps(pd.Series([text]))
        assert (ours is None) == bool(bad[0]) and (ours is None or ours == theirs[0]), text
    for text in NUMBERS:
        for integer, key in ((True, "int_pattern"), (False, "float_pattern")):
            value = text if integer else text.replace(",", ".")
            if not re.fullmatch(native.PATTERNS[key], value):
                continue
            ours = con.execute("select try_cast($t as double)", {"t": value}).fetchall()[0][0]
            theirs, bad = parsers.parse_numbers(pd.Series([text]), integer=integer)
            assert not bad[0] and float(theirs[0]) == ours, text
