"""Validate one batch against the data contract: map source columns to canonical ones, parse,
check required values and closed vocabularies, and say exactly what is wrong where.

Closed vocabularies (status, source, priority, appeal_outcome) reject values outside the contract
after the mapping's value maps (case is forgiven: "Open" is "open"); open ones (market, vendor,
abuse_category, ...) keep any value. A row with any problem is quarantined whole.

Plausibility (docs/reliability.md, "Bad exports"): a time more than a day in the future, a time
before 1990 (a placeholder such as 1900-01-01), an end before its start (resolved or first
response before created, decided before claimed: a negative duration) and a value holding
invalid UTF-8 bytes (U+FFFD) or a NUL byte are quarantined. Long but possible durations are
kept; the report counts those over a year.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics import calendars, contract
from analytics.ingest import parsers
from analytics.ingest.mapping import Mapping

PROBLEM_COLUMNS = ["row_number", "column_name", "value", "problem", "rule"]
ORDER_RULES = {"cases": (("first_response_at", "created_at"), ("resolved_at", "created_at")),
               "reviews": (("decided_at", "claimed_at"),)}   # (later, earlier)
EARLIEST = pd.Timestamp("1990-01-01")
FUTURE_SLACK = pd.Timedelta(days=1)   # exporters' clocks and zones differ by hours, not days
DUE_COLUMNS = ("sla_due_at", "first_response_due_at")   # legitimately in the future
TIME_OF_DAY = r":|[Tt]\d"   # 14:30, +05:00, T0815: the value was written with a time (or offset)
LOCAL_DATES = {"cases": (("created_date", "created_at"), ("resolved_date", "resolved_at")),
               "reviews": (("decided_date", "decided_at"),)}


@dataclass(frozen=True)
class Plan:
    """What to do with every canonical column of one file."""
    kind: str
    sources: dict[str, tuple[str, ...]]   # canonical column -> source headers
    mapping: Mapping


def _raw(frame: pd.DataFrame, plan: Plan, column: str) -> tuple[pd.Series | None, str]:
    """Raw values of a canonical column (first non-empty source wins) and the name to report."""
    if column in plan.mapping.constants:
        return pd.Series(plan.mapping.constants[column], index=frame.index, dtype="str"), column
    sources = plan.sources.get(column, ())
    if not sources:
        return None, column
    values = frame[sources[0]]
    for fallback in sources[1:]:
        values = parsers.as_text(values, plan.mapping.null_values).fillna(
            parsers.as_text(frame[fallback], plan.mapping.null_values))
    return values, sources[0]


def _text(values: pd.Series, spec: contract.Column, mapping: Mapping) -> pd.Series:
    text = parsers.as_text(values, mapping.null_values)
    table = mapping.values.get(spec.name)
    if table:
        mapped = text.str.lower().map(table)
        text = mapped.where(mapped.notna(), text).mask(mapped.eq(""))
    return text


REQUIRED_TEMPLATE = "missing required value"
FUTURE_TEMPLATE = "'{}' is in the future (after the export could have been made)"
EARLY_TEMPLATE = "'{}' is before 1990: a placeholder? list it under null_values"


def order_template(earlier: str) -> str:
    return f"'{{}}' is before {earlier} (a negative duration)"


def rule_of(template: str) -> str:
    """The template as a tally shows it: the value left out."""
    return template.replace("'{}'", "…").replace("{}", "…")


def parse_template(spec: contract.Column, mapping: Mapping) -> str:
    """The problem text (with '{}' for the value) of a value that cannot be read as `spec`."""
    if spec.type == "timestamp":
        formats = mapping.formats_for(spec.name)
        hint = f"format {' or '.join(formats)}" if formats else parsers.ISO_HINT
        return f"cannot parse '{{}}' as a timestamp ({hint})"
    if spec.type == "bool":
        return "cannot read '{}' as true/false"
    if spec.type in ("int", "float"):
        return f"cannot read '{{}}' as {'a whole number' if spec.type == 'int' else 'a number'}"
    if not spec.allowed:
        return ""
    return (f"value '{{}}' is not one of {', '.join(spec.allowed)} "
            f"(map it under [values.{spec.name}] in a mapping)")


def _convert(values: pd.Series, spec: contract.Column, mapping: Mapping):
    """(parsed, bad mask, problem text) for one canonical column."""
    template = parse_template(spec, mapping)
    if spec.type == "timestamp":
        parsed, bad = parsers.parse_timestamps(values, formats=mapping.formats_for(spec.name),
                                               zone=mapping.time_zone)
        return parsed, bad, template
    if spec.type == "bool":
        parsed, bad = parsers.parse_bools(_text(values, spec, mapping),
                                          true_words=mapping.true_values,
                                          false_words=mapping.false_values)
        return parsed, bad, template
    if spec.type in ("int", "float"):
        parsed, bad = parsers.parse_numbers(values, integer=spec.type == "int")
        return parsed, bad, template
    text = _text(values, spec, mapping)
    if not spec.allowed:
        return text, pd.Series(False, index=text.index), template
    canonical = text.str.lower().map({a.lower(): a for a in spec.allowed})
    return canonical, text.notna() & canonical.isna(), template


def _problems(mask: pd.Series, raw: pd.Series | None, column: str, template: str) -> pd.DataFrame:
    index = mask.index[mask.to_numpy(dtype=bool)]
    value = (parsers.as_text(raw.loc[index]) if raw is not None
             else pd.Series(pd.NA, index=index, dtype="str"))
    prefix, _, suffix = template.partition("{}")
    problem = prefix + value.fillna("") + suffix if "{}" in template else template
    return pd.DataFrame({"row_number": index, "column_name": column, "value": value.to_numpy(),
                         "problem": problem if isinstance(problem, str) else problem.to_numpy(),
                         "rule": rule_of(template)})


def validate_batch(frame: pd.DataFrame, plan: Plan) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(valid canonical rows with row_number, one problem per row and column at fault)."""
    columns, problems, reported_as = {}, [], {}
    for spec in contract.TABLES[plan.kind]:
        raw, reported = _raw(frame, plan, spec.name)
        if raw is None:
            columns[spec.name] = pd.Series(pd.NA, index=frame.index, dtype=_EMPTY[spec.type])
            if spec.required:
                everything = pd.Series(True, index=frame.index)
                problems.append(_problems(everything, None, spec.name,
                                          f"required column '{spec.name}' is not in the file"))
            continue
        parsed, bad, template = _convert(raw, spec, plan.mapping)
        problems.append(_problems(bad, raw, reported, template))
        reported_as[spec.name] = (raw, reported)
        if spec.required:
            problems.append(_problems(parsed.isna() & ~bad, None, reported, REQUIRED_TEMPLATE))
        columns[spec.name] = parsed
    _dates_at_market_midnight(columns, reported_as, plan)
    problems += _implausible(columns, reported_as, plan.kind) + _invalid_bytes(frame)
    found = pd.concat(problems, ignore_index=True) if problems else pd.DataFrame(columns=PROBLEM_COLUMNS)
    valid = pd.DataFrame(columns)[~frame.index.isin(found["row_number"])]
    valid.insert(0, "row_number", valid.index.to_numpy(dtype="int64"))
    return _with_local_dates(valid.reset_index(drop=True), plan), found


def _implausible(columns: dict, reported_as: dict, kind: str) -> list[pd.DataFrame]:
    """Problems for times out of range and ends before starts (see the module docstring)."""
    latest = latest_plausible()
    found = []
    for spec in contract.TABLES[kind]:
        if spec.type != "timestamp" or spec.name not in reported_as:
            continue
        raw, reported = reported_as[spec.name]
        values = columns[spec.name]
        if spec.name not in DUE_COLUMNS:
            found.append(_problems((values > latest).fillna(False), raw, reported, FUTURE_TEMPLATE))
        found.append(_problems((values < EARLIEST).fillna(False), raw, reported, EARLY_TEMPLATE))
    for later, earlier in ORDER_RULES[kind]:
        if later in reported_as and earlier in reported_as:
            raw, reported = reported_as[later]
            before = (columns[later] < columns[earlier]).fillna(False)
            found.append(_problems(before, raw, reported, order_template(earlier)))
    return found


def latest_plausible() -> pd.Timestamp:
    """The latest time an export made now can hold (naive UTC)."""
    return pd.Timestamp.now("UTC").tz_localize(None) + FUTURE_SLACK


def _invalid_bytes(frame: pd.DataFrame) -> list[pd.DataFrame]:
    """Values where the lenient UTF-8 decoder met bytes that are not UTF-8 (now U+FFFD), or
    holding a NUL byte (binary residue; no text column means one)."""
    found = []
    for column in frame.columns:
        if pd.api.types.is_string_dtype(frame[column]) or frame[column].dtype == object:
            text = frame[column].astype("str")
            bad = text.str.contains("\ufffd", regex=False).fillna(False)
            if bad.any():
                found.append(_problems(bad, frame[column], column,
                                       "'{}' holds bytes that are not valid UTF-8 (shown as \ufffd); "
                                       "export the file as UTF-8 again or set encoding in a mapping"))
            nul = text.str.contains("\x00", regex=False).fillna(False) & ~bad
            if nul.any():
                found.append(_problems(nul, text.str.replace("\x00", "\\x00", regex=False), column,
                                       "'{}' holds a NUL byte (shown as \\x00)"))
    return found


def long_durations(valid: pd.DataFrame, kind: str) -> int:
    """Rows kept although resolved more than a year after created (reported, not rejected)."""
    if kind != "cases":
        return 0
    return int(((valid["resolved_at"] - valid["created_at"]) > pd.Timedelta(days=365)).sum())


def _dates_at_market_midnight(columns: dict, reported_as: dict, plan: Plan) -> None:
    """A timestamp written as a date alone ("2025-03-01", "3/1/2025") is that market's date: stored
    as the UTC time of the market's local midnight, never as midnight in the file's zone, whose
    market-local date could be the day before (issue #15 point 4)."""
    markets = columns.get("market")
    for spec in contract.TABLES[plan.kind]:
        if spec.type != "timestamp" or spec.name not in reported_as:
            continue
        raw, parsed = parsers.as_text(reported_as[spec.name][0]), columns[spec.name]
        date_only = (parsed.notna() & ~raw.str.contains(TIME_OF_DAY, regex=True).fillna(True)
                     ).to_numpy(dtype=bool)
        if not date_only.any():
            continue
        zone = plan.mapping.time_zone
        wall = parsed[date_only].dt.tz_localize("UTC").dt.tz_convert(zone).dt.tz_localize(None)
        where = (markets[date_only] if markets is not None
                 else pd.Series("", index=wall.index, dtype="str"))
        columns[spec.name] = parsed.copy()
        columns[spec.name][date_only] = calendars.market_midnights(
            wall, where, default_zone=plan.mapping.market_time_zone)


def _with_local_dates(valid: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    for date_column, utc_column in LOCAL_DATES[plan.kind]:
        valid[date_column] = calendars.local_dates(valid[utc_column], valid["market"],
                                                   default_zone=plan.mapping.market_time_zone)
    return valid


_EMPTY = {"id": "str", "text": "str", "category": "str", "timestamp": "datetime64[us]",
          "bool": "boolean", "int": "Int64", "float": "Float64"}
