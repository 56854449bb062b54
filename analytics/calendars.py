"""Per-market calendars: time zone, region, languages and public holidays (data/calendars.toml).

A day is a day in the market's own zone: counts, weekday seasonality and holidays are bucketed
by market-local date. `python -m analytics calendars` rewrites the TOML, filling the holidays
from the `holidays` package; edit the market table below (or the TOML) to add a market.
Working days and hours (local wall-clock time) make SLA clocks run in business time
(docs/vendors.md); a market without them works around the clock, in calendar time.
Markets that are not in the file (a subdivision code such as US-NY or a plain label) fall back
to their country's entry when the code starts with one, and to UTC otherwise.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analytics import settings

CALENDARS_PATH = settings.ROOT / "data" / "calendars.toml"
HOLIDAY_YEARS = range(2015, 2028)

# code: (time zone, region, languages)
MARKETS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "KZ": ("Asia/Almaty", "Central Asia", ("kk", "ru")),
    "UZ": ("Asia/Tashkent", "Central Asia", ("uz", "ru")),
    "KG": ("Asia/Bishkek", "Central Asia", ("ky", "ru")),
    "RU": ("Europe/Moscow", "CIS & Eastern Europe", ("ru",)),
    "UA": ("Europe/Kyiv", "CIS & Eastern Europe", ("uk", "ru")),
    "PL": ("Europe/Warsaw", "CIS & Eastern Europe", ("pl",)),
    "TR": ("Europe/Istanbul", "Middle East", ("tr",)),
    "SA": ("Asia/Riyadh", "Middle East", ("ar",)),
    "AE": ("Asia/Dubai", "Middle East", ("ar", "en")),
    "EG": ("Africa/Cairo", "Africa", ("ar",)),
    "NG": ("Africa/Lagos", "Africa", ("en",)),
    "KE": ("Africa/Nairobi", "Africa", ("en", "sw")),
    "ZA": ("Africa/Johannesburg", "Africa", ("en",)),
    "GB": ("Europe/London", "Western Europe", ("en",)),
    "DE": ("Europe/Berlin", "Western Europe", ("de",)),
    "FR": ("Europe/Paris", "Western Europe", ("fr",)),
    "ES": ("Europe/Madrid", "Western Europe", ("es",)),
    "IT": ("Europe/Rome", "Western Europe", ("it",)),
    "US": ("America/New_York", "North America", ("en", "es")),
    "MX": ("America/Mexico_City", "Latin America", ("es",)),
    "BR": ("America/Sao_Paulo", "Latin America", ("pt",)),
    "AR": ("America/Argentina/Buenos_Aires", "Latin America", ("es",)),
    "CO": ("America/Bogota", "Latin America", ("es",)),
    "IN": ("Asia/Kolkata", "South Asia", ("hi", "en")),
    "ID": ("Asia/Jakarta", "Southeast Asia", ("id",)),
    "PH": ("Asia/Manila", "Southeast Asia", ("en", "tl")),
    "VN": ("Asia/Ho_Chi_Minh", "Southeast Asia", ("vi",)),
    "TH": ("Asia/Bangkok", "Southeast Asia", ("th",)),
    "JP": ("Asia/Tokyo", "East Asia", ("ja",)),
    "KR": ("Asia/Seoul", "East Asia", ("ko",)),
    "AU": ("Australia/Sydney", "Oceania", ("en",)),
}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WORKING_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri")
# Markets whose weekend is Friday and Saturday.
WORKING_DAYS_BY_MARKET = {"SA": ("Sun", "Mon", "Tue", "Wed", "Thu"),
                          "EG": ("Sun", "Mon", "Tue", "Wed", "Thu")}
WORKING_HOURS = ("09:00", "18:00")


@dataclass(frozen=True)
class MarketCalendar:
    market: str
    time_zone: str
    region: str | None
    languages: tuple[str, ...]
    holidays: frozenset[dt.date]
    working_days: tuple[str, ...] = ()         # "Mon".."Sun"; empty: around the clock
    working_hours: tuple[str, str] | None = None  # local ("09:00", "18:00")


def build_calendars_toml(years=HOLIDAY_YEARS) -> str:
    """The text of data/calendars.toml, holidays filled from the `holidays` package."""
    import holidays as holidays_pkg  # only needed to regenerate the file

    lines = ["# Per-market calendars. Regenerate with `python -m analytics calendars`.",
             "# time_zone: IANA zone of market-local days; holidays: public holidays (ISO dates).",
             "# working_days, working_hours: local business hours for SLA clocks; leave both out",
             "# for a market that works around the clock (calendar time).",
             ""]
    for code, (zone, region, languages) in MARKETS.items():
        days = sorted(holidays_pkg.country_holidays(code, years=list(years)).keys())
        lines += [f"[markets.{code}]", f'time_zone = "{zone}"', f'region = "{region}"',
                  "languages = [" + ", ".join(f'"{x}"' for x in languages) + "]",
                  "working_days = " + _toml_list(WORKING_DAYS_BY_MARKET.get(code, WORKING_DAYS)),
                  "working_hours = " + _toml_list(WORKING_HOURS),
                  "holidays = [" + ", ".join(f'"{d.isoformat()}"' for d in days) + "]", ""]
    return "\n".join(lines)


def _toml_list(values) -> str:
    return "[" + ", ".join(f'"{x}"' for x in values) + "]"


@lru_cache(maxsize=4)
def load_calendars(path: Path = CALENDARS_PATH) -> dict[str, MarketCalendar]:
    """Every market's calendar from the TOML file."""
    raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))["markets"]
    return {code: MarketCalendar(code, entry["time_zone"], entry.get("region"),
                                 tuple(entry.get("languages", ())),
                                 frozenset(dt.date.fromisoformat(d) for d in entry.get("holidays", ())),
                                 tuple(entry.get("working_days", ())),
                                 tuple(entry["working_hours"]) if entry.get("working_hours") else None)
            for code, entry in raw.items()}


def calendar_for(market: str | None, default_zone: str = "UTC") -> MarketCalendar:
    """The calendar of a market code; `US-NY` falls back to `US`, unknown labels to `default_zone`."""
    calendars = load_calendars()
    code = (market or "").upper()
    if code in calendars:
        return calendars[code]
    country = code.split("-")[0]
    if country in calendars:
        return dataclasses.replace(calendars[country], market=market)
    return MarketCalendar(market or "", default_zone, None, (), frozenset())


def local_dates(utc_times: pd.Series, markets: pd.Series, default_zone: str = "UTC") -> pd.Series:
    """Market-local date (midnight, datetime64[s]) of each UTC timestamp, one pass per zone.

    Markets missing from data/calendars.toml use `default_zone` (a mapping can declare it).

    >>> s = pd.Series(pd.to_datetime(["2025-03-01 20:00", "2025-03-01 20:00"]))
    >>> local_dates(s, pd.Series(["KZ", "GB"])).astype(str).tolist()
    ['2025-03-02', '2025-03-01']
    """
    utc_times = pd.to_datetime(utc_times)
    markets = markets.fillna("").astype(str)
    zone_of = {m: calendar_for(m, default_zone).time_zone for m in markets.unique()}
    zones = markets.map(zone_of)
    out = pd.Series(pd.NaT, index=utc_times.index, dtype="datetime64[s]")
    for zone, idx in zones.groupby(zones, sort=False).groups.items():
        local = utc_times.loc[idx].dt.tz_localize("UTC").dt.tz_convert(zone).dt.tz_localize(None)
        out.loc[idx] = local.dt.floor("D").astype("datetime64[s]")
    return out


def market_midnights(local_days: pd.Series, markets: pd.Series,
                     default_zone: str = "UTC") -> pd.Series:
    """UTC time (naive, datetime64[us]) of the local midnight starting each market's day: how a
    date written without a time of day is stored, so that `local_dates` gives that date back.

    >>> days = pd.Series(pd.to_datetime(["2025-03-01", "2025-03-01"]))
    >>> market_midnights(days, pd.Series(["KZ", "US"])).astype(str).tolist()
    ['2025-02-28 19:00:00', '2025-03-01 05:00:00']
    """
    days = pd.to_datetime(local_days).dt.floor("D")
    markets = markets.fillna("").astype(str)
    zone_of = {m: calendar_for(m, default_zone).time_zone for m in markets.unique()}
    zones = markets.map(zone_of)
    out = pd.Series(pd.NaT, index=days.index, dtype="datetime64[us]")
    for zone, idx in zones.groupby(zones, sort=False).groups.items():
        local = days.loc[idx].dt.tz_localize(zone, ambiguous=np.ones(len(idx), dtype=bool),
                                             nonexistent="shift_forward")
        out.loc[idx] = local.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[us]")
    return out


def holiday_table() -> pd.DataFrame:
    """One row per market and public holiday (market, holiday_date)."""
    rows = [(code, d) for code, cal in load_calendars().items() for d in sorted(cal.holidays)]
    return pd.DataFrame(rows, columns=["market", "holiday_date"])


def market_table() -> pd.DataFrame:
    """One row per market with its zone, region and languages."""
    cals = load_calendars().values()
    return pd.DataFrame({"market": [c.market for c in cals],
                         "time_zone": [c.time_zone for c in cals],
                         "region": [c.region for c in cals],
                         "languages": [",".join(c.languages) for c in cals]})


def working_hours_table() -> pd.DataFrame:
    """One row per market and working weekday: market, weekday (ISO 1 = Monday), start_time,
    end_time (local wall clock). Markets without working hours have no rows (calendar time)."""
    rows = [(code, WEEKDAYS.index(day) + 1, *cal.working_hours)
            for code, cal in load_calendars().items() if cal.working_hours
            for day in cal.working_days]
    frame = pd.DataFrame(rows, columns=["market", "weekday", "start_time", "end_time"])
    for column in ("start_time", "end_time"):
        frame[column] = pd.to_datetime(frame[column], format="%H:%M").dt.time
    return frame
