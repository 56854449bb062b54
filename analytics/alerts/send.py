"""POST a JSON body to a webhook with retries and exponential back-off (standard library only).

Delivered means accepted: only a 2xx answer to the POST itself counts. Redirects are not
followed — urllib would re-request a 301/302/303 as a GET without the body and take that GET's
200 for delivery — so a 3xx is a failure that names its Location (fix the webhook URL).

Retried: connection errors, timeouts, 408, 429 and 5xx, after backoff_s × 2^n or the
`Retry-After` the receiver asked for (seconds or an HTTP date), capped at `max_wait_s`.
Not retried: 3xx and other 4xx — the URL or the payload is wrong, repeating will not help.
Every attempt of one message carries the same `Idempotency-Key` header, so a receiver that
processed a request we timed out on can drop the retry. Every attempt is returned for the log.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

RETRYABLE = {408, 429}
TIMEOUT_S = 10.0    # per socket operation (connect, each read): a receiver slower than this fails
MAX_WAIT_S = 30.0   # the longest pause between attempts, whatever Retry-After asks


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


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand every 3xx back as an HTTPError instead of re-requesting it (as a GET, bodiless)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def retry_after_s(value: str | None, now: float | None = None) -> float:
    """Seconds to wait from a Retry-After header: delay-seconds or an HTTP date (RFC 9110);
    0 when absent, in the past or unreadable (the back-off then decides).

    >>> retry_after_s("7"), retry_after_s("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0)
    (7.0, 10.0)
    >>> retry_after_s("soon"), retry_after_s(None), retry_after_s("-3")
    (0.0, 0.0, 0.0)
    """
    text = (value or "").strip()
    if not text:
        return 0.0
    try:
        return max(float(text), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return 0.0
    if when.tzinfo is None:  # an HTTP date is GMT even when it says "-0000"
        when = when.replace(tzinfo=dt.UTC)
    return max(when.timestamp() - (time.time() if now is None else now), 0.0)


def _failure(exc: urllib.error.HTTPError) -> str:
    if 300 <= exc.code < 400:
        where = exc.headers.get("Location", "?") if exc.headers else "?"
        return (f"HTTP {exc.code}: redirect to {urlsplit(where).netloc or where!s:.80} not "
                "followed (a POST is never re-sent elsewhere); set the webhook to the final URL")
    return f"HTTP {exc.code}"


def _post_once(url: str, body: bytes, headers: dict, timeout_s: float
               ) -> tuple[int | None, str | None, float]:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with _OPENER.open(request, timeout=timeout_s) as response:
            return response.status, None, 0.0
    except urllib.error.HTTPError as exc:
        wait = retry_after_s(exc.headers.get("Retry-After")) if exc.headers else 0.0
        return exc.code, _failure(exc), wait
    except (urllib.error.URLError, OSError) as exc:
        return None, f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}", 0.0


def post_json(url: str, payload: dict, *, key: str | None = None, retries: int = 3,
              backoff_s: float = 1.0, max_wait_s: float = MAX_WAIT_S,
              timeout_s: float = TIMEOUT_S) -> list[Attempt]:
    """Up to 1 + `retries` attempts of one message (`key`: its Idempotency-Key), waiting
    backoff_s × 2^n or Retry-After (at most `max_wait_s`) between them; all attempts."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json", "User-Agent": "escalation-radar-alerts"}
    if key:
        headers["Idempotency-Key"] = key
    attempts = []
    for n in range(retries + 1):
        status, error, retry_after = _post_once(url, body, headers, timeout_s)
        ok = status is not None and 200 <= status < 300
        attempts.append(Attempt(n + 1, status, ok, error, time.time()))
        retryable = status is None or status in RETRYABLE or status >= 500
        if ok or not retryable or n == retries:
            return attempts
        time.sleep(min(max(backoff_s * 2 ** n, retry_after), max_wait_s))
    return attempts
