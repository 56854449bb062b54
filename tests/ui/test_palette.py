"""A qualitative palette whose colours differ (issue 16 point 11): every two series colours of
the app's template, and each against the grey of "Other", are apart by at least a clearly
visible CIE76 colour difference; stacked areas are filled solid in those colours (Plotly's
default half-transparent fills washed two pinks into one)."""
from __future__ import annotations

import itertools
import math

import pandas as pd
import plotly.io as pio

from analytics import startup
from ui import charts

VISIBLE = 25.0   # CIE76 ΔE; ~2.3 is just noticeable, > 20 reads as a different colour
OTHER_GREY = "#bbbbbb"


def lab(colour: str) -> tuple[float, float, float]:
    """sRGB hex to CIE L*a*b* (D65)."""
    def linear(c):
        return ((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92
    r, g, b = (linear(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    x = (r * 0.4124 + g * 0.3576 + b * 0.1805) / 0.95047
    y = r * 0.2126 + g * 0.7152 + b * 0.0722
    z = (r * 0.0193 + g * 0.1192 + b * 0.9505) / 1.08883
    f = [v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116 for v in (x, y, z)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def test_every_two_series_colours_differ_visibly():
    palette = pio.templates[startup.PLOTLY_TEMPLATE].layout.colorway
    assert len(palette) >= 8
    for a, b in itertools.combinations(palette, 2):
        assert math.dist(lab(a), lab(b)) >= VISIBLE, (a, b)
    for colour in palette:
        assert math.dist(lab(colour), lab(OTHER_GREY)) >= 20, colour


def test_stacked_areas_are_filled_solid_in_the_palette():
    days = pd.date_range("2026-03-01", periods=3)
    frame = pd.DataFrame({"day": list(days) * 3, "cases": [1, 2, 3] * 3,
                          "region": ["a"] * 3 + ["b"] * 3 + ["c"] * 3})
    fig = charts.stacked(frame, "day", "cases", "region", title="t", y_title="y")
    fills = [trace.fillcolor for trace in fig.data]
    assert fills == list(pio.templates[startup.PLOTLY_TEMPLATE].layout.colorway[:3])
