"""The Overview's trends block follows the sidebar (issue 16 point 11): it judges trends as of
the end of the sidebar's dates (or the last complete day if that is earlier) and for the
sidebar's markets, and says the day it judged."""
from __future__ import annotations

import datetime as dt

from app_fixture import start


def subheaders(at) -> list[str]:
    return [s.value for s in at.subheader]


def test_the_trends_block_judges_the_sidebars_end_and_markets(app_db):
    at = start()
    last = at.session_state["filters"].last_date
    assert any(h.startswith("Emerging trends as of") for h in subheaders(at)), subheaders(at)
    earlier = last - dt.timedelta(days=30)
    at.date_input(key="filter_dates").set_value((earlier - dt.timedelta(days=60), earlier)).run()
    assert not at.exception
    assert f"Emerging trends as of {earlier:%Y-%m-%d}" in subheaders(at), subheaders(at)
    at.multiselect(key="filter_markets").set_value(["KZ"]).run()
    shown = [m.value for m in at.markdown if " more cases than expected" in m.value]
    assert all("KZ" in line or "·" not in line for line in shown), shown
