"""A copied Trends link reopens the same view: as-of day, languages and the opened trend."""
from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from analytics import settings

APP = str(settings.ROOT / "app.py")


def trends_page(query: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    at.run()
    at.switch_page("ui/pages/trends.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_trends_view_round_trips_through_the_url(app_db):
    at = trends_page({})
    last = at.date_input(key="trends_as_of").value
    earlier = last - dt.timedelta(days=3)
    at.date_input(key="trends_as_of").set_value(earlier).run()
    at.multiselect(key="trends_languages").set_value(["kk", "ru"]).run()
    assert at.query_params["as_of"] in (earlier.isoformat(), [earlier.isoformat()])
    assert at.query_params["lang"] == ["kk", "ru"]
    labels = at.selectbox(key="trends_pick").options
    if len(labels) > 1:
        at.selectbox(key="trends_pick").set_value(labels[1]).run()
    picked = at.selectbox(key="trends_pick").value
    link = {k: at.query_params[k] for k in ("as_of", "lang", "trend")}

    reopened = trends_page(link)
    assert reopened.date_input(key="trends_as_of").value == earlier
    assert reopened.multiselect(key="trends_languages").value == ["kk", "ru"]
    assert reopened.selectbox(key="trends_pick").value == picked


def test_a_hand_edited_trends_link_falls_back_to_defaults(app_db):
    at = trends_page({"as_of": "not-a-date", "lang": ["xx", "kk"], "trend": "'; drop table cases"})
    assert at.multiselect(key="trends_languages").value == ["kk"]
    assert at.date_input(key="trends_as_of").value is not None
