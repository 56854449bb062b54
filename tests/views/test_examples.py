"""analytics/views/examples.py: the example-case table as exports without some columns show it."""
import pandas as pd

from analytics.views import examples


def test_a_column_empty_in_every_row_is_left_out_and_timestamps_say_utc():
    """The ServiceNow log has no summary and no language: the Cases page drew a wide blank
    Summary column and an empty Language one; 'Created at' beside the market-local created
    date did not say it is UTC (NYC: 01:52 on the 14th is the 13th in New York)."""
    rows = pd.DataFrame({"case_id": ["INC1", "INC2"], "summary": [None, "  "],
                         "created_at": ["2017-02-16 14:17:00"] * 2, "market": ["L 204"] * 2,
                         "language": [None, float("nan")], "status": ["closed"] * 2})
    html = examples.examples_html(rows)
    assert "<th>Summary</th>" not in html and "<th>Language</th>" not in html
    assert "<th>Case id</th><th>Created at (UTC)</th><th>Market</th><th>Status</th>" in html
    shown = examples.examples_html(rows.assign(summary=["Cat", None]))
    assert "<th>Summary</th>" in shown


def test_the_case_id_stays_even_when_blank():
    rows = pd.DataFrame({"case_id": [None], "market": ["KZ"]})
    assert "<th>Case id</th>" in examples.examples_html(rows)
