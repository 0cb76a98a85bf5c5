"""The site app: the home page and the demo loader."""

import pytest
from django.urls import reverse

from tests.factories import verified_user


@pytest.mark.django_db
def test_home_page_renders(client, document):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert document.title in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("staff", [True, False])
def test_empty_library_offers_the_importer_to_staff_only(client, staff):
    client.force_login(verified_user(is_staff=staff))
    html = client.get(reverse("home")).content.decode()
    assert ("Import texts" in html) is staff
    assert ("Visit the library" in html) is not staff


@pytest.mark.django_db
def test_load_demo_is_idempotent():
    from django.core.management import call_command

    from studygroups.accounts.models import User
    from studygroups.library.models import Document

    call_command("load_demo", verbosity=0)
    counts = (User.objects.count(), Document.objects.count())
    call_command("load_demo", verbosity=0)
    assert (User.objects.count(), Document.objects.count()) == counts
    assert counts[1] >= 3
