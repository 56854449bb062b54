"""What an ingest tells its caller: `IngestReport` (counts that add up) and `IngestError`."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# C0 and C1 control characters but tab and newline: ESC starts a terminal escape sequence.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` safe to print on a terminal: control characters from file names and values
    (an escape sequence could rewrite the screen or set the window title) shown as \\x1b etc.

    >>> printable("bad \x1b[2J value")
    'bad \\\\x1b[2J value'
    """
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class IngestError(Exception):
    """A file that cannot be ingested at all; the message names the file and says why."""


class IngestBusy(IngestError):
    """Another writer held the database for longer than the lock timeout: try again later."""


@dataclass
class IngestReport:
    """Counts of one ingest: rows_read = inserted + updated + unchanged + superseded + rejected."""
    ingest_id: int
    file_name: str
    kind: str
    rows_read: int = 0
    rows_inserted: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_superseded: int = 0
    rows_rejected: int = 0
    duration_s: float = 0.0
    messages: list[str] = field(default_factory=list)
    mapping_name: str | None = None
    events_added: int = 0

    @property
    def rows_per_s(self) -> float:
        return self.rows_read / self.duration_s if self.duration_s > 0 else 0.0

    @property
    def is_reconciled(self) -> bool:
        return self.rows_read == (self.rows_inserted + self.rows_updated + self.rows_unchanged
                                  + self.rows_superseded + self.rows_rejected)

    def counts(self) -> dict[str, int]:
        """The six counts in display order."""
        return {"read": self.rows_read, "inserted": self.rows_inserted,
                "updated": self.rows_updated, "unchanged": self.rows_unchanged,
                "superseded": self.rows_superseded, "rejected": self.rows_rejected}

    def summary(self) -> str:
        """One line, e.g. `incidents.csv (cases): read 10, inserted 8, ..., rejected 2 in 0.1 s`."""
        parts = ", ".join(f"{k} {v:,}" for k, v in self.counts().items())
        return (f"{self.file_name} ({self.kind}, ingest {self.ingest_id}): {parts} "
                f"in {self.duration_s:.1f} s ({self.rows_per_s:,.0f} rows/s)")
