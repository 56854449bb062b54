"""Keep the case search's keys current: the keys of every distinct text not yet indexed.

`case_search` (sql/derived/80_case_search.sql) holds each case's row with the hash of its text
(summary and language); `search_terms` holds each text's keys (analytics/text/search.py),
computed here in Python because the stemmers are Python. Summaries repeat (templates, copy-paste), so a text's
keys are computed once, however many cases carry it, and an ingest only computes the texts it
brought. Runs right after an ingest of cases (analytics/ingest/aggregates.py), in its writer.
"""
from __future__ import annotations

import duckdb
import pyarrow as pa

from analytics import db
from analytics.text.search import text_keys

BATCH_ROWS = 50_000
RESORT_SHARE = 0.1   # re-sort the keys by term once this share of them was appended unsorted


def _keys_of(batch: pa.RecordBatch) -> pa.Table:
    hashes, terms = [], []
    for text_hash, summary, language in zip(*(batch.column(i).to_pylist() for i in range(3))):
        keys = text_keys(summary, language)
        hashes += [text_hash] * len(keys)
        terms += sorted(keys)
    return pa.table({"text_hash": pa.array(hashes, pa.uint64()), "term": pa.array(terms, pa.string())})


def _row_count(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("select count(*) from search_terms").fetchall()[0][0])


def index_new_texts(con: duckdb.DuckDBPyConnection, query: str = "search/new_texts") -> int:
    """Add the keys of every text no key is stored for yet; the number of texts read. `query`
    finds those texts (an ingest that touched few cases reads only theirs: analytics/ingest/
    aggregates.py)."""
    before = _row_count(con)
    # fetched whole: the connection's next statement (an insert) would end a streamed result
    new = db.query_arrow(con, query)
    for batch in new.to_batches(BATCH_ROWS):
        keys = _keys_of(batch)
        con.register("search_batch", keys)
        try:
            con.execute("insert into search_terms select text_hash, term from search_batch")
        finally:
            con.unregister("search_batch")
    if _row_count(con) - before > RESORT_SHARE * max(before, 1):
        # sorted by term, a search's few keys read a few row groups (zone maps)
        con.execute("create or replace table search_terms as "
                    "select * from search_terms order by term, text_hash")
    return new.num_rows


def refresh(con: duckdb.DuckDBPyConnection) -> int:
    """Rebuild case_search from cases, then index the texts it holds that have no keys yet."""
    db.build_derived(con, {"80_case_search"})
    return index_new_texts(con)
