"""Built-in checks, one module per family, registered through ``register_checks``."""

from __future__ import annotations

from charter.domain.checks import Check


def register_checks() -> list[type[Check]]:
    """The ``charter.checks`` entry point of the built-in checks."""
    from charter.checks import (
        accountability,
        documentation,
        fairness,
        genai,
        monitoring,
        privacy,
        privacy_evidence,
        quality,
        remediation,
        training,
        transparency,
    )

    return [
        *documentation.CHECKS,
        *accountability.CHECKS,
        *transparency.CHECKS,
        *privacy.CHECKS,
        *privacy_evidence.CHECKS,
        *genai.CHECKS,
        *training.CHECKS,
        *monitoring.CHECKS,
        *fairness.CHECKS,
        *quality.CHECKS,
        *remediation.CHECKS,
    ]
