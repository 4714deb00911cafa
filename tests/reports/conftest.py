"""Fixtures of the report tests: real audits of a sample workspace."""

from __future__ import annotations

from pathlib import Path

import pytest
from audited_workspace import Audited, audit_sample, audit_twice


@pytest.fixture
def audited(tmp_path: Path) -> Audited:
    """The sample workspace audited once."""
    return audit_sample(tmp_path)


@pytest.fixture
def compared(tmp_path: Path) -> Audited:
    """The second of two compared runs."""
    return audit_twice(tmp_path)
