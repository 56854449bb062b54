"""Sidebar filters only where a page reads them (issue 16 point 11): the Data, Alerts and
Snapshots pages draw none, Trends only the markets, Vendors the dates and markets; values set on
one page survive a visit to a page that does not draw them, in the widgets and in the URL."""
from __future__ import annotations

from app_fixture import start

FILTER_KEYS = {"filter_dates", "filter_markets", "filter_categories", "filter_sources"}


def drawn(at) -> set[str]:
    keys = {w.key for w in at.multiselect} | {w.key for w in at.date_input}
    return keys & FILTER_KEYS


def test_each_page_draws_the_filters_it_reads(app_db):
    at = start()
    assert drawn(at) == FILTER_KEYS
    expected = {"ui/pages/data.py": set(), "ui/pages/alerts.py": set(),
                "ui/pages/snapshots.py": set(), "ui/pages/trends.py": {"filter_markets"},
                "ui/pages/vendors.py": {"filter_dates", "filter_markets"},
                "ui/pages/spikes.py": FILTER_KEYS, "ui/pages/cases.py": FILTER_KEYS}
    for page, keys in expected.items():
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert drawn(at) == keys, page
        said = "\n".join(c.value for c in at.sidebar.caption)
        assert ("to this page" in said) == (keys != FILTER_KEYS), page


def test_values_survive_a_page_that_does_not_draw_them(app_db):
    at = start({"from": "2026-02-01", "to": "2026-02-28"})
    at.multiselect(key="filter_categories").set_value(["scam"]).run()
    at.multiselect(key="filter_markets").set_value(["KZ"]).run()
    for page in ("ui/pages/data.py", "ui/pages/trends.py", "ui/pages/vendors.py"):
        at.switch_page(page).run()
        assert at.query_params["categories"] == "scam", page
        assert at.session_state["filters"].categories == ("scam",), page
    at.switch_page("ui/pages/overview.py").run()
    assert at.multiselect(key="filter_categories").value == ["scam"]
    assert at.multiselect(key="filter_markets").value == ["KZ"]
    assert [d.isoformat() for d in at.date_input(key="filter_dates").value] == [
        "2026-02-01", "2026-02-28"]
