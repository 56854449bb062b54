"""Values in words where people read them (issue 16 point 11): the demo's snake_case categories
and sources (`hate_speech`, `user_report`) are shown as 'hate speech', 'user report' in the
sidebar, the spike inbox and its drivers, while filters and links keep the stored value."""
from __future__ import annotations

from app_fixture import start


def test_the_sidebar_and_the_spike_inbox_say_values_in_words(app_db):
    at = start()
    categories = at.multiselect(key="filter_categories")
    assert "hate speech" in categories.options and "hate_speech" not in categories.options
    categories.set_value(["hate_speech"]).run()          # the stored value filters
    assert at.query_params["categories"] == "hate_speech"
    at.multiselect(key="filter_categories").set_value([]).run()
    at.date_input(key="filter_dates").set_value((at.session_state["filters"].first_date,
                                                 at.session_state["filters"].last_date)).run()
    at.switch_page("ui/pages/spikes.py").run()
    assert not at.exception
    events = next(d for d in at.dataframe if d.key == "spike_inbox").value["event"]
    assert len(events) and not any("_" in e.split(" · ")[0] for e in events), list(events)
    drivers = next(d.value for d in at.dataframe if "dimension" in d.value.columns)
    values = [str(v) for v in drivers["value"]]      # the demo's categories, queues, ...
    assert not [v for v in values if "_" in v], values
    assert {"adult content", "graphic violence", "regulated goods"} & set(values), values


def test_table_headers_are_words(app_db):
    import json

    at = start(page="ui/pages/cases.py")
    table = next(d for d in at.dataframe if "abuse_category" in d.value.columns)
    config = json.loads(table.proto.columns)
    assert config["abuse_category"]["label"] == "Abuse category"
    assert config["created_date"]["label"] == "Created date"
