"""`Utf8Feed`: the input pyarrow's streaming CSV reader parses, transcoded to UTF-8 in Python and
held back so that the reader never runs far ahead of ingest.

Why transcode here: pyarrow transcodes through Python codecs anyway, and doing it ourselves lets
invalid UTF-8 bytes become U+FFFD (validation quarantines that row) instead of failing the file.
Why hold back: pyarrow parses blocks on background threads as fast as the disk allows while
validation and staging are slower, so parsed-but-unused blocks piled up (300 MB of Arrow memory,
700 MB resident, after 1.4M rows of a 2 GB file). The reader thread now blocks in `readinto`
once it is `ahead_bytes` of UTF-8 past what the consumer has `release`d (one block per batch).
The wait is bounded (`max_wait_s`), so a record longer than the window slows the read instead
of deadlocking it.

Why `abandon`: pyarrow reads on its own I/O thread (a BackgroundGenerator), which calls
`readinto` from C++ and keeps calling it after the consumer has stopped, even when `open_csv`
itself raised (no reader object exists to close). A process that exits while that thread is in,
or about to enter, Python aborts in finalisation (`Fatal Python error: PyGILState_Release`,
status 134: a refused gzipped CSV did so after printing its refusal). `abandon` makes every
later `readinto` return end-of-file at once and waits until the reader thread has seen it, so
nothing calls into Python once the feed's user has moved on.
"""
from __future__ import annotations

import codecs
import io
import threading
import time

CHUNK_BYTES = 1 << 20


class Utf8Feed(io.RawIOBase):
    """A binary stream of UTF-8 from `inner` (in `encoding`), with a brake on the reader."""

    def __init__(self, inner, encoding: str, *, ahead_bytes: int, max_wait_s: float = 2.0):
        if encoding.replace("_", "-").lower() in ("utf-8", "utf8"):
            encoding = "utf-8-sig"   # drops a BOM if there is one
        self.inner, self.ahead_bytes, self.max_wait_s = inner, ahead_bytes, max_wait_s
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._pending, self._done = b"", False
        self.fed = self.released = 0
        self._moved = threading.Condition()
        self._abandoned = self._ended = False
        self.quotes = 0    # quote characters handed on (odd at the end: a quote never closed?)
        self._inside = 0   # readinto calls under way (pyarrow's thread)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        with self._moved:
            self._inside += 1
            self._moved.wait_for(lambda: self._abandoned
                                 or self.fed - self.released < self.ahead_bytes,
                                 timeout=self.max_wait_s)
        ended = True   # end-of-file or an error: pyarrow's thread calls no more after either
        try:
            size = 0 if self._abandoned else self._fill(buffer)
            ended = size == 0
            return size
        finally:
            with self._moved:
                self._inside -= 1
                self._ended |= ended
                self._moved.notify_all()

    def _fill(self, buffer) -> int:
        while not self._pending and not self._done:
            raw = self.inner.read(CHUNK_BYTES)
            self._done = not raw
            self._pending = self._decoder.decode(raw, final=self._done).encode("utf-8")
            self.quotes += self._pending.count(b'"')
        size = min(len(buffer), len(self._pending))
        buffer[:size], self._pending = self._pending[:size], self._pending[size:]
        self.fed += size
        return size

    @property
    def finished(self) -> bool:
        """Whether every byte of the input has been handed on."""
        return self._done and not self._pending

    def release(self, n_bytes: int) -> None:
        """The consumer has taken about `n_bytes` of UTF-8: let the reader go on."""
        with self._moved:
            self.released += n_bytes
            self._moved.notify_all()

    def abandon(self, timeout_s: float = 5.0) -> None:
        """No more reading: every later `readinto` returns end-of-file without touching `inner`.
        Returns once pyarrow's thread has been given end-of-file (or an error) and has left
        `readinto`; after `timeout_s` regardless (a read-ahead queue that is full calls no more)."""
        with self._moved:
            self._abandoned = True
            self._moved.notify_all()
            ended = self._moved.wait_for(lambda: self._inside == 0 and self._ended,
                                         timeout=timeout_s)
        if ended:
            time.sleep(0.01)   # let the thread return from readinto and release the GIL in C++
