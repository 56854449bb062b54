"""The snapshot as one self-contained HTML file: Plotly's JS embedded once, no network.

Every piece of text from the data or from people (segment labels, filters, the author) goes
through `html.escape`; tables are rendered cell by cell here rather than by pandas' `to_html`
so that nothing is left unescaped by an option.
"""
from __future__ import annotations

import html
import json

import pandas as pd
from plotly.offline import get_plotlyjs

from analytics import kpis
from analytics.snapshots.model import Snapshot

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:2rem auto;
max-width:1150px;color:#1b1f24;padding:0 1rem}
h1{margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
.stamp{background:#f5f7fa;border:1px solid #dde3ea;border-radius:6px;padding:.6rem 1rem}
.stamp td{padding:.1rem .8rem .1rem 0;vertical-align:top}
.internal{background:#fff1e6;border:2px solid #e67e22;padding:.6rem 1rem;border-radius:6px}
table.data{border-collapse:collapse;font-size:.86rem;margin:.5rem 0;display:block;overflow-x:auto}
table.data th,table.data td{border:1px solid #e1e4e8;padding:.2rem .5rem;text-align:left}
table.data th{background:#f0f3f6}table.data td.n{text-align:right}
.note{color:#555;font-size:.88rem}.missing{color:#a04000}
"""


def _cell(value) -> str:
    if value is None or (not isinstance(value, (list, dict, str)) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return html.escape(str(value))


def _align(value) -> str:
    """Numbers (and '<10', 'n/p', '5 min', '92.7%') right-aligned, words left."""
    text = str(value)
    numeric = isinstance(value, (int, float)) or text[:1].isdigit() or text[:1] in "<+-" \
        or text == "n/p"
    return ' class="n"' if numeric else ""


def table_html(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td{_align(v)}>{_cell(v)}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    return f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _filters(snapshot: Snapshot) -> str:
    r = snapshot.request
    parts = [f"{name}: {', '.join(values)}" for name, values in
             (("markets", r.markets), ("categories", r.categories), ("sources", r.sources))
             if values]
    parts += [f"{k}: {v}" for k, v in sorted(r.selection.items()) if v not in (None, "")]
    return html.escape("; ".join(parts) or "none (every market, category and source)")


def _stamp(snapshot: Snapshot, stamp: dict) -> str:
    k = stamp["threshold"]
    as_of = f"{snapshot.data_as_of:%Y-%m-%d %H:%M} UTC" if snapshot.data_as_of else "unknown"
    rows = [("Period", snapshot.period), ("Filters", None), ("Data as of", as_of),
            ("Made by", stamp["made_by"]), ("Made at", f"{stamp['made_at']:%Y-%m-%d %H:%M} UTC"),
            ("Product version", stamp["version"]),
            ("Privacy", f"Aggregates only: no case text, case ids or reviewer ids. Counts "
                        f"below {k} are shown as <{k}; n/p marks a value not published so "
                        f"that totals cannot reveal a small one.")]
    cells = "".join(f"<tr><td><b>{html.escape(a)}</b></td><td>"
                    f"{_filters(snapshot) if b is None else html.escape(str(b))}</td></tr>"
                    for a, b in rows)
    files = ", ".join(stamp["files"]) or "none"
    extra = f'<p class="note">Data files beside this page in {html.escape(stamp["folder"])}/: '\
            f"{html.escape(files)}.</p>"
    if stamp["png_note"]:
        extra += f'<p class="missing">PNG images missing: {html.escape(stamp["png_note"])}.</p>'
    return f'<div class="stamp"><table>{cells}</table>{extra}</div>'


def _section(section, first_chart: bool) -> str:
    out = [f"<h2>{html.escape(section.title)}</h2>"]
    if section.note:
        out.append(f'<p class="note">{html.escape(section.note)}</p>')
    if section.figure is not None:
        out.append(section.figure.to_html(full_html=False, include_plotlyjs=False,
                                          div_id=f"chart-{section.name}",
                                          config={"displaylogo": False, "responsive": True}))
    if section.table is not None:
        out.append(table_html(section.table) if len(section.table)
                   else '<p class="note">Nothing to show for this selection.</p>')
    return "\n".join(out)


def render(snapshot: Snapshot, stamp: dict) -> str:
    internal = ""
    if snapshot.request.include_examples:
        internal = ('<p class="internal"><b>Internal: this snapshot includes example cases '
                    "(case ids and text).</b> Do not send it outside the team.</p>")
    definitions = "".join(f"<tr><td>{html.escape(kpis.KPIS[n].label)}</td><td>"
                          f"{html.escape(kpis.KPIS[n].definition)}</td></tr>"
                          for n in dict.fromkeys(snapshot.kpis) if n in kpis.KPIS)
    sections = "\n".join(_section(s, i == 0) for i, s in enumerate(snapshot.sections))
    meta = html.escape(json.dumps({"page": snapshot.request.page}))
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(snapshot.title)} — Escalation Radar snapshot</title>"
            f'<meta name="escalation-radar" content="{meta}">'
            f"<style>{_STYLE}</style><script>{get_plotlyjs()}</script></head><body>"
            f"<h1>{html.escape(snapshot.title)}</h1>"
            f'<p class="note">A frozen snapshot from Escalation Radar: it does not change when '
            f"the data does.</p>{internal}{_stamp(snapshot, stamp)}{sections}"
            f'<h2>Definitions</h2><table class="data">{definitions}</table>'
            f"</body></html>")
