"""Vectorised value parsers: each takes a Series of raw values and returns (parsed, bad), where
`bad` marks values that were present but could not be read. No Python loop per row.

>>> ts, bad = parse_timestamps(pd.Series(["29/2/2016 01:16", "31/02/2016 10:00", None]),
...                            formats=("%d/%m/%Y %H:%M",), zone="Asia/Almaty")
>>> [str(t) for t in ts], bad.tolist()
(['2016-02-28 19:16:00', 'NaT', 'NaT'], [False, True, False])
"""
from __future__ import annotations

import numpy as np
import pandas as pd

TRUE_WORDS = ("true", "t", "yes", "y", "1")
FALSE_WORDS = ("false", "f", "no", "n", "0")
ISO_HINT = "expected ISO 8601 such as 2025-03-01 14:30 or 2025-03-01T14:30:00+05:00"
# A time with an offset, extended (10:15:00+05:00) or basic (081500Z, 0815+0500) ISO 8601.
_OFFSET = r"[Tt ]\d\d(?::?\d\d){0,2}(?:\.\d+)?\s*(?:Z|UTC|[+-]\d\d(?::?\d\d)?)$"


def as_text(values: pd.Series, null_values: tuple[str, ...] = ()) -> pd.Series:
    """Strings, stripped; empty strings and the null markers become missing."""
    if pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
        values = values.astype("Int64")  # 12345.0 from a column with gaps is the id 12345
    text = values.astype("str").str.strip()
    missing = text.eq("") | text.isin(null_values) if null_values else text.eq("")
    return text.mask(missing.fillna(False))


def to_utc(naive: pd.Series, zone: str) -> pd.Series:
    """Naive wall-clock times in `zone` to naive UTC; DST gaps shift forward, repeats take the first."""
    if zone.upper() == "UTC":
        return naive
    local = naive.dt.tz_localize(zone, ambiguous=np.ones(len(naive), dtype=bool),
                                 nonexistent="shift_forward")
    return local.dt.tz_convert("UTC").dt.tz_localize(None)


def _strptime(text: pd.Series, fmt: str) -> pd.Series:
    if "%z" in fmt or "%Z" in fmt:
        parsed = pd.to_datetime(text, format=fmt, errors="coerce", utc=True)
        return parsed.dt.tz_convert("UTC").dt.tz_localize(None), True
    return pd.to_datetime(text, format=fmt, errors="coerce"), False


def _iso(text: pd.Series, zone: str) -> pd.Series:
    has_offset = text.str.contains(_OFFSET, regex=True).fillna(False)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    if has_offset.any():
        aware = pd.to_datetime(text[has_offset], format="ISO8601", errors="coerce", utc=True)
        out[has_offset] = aware.dt.tz_localize(None).astype("datetime64[us]")
    if (~has_offset).any():
        out[~has_offset] = _iso_naive(text[~has_offset], zone)
    return out


def _iso_naive(text: pd.Series, zone: str) -> pd.Series:
    """Values without an offset, read in `zone`. Should one with an offset slip past _OFFSET,
    pandas returns aware times or refuses a mix: then each value is read alone."""
    try:
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
    except (ValueError, TypeError):   # "Mixed timezones detected"
        return _iso_one_by_one(text, zone)
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        return parsed.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[us]")
    return to_utc(parsed.astype("datetime64[us]"), zone)


def _iso_one_by_one(text: pd.Series, zone: str) -> pd.Series:
    stamps = [pd.to_datetime(v, format="ISO8601", errors="coerce") for v in text]
    aware = pd.Series([s is not pd.NaT and s.tzinfo is not None for s in stamps], index=text.index)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    for where, stamp in zip(text.index[aware], (s for s, a in zip(stamps, aware) if a)):
        out[where] = stamp.tz_convert("UTC").tz_localize(None)
    naive = [s if not a else pd.NaT for s, a in zip(stamps, aware)]
    out[~aware] = to_utc(pd.Series(naive, index=text.index, dtype="datetime64[us]")[~aware], zone)
    return out


def parse_timestamps(values: pd.Series, *, formats: tuple[str, ...] = (),
                     zone: str = "UTC") -> tuple[pd.Series, pd.Series]:
    """UTC naive datetime64[us]. Formats are tried in order, then ISO 8601; naive times are in `zone`."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        out = values.dt.tz_convert("UTC").dt.tz_localize(None)
        return out.astype("datetime64[us]"), pd.Series(False, index=values.index)
    if pd.api.types.is_datetime64_dtype(values):
        return to_utc(values.astype("datetime64[us]"), zone), pd.Series(False, index=values.index)
    text = as_text(values)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    for fmt in formats:
        todo = out.isna() & text.notna()
        if not todo.any():
            break
        parsed, is_utc = _strptime(text[todo], fmt)
        parsed = parsed.astype("datetime64[us]")
        out[todo] = parsed if is_utc else to_utc(parsed, zone)
    todo = out.isna() & text.notna()
    if todo.any():
        out[todo] = _iso(text[todo], zone)
    return out, out.isna() & text.notna()


def parse_bools(values: pd.Series, *, true_words=(), false_words=()) -> tuple[pd.Series, pd.Series]:
    """Nullable booleans from bool columns or words (case-insensitive)."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype("boolean"), pd.Series(False, index=values.index)
    text = as_text(values).str.lower()
    words = {w.lower(): True for w in (*TRUE_WORDS, *true_words)}
    words |= {w.lower(): False for w in (*FALSE_WORDS, *false_words)}
    out = text.map(words).astype("boolean")
    return out, out.isna() & text.notna()


def parse_numbers(values: pd.Series, *, integer: bool) -> tuple[pd.Series, pd.Series]:
    """Int64 or Float64; an integer column rejects fractions."""
    text = as_text(values)
    if not integer:  # decimal comma (ru, kk locales); integers keep "," as an error
        text = text.str.replace(",", ".", regex=False)
    numbers = pd.to_numeric(text, errors="coerce").astype("Float64")
    if integer:
        whole = numbers.notna() & (numbers % 1 == 0)
        bad = text.notna() & ~whole.fillna(False)
        return numbers.where(whole).astype("Int64"), bad
    return numbers, text.notna() & numbers.isna()
