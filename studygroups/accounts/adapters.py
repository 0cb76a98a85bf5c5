from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# allauth's messages that people meet, in the site's words ("e-mail address", plain
# sentences); the rest keep allauth's wording and its Spanish catalog.
SITE_ERROR_MESSAGES = {
    "account_inactive": _("This account is inactive."),
    "cannot_remove_primary_email": _("You cannot remove your main e-mail address."),
    "duplicate_email": _("This e-mail address is already on your account."),
    "email_password_mismatch": _("The e-mail address or the password is not right."),
    "email_taken": _("Someone has already signed up with this e-mail address."),
    "enter_current_password": _("Type your current password."),
    "incorrect_password": _("That is not your password."),
    "invalid_password_reset": _("This password reset link is not valid."),
    "too_many_login_attempts": _("Too many failed attempts to log in. Try again later."),
    "unknown_email": _("No account uses this e-mail address."),
    "unverified_primary_email": _("Your main e-mail address must be confirmed first."),
    "same_as_current": _("The new value must be different from the current one."),
    "rate_limited": _("You are sending too many requests: wait a little, then try again."),
}


class AccountAdapter(DefaultAccountAdapter):
    """Fills the display name from the e-mail address when a person signs up; speaks in
    the site's words."""

    error_messages = {**DefaultAccountAdapter.error_messages, **SITE_ERROR_MESSAGES}

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        if not user.display_name:
            user.display_name = user.email.split("@", 1)[0][:80]
        if commit:
            user.save()
        return user

    def format_email_subject(self, subject):
        # The prefix is translated with the e-mail (rendered in the recipient's language).
        return gettext("[Study groups] %(subject)s") % {"subject": subject}
