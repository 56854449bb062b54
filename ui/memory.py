"""Keep the server's memory from growing with the number of sessions it has served.

glibc gives each thread that allocates its own malloc arena (up to 8 per core) and rarely hands
freed arena memory back to the system. Streamlit runs every session's script on its own thread,
so twenty concurrent sessions left the server ~330 MB larger than when it was warm, though the
data they share is cached once (bench/load_test.py, docs/reliability.md). Capping the arenas at
two, the setting `MALLOC_ARENA_MAX=2` gives when exported before start, is what Python web
servers commonly do; `limit_arenas` does it from inside the process, at the app's first import,
before the session threads allocate. Elsewhere than glibc it does nothing.
"""
from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache

M_ARENA_MAX = -8   # glibc's mallopt parameter number (malloc.h)


@lru_cache(maxsize=1)
def limit_arenas(arenas: int = 2) -> bool:
    """Cap glibc's malloc arenas for this process; whether it took effect."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        return bool(ctypes.CDLL(name).mallopt(M_ARENA_MAX, arenas))
    except (OSError, AttributeError):
        return False
