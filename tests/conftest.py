import pytest

from tests.factories import PASSWORD, UserFactory, make_document, verified_user


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
