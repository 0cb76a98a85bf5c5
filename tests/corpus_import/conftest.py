from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The seed corpus lives beside the checkout (<project root>/../shared/corpus); never copied.
SEED_CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()
