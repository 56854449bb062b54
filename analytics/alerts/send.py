"""POST a JSON body to a webhook with retries and exponential back-off (standard library only).

Retried: connection errors, timeouts, 408, 429 and 5xx (a Retry-After header is honoured up to
the cap). Not retried: other 4xx — the URL or the payload is wrong, and repeating it will not help.
Every attempt is returned, so the caller can log each one.
"""
from __future__ import annotations

import hashlib
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

RETRYABLE = {408, 429}


@dataclass(frozen=True)
class Attempt:
    attempt: int
    http_status: int | None
    ok: bool
    error: str | None
    at: float  # time.time()


def redacted(url: str) -> str:
    """scheme://host + a hash of the whole URL: a webhook's path is its secret."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…#{hashlib.sha256(url.encode()).hexdigest()[:12]}"


def _post_once(url: str, body: bytes, timeout_s: float) -> tuple[int | None, str | None, float]:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json",
                                              "User-Agent": "escalation-radar-alerts"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return response.status, None, 0.0
    except urllib.error.HTTPError as exc:
        wait = float(exc.headers.get("Retry-After", "0") or 0) if exc.headers else 0.0
        return exc.code, f"HTTP {exc.code}", wait
    except (urllib.error.URLError, OSError) as exc:
        return None, f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}", 0.0


def post_json(url: str, payload: dict, *, retries: int = 3, backoff_s: float = 1.0,
              max_wait_s: float = 30.0, timeout_s: float = 10.0) -> list[Attempt]:
    """Up to 1 + `retries` attempts, waiting backoff_s × 2^n between them; all attempts."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    attempts = []
    for n in range(retries + 1):
        status, error, retry_after = _post_once(url, body, timeout_s)
        ok = status is not None and 200 <= status < 300
        attempts.append(Attempt(n + 1, status, ok, error, time.time()))
        retryable = status is None or status in RETRYABLE or status >= 500
        if ok or not retryable or n == retries:
            return attempts
        time.sleep(min(max(backoff_s * 2 ** n, retry_after), max_wait_s))
    return attempts
