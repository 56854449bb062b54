"""The process-wide settings Escalation Radar relies on, made in one call at start-up.

`configure()` is called by each entry point — app.py (the Streamlit server), `python -m
analytics` (every command) and tests/conftest.py — and by nothing else: importing a module
never changes the process (tests/test_hidden_state.py checks that). It sets:

- `csv.field_size_limit`: no limit. The ingest's CSV reader (analytics/ingest/csv_reader.py)
  reads summaries of any length: a 1 MB summary is data, not an attack on the sniffer. Without
  it, Python stops at 128 KB and the file is refused.
- Plotly's default template: `radar` (`plotly_white` with Tableau's ten-colour qualitative
  palette, grey left out for "Other": neighbouring series differ in hue and lightness, where
  Plotly's default pastels put two pinks side by side), process-wide rather than `template=` per figure:
  naming the template in a layout rebuilds it (a deep copy of its ~1,000 properties), ~25 ms per
  figure, several per page run. Snapshot figures name theirs (they are built once).
- glibc's malloc arenas: capped at two (what `MALLOC_ARENA_MAX=2` does when exported before
  start). glibc gives each thread that allocates its own arena (up to 8 per core) and rarely
  hands freed arena memory back; Streamlit runs every session's script on its own thread, so
  twenty concurrent sessions left the server ~330 MB larger than warm, though the data they share
  is cached once (bench/load_test.py, docs/reliability.md). Call `configure()` before the
  session threads allocate. Elsewhere than glibc it does nothing.

Library use (a notebook, a bench script) works without it, except that a CSV field over 128 KB
is refused and charts take Plotly's own default look.
"""
from __future__ import annotations

import csv
import ctypes
import ctypes.util
import sys
from functools import lru_cache

PLOTLY_TEMPLATE = "radar"
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f")   # Tableau 10 without its grey (grey is "Other")
MALLOC_ARENAS = 2
_M_ARENA_MAX = -8   # glibc's mallopt parameter number (malloc.h)


def configure() -> dict:
    """Make the process-wide settings above; what each one became (idempotent)."""
    import plotly.graph_objects as go
    import plotly.io as pio

    csv.field_size_limit(sys.maxsize)
    if PLOTLY_TEMPLATE not in pio.templates:
        radar = go.layout.Template(pio.templates["plotly_white"])   # a copy
        radar.layout.colorway = PALETTE
        pio.templates[PLOTLY_TEMPLATE] = radar
    pio.templates.default = PLOTLY_TEMPLATE
    return {"csv_field_size_limit": csv.field_size_limit(), "plotly_template": PLOTLY_TEMPLATE,
            "malloc_arenas_capped": limit_arenas(MALLOC_ARENAS)}


@lru_cache(maxsize=None)   # (app.py calls configure() on every script run: look up libc once)
def limit_arenas(arenas: int) -> bool:
    """Cap glibc's malloc arenas for this process; whether it took effect."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        return bool(ctypes.CDLL(name).mallopt(_M_ARENA_MAX, arenas))
    except (OSError, AttributeError):
        return False
