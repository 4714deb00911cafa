"""Webhook POSTs against a real local HTTP server: signature, retries, backoff, refusals."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from charter.domain.alerts import SIGNATURE_HEADER, Attempt, signature, signature_matches
from charter.engines.alerts.webhooks import HttpWebhookSender
from support import WebhookReceiver


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def sender(waits: list[float]) -> HttpWebhookSender:
    return HttpWebhookSender(sleep=waits.append)


@contextmanager
def _receiver(*script: tuple[int, dict[str, str], float]) -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(list(script))
    try:
        yield receiver
    finally:
        receiver.close()


def _post(
    sender: HttpWebhookSender, url: str, attempts: int = 4, timeout: float = 5.0
) -> tuple[Attempt, ...]:
    body = b'{"event": "monitoring.breach"}'
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: signature(b"s3cret", body)}
    return sender.post(url, body, headers, timeout=timeout, max_attempts=attempts, backoff=0.5)


def test_a_delivered_post_carries_the_exact_body_and_a_valid_signature(
    sender: HttpWebhookSender, waits: list[float]
) -> None:
    with _receiver((204, {}, 0.0)) as receiver:
        attempts = _post(sender, receiver.url)
        assert [a.status for a in attempts] == [204]
        assert waits == []
        path, headers, body = receiver.requests[0]
        assert path == "/hooks/charter"
        assert body == b'{"event": "monitoring.breach"}'
        assert signature_matches(b"s3cret", body, headers[SIGNATURE_HEADER])
        assert not signature_matches(b"other", body, headers[SIGNATURE_HEADER])
        assert not signature_matches(b"s3cret", body + b" ", headers[SIGNATURE_HEADER])


def test_server_errors_are_retried_with_doubling_backoff(
    sender: HttpWebhookSender, waits: list[float]
) -> None:
    with _receiver((503, {}, 0.0), (500, {}, 0.0), (200, {}, 0.0)) as receiver:
        attempts = _post(sender, receiver.url)
        assert [a.status for a in attempts] == [503, 500, 200]
        assert waits == [0.5, 1.0]
        assert len(receiver.requests) == 3
        assert len({r[2] for r in receiver.requests}) == 1  # the same body each time


def test_retry_after_of_a_429_is_honoured(sender: HttpWebhookSender, waits: list[float]) -> None:
    with _receiver((429, {"Retry-After": "3"}, 0.0), (200, {}, 0.0)) as receiver:
        assert [a.status for a in _post(sender, receiver.url)] == [429, 200]
        assert waits == [3.0]


def test_a_client_error_is_final(sender: HttpWebhookSender, waits: list[float]) -> None:
    with _receiver((401, {}, 0.0)) as receiver:
        attempts = _post(sender, receiver.url)
        assert [a.status for a in attempts] == [401]
        assert attempts[0].error is not None
        assert "401" in attempts[0].error
        assert waits == []


def test_attempts_are_spent_on_a_server_that_keeps_failing(
    sender: HttpWebhookSender, waits: list[float]
) -> None:
    with _receiver((502, {}, 0.0)) as receiver:
        attempts = _post(sender, receiver.url, attempts=3)
        assert [a.status for a in attempts] == [502, 502, 502]
        assert waits == [0.5, 1.0]


def test_a_redirect_is_not_followed(sender: HttpWebhookSender) -> None:
    with (
        _receiver((200, {}, 0.0)) as elsewhere,
        _receiver((302, {"Location": elsewhere.url}, 0.0)) as receiver,
    ):
        attempts = _post(sender, receiver.url)
        assert [a.status for a in attempts] == [302]
        assert elsewhere.requests == []  # the alert never reached the other host


def test_a_refused_connection_and_a_timeout_are_errors_that_retry(
    sender: HttpWebhookSender, waits: list[float]
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    attempts = _post(sender, f"http://127.0.0.1:{port}/hook", attempts=2)
    assert [a.status for a in attempts] == [None, None]
    assert all(a.error for a in attempts)
    assert waits == [0.5]
    with _receiver((200, {}, 1.5)) as receiver:
        attempts = _post(sender, receiver.url, attempts=2, timeout=0.3)
        assert attempts[0].status is None
        assert "timed out" in (attempts[0].error or "")
