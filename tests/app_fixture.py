"""The app from its real entry point in AppTest, and helpers to read what it shows: shared by
the page tests (tests/ui/, tests/engines/)."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from analytics import settings

APP = str(settings.ROOT / "app.py")
PAGES = [f"ui/pages/{name}.py" for name in
         ("overview", "markets", "kpis", "vendors", "cases", "data")]
FIRST_RUN_S = 60   # a fresh process imports plotly and fills the cache
RUN_S = 10


def start(query: dict | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=RUN_S)
    at.query_params.update(query or {})
    at.run(timeout=FIRST_RUN_S)
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def number(text: str) -> float:
    return float(text.replace(",", "").replace("%", "").split()[0])


def table_with(at: AppTest, column: str):
    """The first st.dataframe that has `column` (plain tables carry no key in AppTest)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)
