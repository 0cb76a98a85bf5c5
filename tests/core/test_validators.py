"""Names shown to other people refuse invisible and text-direction characters, with one
shared validator used by display names and group names."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from studygroups.core.validators import validate_plain_name
from studygroups.groups.forms import GroupForm

SNEAKY = ["\u200b", "\u202e", "\u2028", "\u2029", "\u0085", "\n", "\u2066", "\ufeff", "\x00"]


@pytest.mark.parametrize("ch", SNEAKY)
def test_refuses_invisible_and_bidi_characters(ch):
    with pytest.raises(ValidationError) as error:
        validate_plain_name(f"Ada{ch}Example")
    assert "one line of visible text" in error.value.messages[0]
    assert f"U+{ord(ch):04X}" in error.value.messages[0]


@pytest.mark.parametrize("name", ["Ada Lovelace", "José Ñúñez", "李小龙", "می‌خواهم", "👩‍🔬 Lab"])
def test_accepts_real_names(name):
    validate_plain_name(name)


@pytest.mark.django_db
@pytest.mark.parametrize("ch", ["\u200b", "\u202e", "\u2028", "\u0085"])
def test_profile_refuses_them_in_plain_words(user_client, user, ch):
    response = user_client.post(
        reverse("account_profile"), {"display_name": f"Ro{ch}sa", "time_zone": "UTC"}
    )
    assert response.status_code == 200
    assert "one line of visible text" in response.content.decode()
    user.refresh_from_db()
    assert ch not in user.display_name


@pytest.mark.django_db
@pytest.mark.parametrize("ch", ["\u200b", "\u202e", "\u2028", "\u0085"])
def test_group_name_refuses_them(user, ch):
    form = GroupForm(
        data={
            "name": f"Night{ch}Readers",
            "visibility": "public",
            "join_policy": "open",
            "time_zone": "UTC",
        },
        user=user,
    )
    assert not form.is_valid()
    assert "one line of visible text" in form.errors["name"][0]
