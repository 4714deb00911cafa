"""Webhook POSTs over HTTP(S) with retries and exponential backoff (``WebhookSender``).

Only the configured URL is contacted: redirects are refused (a redirect could send the
alert somewhere the partner never configured). Connection errors, timeouts, 429 and 5xx
answers are retried; other 4xx answers are final, since sending the same body again
cannot succeed.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

from charter.domain.alerts import Attempt

MAX_WAIT_SECONDS = 60.0


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None  # the 3xx answer is returned as an HTTPError: final, not followed


@dataclass
class HttpWebhookSender:
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _opener: urllib.request.OpenerDirector = field(
        default_factory=lambda: urllib.request.build_opener(_NoRedirects())
    )

    def post(
        self,
        url: str,
        body: bytes,
        headers: Mapping[str, str],
        *,
        timeout: float,
        max_attempts: int,
        backoff: float,
    ) -> tuple[Attempt, ...]:
        attempts: list[Attempt] = []
        for number in range(max_attempts):
            started = self.clock()
            status, error, retry_after = self._once(url, body, headers, timeout)
            attempts.append(Attempt(status, error, round(self.clock() - started, 3)))
            if status is not None and 200 <= status < 300:
                break
            retryable = status is None or status == 429 or status >= 500
            if not retryable or number == max_attempts - 1:
                break
            wait = min(backoff * 2**number, MAX_WAIT_SECONDS)
            if retry_after is not None and retry_after <= MAX_WAIT_SECONDS:
                wait = retry_after
            self.sleep(wait)
        return tuple(attempts)

    def _once(
        self, url: str, body: bytes, headers: Mapping[str, str], timeout: float
    ) -> tuple[int | None, str | None, float | None]:
        request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")  # noqa: S310 - http(s) only: the workspace schema admits no other scheme
        try:
            with self._opener.open(request, timeout=timeout) as response:
                response.read(65536)
                return int(response.status), None, None
        except urllib.error.HTTPError as exc:
            exc.close()
            return exc.code, f"HTTP {exc.code} {exc.reason}", _retry_after(exc.headers)
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            return None, f"{type(reason).__name__}: {reason}"[:300], None


def _retry_after(headers: Any) -> float | None:
    """Seconds from a ``Retry-After`` header (delta seconds or an HTTP date)."""
    value = headers.get("Retry-After") if headers is not None else None
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())
