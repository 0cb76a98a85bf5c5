import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import PASSWORD, UserFactory, make_document, verified_user


def pytest_configure(config):
    # The Spanish catalog is committed as .po; tests need the compiled .mo, whoever runs them.
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, str(root / "scripts" / "messages.py"), "compile"], check=True)


@pytest.fixture(autouse=True)
def _site_language_between_tests():
    """A request in Spanish leaves Spanish active in the test thread (LocaleMiddleware
    activates a language, nothing deactivates it): every test starts in the default."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def user(db):
    return verified_user()


@pytest.fixture
def staff_user(db):
    return verified_user(is_staff=True, is_superuser=True)


@pytest.fixture
def other_user(db):
    return verified_user()


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def document(db):
    return make_document(title="On Reading Together", authors=["Ada Example", "Ben Sample"])


@pytest.fixture
def unverified_user(db):
    return UserFactory()
