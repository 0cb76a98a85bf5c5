import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError

from studygroups.accounts.models import User
from studygroups.notifications import services
from studygroups.notifications.models import EmailOptOut, NotificationPreferences
from tests.factories import verified_user

pytestmark = pytest.mark.django_db

USER_KINDS = ["reminders", "changes", "discussions", "reports"]


def test_no_row_means_the_defaults(person):
    preferences = services.preferences_for(person)
    assert preferences.pk is None
    assert (preferences.session_reminders, preferences.reminder_lead_hours) == (True, 48)
    assert preferences.session_changes is True
    assert preferences.discussion_email == "immediately"
    assert preferences.report_email == "immediately"
    for kind in [*USER_KINDS, "invitations"]:
        assert services.email_allowed(kind=kind, user=person)


def test_preselected_preferences_cost_no_query(person, django_assert_num_queries):
    services.preferences_update(user=person, session_changes=False)
    verified_user()  # and one without a row
    users = list(User.objects.select_related("notification_preferences").order_by("pk"))
    with django_assert_num_queries(0):
        answers = [services.email_allowed(kind="changes", user=u) for u in users]
    assert answers == [False, True]


@pytest.mark.parametrize(
    "kind, field, off",
    [
        ("reminders", "session_reminders", False),
        ("changes", "session_changes", False),
        ("discussions", "discussion_email", "off"),
        ("reports", "report_email", "off"),
    ],
)
def test_unsubscribing_a_user_turns_off_that_kind_only(person, kind, field, off):
    services.email_unsubscribe(kind=kind, user=person)
    services.email_unsubscribe(kind=kind, user=person)  # safe to repeat
    preferences = NotificationPreferences.objects.get(user=person)
    assert getattr(preferences, field) == off
    assert [k for k in USER_KINDS if not services.email_allowed(kind=k, user=person)] == [kind]


def test_unsubscribing_from_all_stops_every_kind_and_the_address(person):
    services.preferences_update(user=person, discussion_email="daily")
    services.email_unsubscribe(kind="all", user=person)
    for kind in [*USER_KINDS, "invitations"]:
        assert not services.email_allowed(kind=kind, user=person, address=person.email)
    assert EmailOptOut.objects.filter(email=person.email.lower(), kind="all").exists()


def test_an_address_opt_out_holds_without_an_account_and_reaches_an_account(person):
    services.email_unsubscribe(kind="invitations", address="  Guest@Example.org ")
    assert not services.email_allowed(kind="invitations", address="guest@example.org")
    assert services.email_allowed(kind="reminders", address="guest@example.org")
    services.email_unsubscribe(kind="reminders", address=person.email.upper())
    assert not services.email_allowed(kind="reminders", user=person)
    assert services.email_allowed(kind="changes", user=person)
    assert EmailOptOut.objects.count() == 2


def test_unknown_kinds_are_refused(person):
    with pytest.raises(ValueError):
        services.email_allowed(kind="weekly", user=person)
    with pytest.raises(ValueError):
        services.email_allowed(kind="all", user=person)  # ask about one kind
    with pytest.raises(ValueError):
        services.email_unsubscribe(kind="weekly", user=person)


def test_preferences_update_validates(person):
    with pytest.raises(ValidationError):
        services.preferences_update(user=person, discussion_email="weekly")
    with pytest.raises(ValidationError):
        services.preferences_update(user=person, reminder_lead_hours=5)
    assert not NotificationPreferences.objects.filter(user=person, reminder_lead_hours=5).exists()


def test_discussion_email_filter_counts_no_row_as_immediately(person):
    daily, off = verified_user(), verified_user()
    services.preferences_update(user=daily, discussion_email="daily")
    services.preferences_update(user=off, discussion_email="off")
    services.preferences_update(user=person, session_changes=False)  # a row, default e-mail
    nobody = verified_user()

    def users(frequency):
        # Any model with a user: allauth's EmailAddress (one per verified user).
        field_q = services.discussion_email_q(frequency, user_path="user")
        return set(EmailAddress.objects.filter(field_q).values_list("user_id", flat=True))

    assert users("immediately") == {person.pk, nobody.pk}
    assert users("daily") == {daily.pk}
    assert users("off") == {off.pk}
