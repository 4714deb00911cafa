"""Alerts to the partner's own endpoints: signed webhook deliveries and their log.

A webhook receives a JSON POST whose exact body is signed with HMAC-SHA256 under a secret
shared with the receiver (the header scheme GitHub's webhooks use), so a receiver can tell
a genuine Charter alert from a forged one. Every attempt's outcome is kept in the delivery
log.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

SIGNATURE_HEADER = "X-Charter-Signature-256"
EVENT_HEADER = "X-Charter-Event"
DELIVERY_HEADER = "X-Charter-Delivery"
ALERT_SCHEMA = "charter.alert/v1"


class AlertEvent(StrEnum):
    BREACH = "monitoring.breach"
    """A monitoring run measured a metric beyond its limit or found new problems."""
    RUN = "monitoring.run"
    """Every monitoring run, breach or not (a heartbeat)."""


def signature(secret: bytes, body: bytes) -> str:
    """The signature header value: ``sha256=`` and the hex HMAC-SHA256 of the exact body."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def signature_matches(secret: bytes, body: bytes, header: str) -> bool:
    """Constant-time check of a received signature header (what a receiver does)."""
    return hmac.compare_digest(signature(secret, body), header)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One POST: the HTTP status (None when no response came) or the error."""

    status: int | None
    error: str | None
    seconds: float


@dataclass(frozen=True, slots=True)
class Delivery:
    """One alert sent to one webhook, after every retry."""

    id: str
    partner: str
    webhook: str
    url: str
    event: AlertEvent
    run_id: str | None
    at: datetime
    delivered: bool
    attempts: tuple[Attempt, ...]
    body_sha256: str

    @property
    def last_status(self) -> int | None:
        return self.attempts[-1].status if self.attempts else None

    @property
    def last_error(self) -> str | None:
        return self.attempts[-1].error if self.attempts else None
