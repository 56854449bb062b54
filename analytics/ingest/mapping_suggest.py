"""Suggest a mapping for an export nothing we ship describes: which header feeds which canonical
column (header names, incl. other ticketing tools' and Russian/Kazakh ones, and what the values
look like), the time zone a header names ("Created (UTC+5)"), the timestamp format the values
are written in, and value maps for the closed vocabularies (status, priority, source).

Pure: headers and a sample DataFrame in, a `Suggestion` out. Nothing is applied silently: the
Data page shows each suggestion for a person to accept or change (ui/mapping_form.py), and the
result is a mapping file (mapping_draft.py) read by the same code as the CLI's.
"""
from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field

import pandas as pd

from analytics import contract
from analytics.ingest.mapping_words import HEADER_WORDS, VALUE_WORDS, fold

TIMESTAMP_FORMATS = (   # tried on the sample; the first that reads every value wins
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%d/%m/%Y", "%m/%d/%Y",
    "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%d-%m-%Y %H:%M", "%Y-%m-%d", "%d %b %Y %H:%M",
    "%b %d, %Y %I:%M %p")
ISO = "ISO 8601"
_OFFSET_IN_HEADER = re.compile(r"(?:UTC|GMT)\s*([+-])\s*(\d{1,2})(?::?(\d\d))?", re.I)
MIN_SCORE = 0.6
PLACEHOLDERS = frozenset({"?", "-", "--", "—", "n/a", "na", "#n/a", "none", "null", "nil",
                          "(none)", "(blank)", "unknown", "нет данных", "н/д"})
SNIFF_ROWS = 5_000   # values per column that value sniffing looks at


@dataclass
class Suggestion:
    """What the file looks like it holds. `columns`: canonical -> header (or absent);
    `reasons`: canonical -> why; `timestamp_format`: a strptime format or ISO; `time_zone`:
    an IANA name; `values`: canonical -> {source value: canonical value, or None where no word
    says (left as it is: rejected unless it already is a canonical value)}; `null_values`: the
    placeholders that mean missing."""
    kind: str
    columns: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    timestamp_format: str = ISO
    time_zone: str = "UTC"
    time_zone_reason: str = ""
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    null_values: tuple[str, ...] = ()


def zone_in_header(header: str) -> str | None:
    """The zone a header names: 'Created (UTC+5)' -> 'Etc/GMT-5' (POSIX signs are reversed).

    >>> zone_in_header("Created (UTC+5)"), zone_in_header("Opened GMT-03:00"), zone_in_header("x")
    ('Etc/GMT-5', 'Etc/GMT+3', None)
    """
    found = _OFFSET_IN_HEADER.search(str(header))
    if not found or (found.group(3) or "00") != "00" or int(found.group(2)) > 14:
        return None   # a half-hour offset has no Etc zone: the person picks a named one
    hours = int(found.group(2))
    return "UTC" if hours == 0 else f"Etc/GMT{'-' if found.group(1) == '+' else '+'}{hours}"


def words_of(header: str) -> str:
    """A header as folded words joined by '_' (any script): 'Дата Создания ' -> 'дата_создания'."""
    return re.sub(r"[\W_]+", "_", fold(str(header).lstrip("\ufeff"))).strip("_")


def header_score(header: str, column: str) -> float:
    """How much `header` reads like canonical `column` (0..1, 0 below MIN_SCORE), from the names.

    >>> header_score("priority", "priority"), header_score("Urgency", "priority")
    (1.0, 0.95)
    >>> header_score("Ticket ID", "case_id"), header_score("Country of requester", "market")
    (0.95, 0.8)
    """
    name = words_of(_OFFSET_IN_HEADER.sub("", str(header)))
    if not name:
        return 0.0
    words = set(name.split("_"))
    best = 0.0
    for i, (alias, alias_words) in enumerate(_aliases(column)):
        if name == alias:   # the canonical name itself beats another tool's name for it
            return 1.0 if i == 0 else 0.95
        if alias_words <= words:
            best = max(best, 0.8)
        similar = difflib.SequenceMatcher(None, name, alias)
        bound = 0.75 * similar.quick_ratio()   # an upper bound: skip what cannot count or win
        if bound >= MIN_SCORE and bound > best:
            best = max(best, 0.75 * similar.ratio())
    return best


@functools.lru_cache(maxsize=None)
def _aliases(column: str) -> tuple[tuple[str, frozenset[str]], ...]:
    names = [words_of(a) for a in (column, *HEADER_WORDS.get(column, ()))]
    return tuple((n, frozenset(n.split("_"))) for n in names)


def _looks_like_times(text: pd.Series) -> bool:
    """Most of (up to 200 distinct) values read as dates: a few bad ones (31.02) do not hide
    a timestamp column."""
    text = text.drop_duplicates().head(200)
    dated = text.str.contains(r"\d[-./]\d|\d[-./ ]\w", regex=True)
    if dated.mean() < 0.7:   # the cheap test first: most columns are not times
        return False
    parsed = pd.to_datetime(text[dated], format="mixed", errors="coerce", dayfirst=True).notna()
    return bool(parsed.sum() >= 0.7 * len(text))


def _sniffed(values: pd.Series) -> pd.Series:
    text = values.dropna().head(SNIFF_ROWS).astype("str").str.strip()
    return text[text.ne("")]


def null_markers(sample: pd.DataFrame) -> tuple[str, ...]:
    """Placeholders ('?', 'N/A', '-') that make up at least 5% of some column: missing values.

    >>> null_markers(pd.DataFrame({"a": ["?", "?", "x"], "b": ["1", "N/A", "2"]}))
    ('?', 'N/A')
    """
    found = set()
    for column in sample.columns:
        shares = _sniffed(sample[column]).value_counts(normalize=True)
        found |= {v for v, share in shares.items() if share >= 0.05 and str(v).lower() in PLACEHOLDERS}
    return tuple(sorted(found))


def value_kind(values: pd.Series) -> str:
    """'timestamp', 'id', 'number', 'text', 'placeholder' (nine in ten values say missing:
    '?', 'N/A') or 'empty': what a column's sample looks like."""
    text = _sniffed(values)
    if text.empty:
        return "empty"
    if text.str.lower().isin(PLACEHOLDERS).mean() >= 0.9:
        return "placeholder"
    if _looks_like_times(text):
        return "timestamp"
    if pd.to_numeric(text, errors="coerce").notna().mean() >= 0.9 and not text.is_unique:
        return "number"
    if text.is_unique and text.str.len().max() <= 40 and not text.str.contains(" ").any():
        return "id"
    return "text"


def _fits(column: contract.Column, kind: str) -> bool:
    """Whether a column of values looking like `kind` can feed `column`."""
    if kind in ("empty", "placeholder"):
        return True
    if column.type == "timestamp":
        return kind == "timestamp"
    return kind != "timestamp"   # an id may repeat: an event log has a row per change


def match_columns(headers: list[str], sample: pd.DataFrame, table: str) -> tuple[dict, dict]:
    """(canonical -> header, canonical -> reason): the best-scoring pairs first, each header and
    each canonical column used once; required columns without a named match take the first
    header whose values fit (an id-like column for the key, a timestamp for created_at)."""
    kinds = {h: value_kind(sample[h]) if h in sample else "empty" for h in headers}
    specs = {c.name: c for c in contract.TABLES[table] if c.name not in ("region",)}
    weight = {h: 0.5 if kinds[h] == "placeholder" else 1.0 for h in headers}   # mostly '?'
    pairs = sorted(((header_score(h, c) * weight[h], -i, h, c) for i, h in enumerate(headers)
                    for c in specs if _fits(specs[c], kinds[h])), reverse=True)
    columns, reasons = {}, {}
    for score, _, header, column in pairs:
        if score < MIN_SCORE or column in columns or header in columns.values():
            continue
        columns[column] = header
        reasons[column] = ("a usual name for it" if score >= 0.95 else "its words name it"
                           if score >= 0.8 else "a similar name")
    for spec in specs.values():
        if spec.required and spec.name not in columns:
            wanted = ("id",) if spec.type == "id" else ("timestamp",) if spec.type == "timestamp" else ()
            free = [h for h in headers if kinds[h] in wanted and h not in columns.values()]
            if free:
                columns[spec.name] = free[0]
                reasons[spec.name] = f"values look like {'ids' if spec.type == 'id' else 'times'}"
    return columns, reasons


def timestamp_format(values: list[pd.Series]) -> str:
    """The format in TIMESTAMP_FORMATS reading the most sampled values (the first of equals;
    at least half: a few bad values such as 31.02 do not hide it), else ISO 8601.

    >>> timestamp_format([pd.Series(["03.02.2026 14:05", "28.02.2026 09:00"])])
    '%d.%m.%Y %H:%M'
    """
    text = pd.concat([v.dropna().astype("str").str.strip() for v in values] or [pd.Series([], dtype="str")])
    text = text[text.ne("")].drop_duplicates().head(500)
    if text.empty or pd.to_datetime(text, format="ISO8601", errors="coerce").notna().all():
        return ISO
    shares = [pd.to_datetime(text, format=fmt, errors="coerce").notna().mean()
              for fmt in TIMESTAMP_FORMATS]
    best = max(range(len(shares)), key=lambda i: (shares[i], -i))
    return TIMESTAMP_FORMATS[best] if shares[best] >= 0.5 else ISO


def canonical_value(value: str, column: str) -> str | None:
    """The canonical value a source value names, by the words of VALUE_WORDS, or None.

    >>> canonical_value("Решён", "status"), canonical_value("Ожидает ответа", "status")
    ('resolved', 'pending')
    """
    allowed = {a.lower(): a for a in next(c.allowed for c in contract.CASE_COLUMNS if c.name == column)}
    text = fold(str(value))
    if text in allowed:
        return allowed[text]
    for canonical, stems in VALUE_WORDS[column].items():
        if any(re.search(rf"(?<!\w){re.escape(fold(s))}", text) for s in stems):
            return canonical
    return None


def distinct_values(values: pd.Series, null_values=(), most: int = 50) -> list[str]:
    """The column's distinct values, most frequent first (at most `most`; none of the empty
    ones or `null_values`)."""
    text = values.dropna().astype("str").str.strip()
    return text[text.ne("") & ~text.isin(null_values)].value_counts().head(most).index.tolist()


def suggest(headers: list[str], sample: pd.DataFrame, kind: str = "cases") -> Suggestion:
    """Every suggestion for one file, from its headers and a sample of its rows."""
    columns, reasons = match_columns(headers, sample, kind)
    stamps = [c.name for c in contract.TABLES[kind] if c.type == "timestamp" and c.name in columns]
    found = Suggestion(kind, columns, reasons,
                       timestamp_format([sample[columns[c]] for c in stamps if columns[c] in sample]))
    for column in stamps:
        zone = zone_in_header(columns[column])
        if zone:
            found.time_zone, found.time_zone_reason = zone, f"header '{columns[column]}'"
            break
    found.null_values = null_markers(sample)
    for column in VALUE_WORDS:
        if column in columns and columns[column] in sample:
            found.values[column] = {v: canonical_value(v, column) for v in distinct_values(
                sample[columns[column]], found.null_values)}
    return found
