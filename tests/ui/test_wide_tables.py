"""Wide tables keep their key column in view (issue 16 point 11): the event, the trend, the case
id and the vendor are pinned, so a table wider than 1440 px scrolls with them frozen."""
from __future__ import annotations

import json

from app_fixture import start

PINNED = {"ui/pages/spikes.py": ("spike_inbox", "event"),
          "ui/pages/trends.py": ("trends_table", "label"),
          "ui/pages/cases.py": ("cases_table", "case_id"),
          "ui/pages/vendors.py": ("vendor_scorecard", "vendor")}


def test_key_columns_are_pinned(app_db):
    at = start()
    whole = at.session_state["filters"]
    at.date_input(key="filter_dates").set_value((whole.first_date, whole.last_date)).run()
    for page, (key, column) in PINNED.items():
        at.switch_page(page).run()
        assert not at.exception, page
        table = next((d for d in at.dataframe   # (AppTest keeps the key of selectable ones)
                      if d.key == key or column in json.loads(d.proto.columns)), None)
        assert table is not None, page
        config = json.loads(table.proto.columns)
        assert config[column].get("pinned") is True, (page, config.get(column))


def test_counts_have_thousands_separators(app_db):
    at = start()
    whole = at.session_state["filters"]
    at.date_input(key="filter_dates").set_value((whole.first_date, whole.last_date)).run()
    at.switch_page("ui/pages/spikes.py").run()
    config = json.loads(next(d for d in at.dataframe if d.key == "spike_inbox").proto.columns)
    for column in ("observed", "expected", "excess"):   # 13,341.3, not 13341.3
        assert config[column]["type_config"]["format"] == "localized", config[column]
