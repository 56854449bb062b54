"""Which canonical column each source column feeds, for one file, and the messages that explain
it: the kind (cases or reviews), required columns that are missing (with the alias that looks
like them), duplicated headers that would be read (refused: which copy is a guess), and columns
nothing reads (named, so a person sees what is not stored).
"""
from __future__ import annotations

from analytics.ingest import mapping as mapping_mod
from analytics.ingest import readers
from analytics.ingest.report import IngestError
from analytics.ingest.validate import Plan

MAX_LISTED = 30   # unused columns named in the message; a 2,000-column export lists no more


def decide_kind(kind: str | None, the_mapping: mapping_mod.Mapping, headers: list[str],
                name: str) -> str:
    if kind is not None and kind not in mapping_mod.KINDS:
        raise IngestError(f"{name}: kind must be one of {mapping_mod.KINDS}, not {kind!r}")
    if kind and the_mapping.kind and kind != the_mapping.kind:
        raise IngestError(f"{name}: --kind {kind} contradicts the mapping's kind {the_mapping.kind}")
    found = kind or the_mapping.kind or mapping_mod.guess_kind(headers)
    if found is None:
        raise IngestError(f"{name}: cannot tell whether this file holds cases or reviews (no "
                          "case_id/created_at or review_id/decided_at header); pass --kind or a mapping")
    return found


def make_plan(kind: str, the_mapping: mapping_mod.Mapping, table: readers.Table,
              name: str) -> tuple[Plan, list[str]]:
    """The plan and the messages that explain it (missing columns, overrides, suggestions)."""
    headers = table.headers
    resolved = mapping_mod.resolve_columns(headers, kind, the_mapping)
    _refuse_ambiguous(resolved, table.duplicated, name)
    messages = [f"{name}: mapping names column '{s}', which the file does not have"
                for s in mapping_mod.missing_sources(headers, resolved)]
    present = set(headers)
    resolved = {c: tuple(s for s in srcs if s in present) for c, srcs in resolved.items()}
    resolved = {c: s for c, s in resolved.items() if s}
    suggestions = mapping_mod.alias_suggestions(headers, kind)
    for spec in mapping_mod.contract.TABLES[kind]:
        if spec.required and spec.name not in resolved and spec.name not in the_mapping.constants:
            hint = [h for h, c in suggestions.items() if c == spec.name]
            messages.append(f"{name}: required column '{spec.name}' not found; every row is "
                            "quarantined" + (f" (the file has {hint[0]!r}, which looks like it: "
                                             "map it in a mapping file, see docs/mappings.md)"
                                             if hint else ""))
    messages += _unused_columns(headers, resolved, suggestions, name)
    return Plan(kind, resolved, the_mapping), [f"{name}: {n}" for n in table.notes] + messages


def _refuse_ambiguous(resolved: dict[str, tuple[str, ...]], duplicated: tuple[str, ...],
                      name: str) -> None:
    """A header that occurs twice may be ignored, but never read: which copy would be a guess."""
    originals = {d.removesuffix(" (2)") for d in duplicated}
    used = sorted(s for sources in resolved.values() for s in sources if s in originals)
    if used:
        raise IngestError(f"{name}: column(s) {used} appear more than once in the header; which "
                          "copy to read is ambiguous: rename or remove the copies")


def _unused_columns(headers: list[str], resolved: dict[str, tuple[str, ...]],
                    suggestions: dict[str, str], name: str) -> list[str]:
    """One message naming the columns nothing reads (their values are not stored)."""
    used = {s for sources in resolved.values() for s in sources}
    unused = [f"'{h}'" + (f" (looks like {suggestions[h]}: map it)" if h in suggestions else "")
              for h in headers if h not in used]
    if not unused:
        return []
    more = f", ... and {len(unused) - MAX_LISTED:,} more" if len(unused) > MAX_LISTED else ""
    return [f"{name}: {len(unused)} column(s) not used (neither canonical nor mapped, see "
            f"docs/mappings.md): {', '.join(unused[:MAX_LISTED])}{more}"]
