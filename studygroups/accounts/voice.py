"""Django's and allauth's own messages that members read on the account pages, listed so
that `make messages` brings them into our catalog. Ours comes first (LOCALE_PATHS), so its
Spanish, in the site's voice (the member is "tú", never "usted"), replaces theirs.

Nothing imports these names: the strings are translated where Django and allauth use them.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

MESSAGES = (
    # Django's password validators (help text under every new-password field).
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    # Django's forms.
    gettext_noop("Enter a valid email address."),
    # allauth's forms.
    gettext_noop("You must type the same password each time."),
)

PLURAL_MESSAGES = (
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
)
