from pathlib import Path

import pytest

from risks.importers import import_register
from risks.models import RiskMatrix
from tests.factories import RiskRegisterFactory

SAMPLE = Path(__file__).resolve().parents[2] / "risks/demo/risk-register-sample.xlsx"


@pytest.fixture
def matrix_4x4(db):
    return RiskMatrix.objects.get(name="4x4")


@pytest.fixture
def register(matrix_4x4, alice):
    """A corporate register owned by Alice."""
    return RiskRegisterFactory(name="Performance and Projects", matrix=matrix_4x4, owner=alice)


@pytest.fixture
def sample_register(register):
    outcome = import_register(register, SAMPLE.read_bytes(), SAMPLE.name)
    assert outcome.created == 2 and not outcome.errors
    return register
