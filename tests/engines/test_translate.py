"""The translation to Spark SQL (analytics/engines/translate.py) without Spark: what the text
becomes. That the translated queries give DuckDB's rows is tests/engines/test_spark_parity.py's
(slow tier: a JVM)."""
from __future__ import annotations

import re

from analytics import db
from analytics.engines import translate


def test_percentiles_of_one_column_and_filter_become_one_aggregate():
    """kpi_weekly's median and p90 of each duration: one percentile(x, array(0.5, 0.9)) per
    column and filter, each output taking its element (four value buffers per group were kept
    where two hold the same values)."""
    query = translate.split(db.sql_text("fragments/kpi_weekly_cells")).query
    calls = re.findall(r"PERCENTILE\(([a-z_]+), ([^)]*\)?)\)", query, flags=re.IGNORECASE)
    assert sorted(calls) == [("first_response_s", "ARRAY(0.5, 0.9)"),
                             ("first_response_s", "ARRAY(0.5, 0.9)"),
                             ("resolution_s", "ARRAY(0.5, 0.9)"),
                             ("resolution_s", "ARRAY(0.5, 0.9)")]
    assert re.search(r"ELEMENT_AT\(PERCENTILE\(first_response_s, ARRAY\(0\.5, 0\.9\)\) "
                     r"FILTER\(WHERE activity = 'created'\), 2\) AS first_response_p90_s", query)


def test_percentiles_under_other_filters_or_alone_stay_as_they_are():
    text = ("select quantile_cont(x, 0.5) filter (where k = 'a') as a, "
            "quantile_cont(x, 0.9) filter (where k = 'b') as b, quantile_cont(y, 0.5) as c from t")
    query = translate.split(text).query
    assert "ELEMENT_AT" not in query.upper()
    assert query.upper().count("PERCENTILE(") == 3
