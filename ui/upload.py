"""What the Data page may take from an uploaded file's name: a name to show, and a suffix.

The browser sends any name it likes ("../../app.py", "C:\\x\\cases.csv", "<script>.csv").
It is never used as a path: the upload is saved under a fixed name in a fresh temporary
folder, keeping only a suffix from the allowed list (the readers choose the format by it).
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath

ALLOWED = ("csv", "tsv", "txt", "parquet", "jsonl", "json", "xlsx", "zip", "gz")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")
MAX_NAME = 200


def display_name(name: str) -> str:
    """The base name alone (no folders, no control characters, at most 200 characters).

    >>> display_name("../../etc/passwd")
    'passwd'
    >>> display_name("C:\\\\exports\\\\cases.csv")
    'cases.csv'
    """
    base = PurePosixPath(str(name).replace("\\", "/")).name
    return _UNPRINTABLE.sub("", base)[:MAX_NAME] or "upload"


def allowed_suffix(name: str) -> str | None:
    """The file's suffix if its format is allowed ('.csv', '.csv.gz', '.zip'), else None.

    >>> allowed_suffix("Cases.CSV.gz"), allowed_suffix("x.exe"), allowed_suffix("csv")
    ('.csv.gz', None, None)
    """
    suffixes = [s.lstrip(".").lower() for s in PurePosixPath(display_name(name)).suffixes]
    if not suffixes or suffixes[-1] not in ALLOWED:
        return None
    inner = suffixes[-2] if len(suffixes) > 1 and suffixes[-1] == "gz" else None
    if inner in ALLOWED and inner not in ("gz", "zip"):
        return f".{inner}.gz"
    return f".{suffixes[-1]}"
