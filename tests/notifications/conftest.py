import pytest

from tests.factories import verified_user


@pytest.fixture
def person(db):
    return verified_user(display_name="Pat Person")
