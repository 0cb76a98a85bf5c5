from allauth.account import forms as allauth_forms
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import User, time_zone_choices


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        # Each language named in itself, so a person who cannot read the current one
        # still finds their own.
        choices=[("", _("Follow my browser"))] + list(settings.LANGUAGES),
        help_text=_("The language of the site and of your e-mails."),
    )

    class Meta:
        model = User
        fields = ["display_name", "time_zone", "language"]
        labels = {"display_name": _("Display name")}


# allauth's forms, relabelled to speak like the rest of the site (ACCOUNT_FORMS in
# settings): "E-mail address", sentence case, in English and in Spanish (our catalog
# carries these labels; allauth's own catalog carries its other messages).
SITE_LABELS = {
    "login": _("E-mail address"),
    "email": _("E-mail address"),
    "remember": _("Remember me"),
    "password": _("Password"),
    "password2": _("Password (again)"),
}
NEW_PASSWORD_LABELS = {
    "oldpassword": _("Current password"),
    "password1": _("New password"),
    "password2": _("New password (again)"),
}


class SiteLabelsMixin:
    labels = SITE_LABELS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in self.labels.items():
            if name in self.fields:
                self.fields[name].label = label
                self.fields[name].widget.attrs.pop("placeholder", None)


class LoginForm(SiteLabelsMixin, allauth_forms.LoginForm):
    pass


class SignupForm(SiteLabelsMixin, allauth_forms.SignupForm):
    labels = {**SITE_LABELS, "password1": _("Password")}


class AddEmailForm(SiteLabelsMixin, allauth_forms.AddEmailForm):
    labels = {**SITE_LABELS, "email": _("New e-mail address")}


class ResetPasswordForm(SiteLabelsMixin, allauth_forms.ResetPasswordForm):
    pass


class ChangePasswordForm(SiteLabelsMixin, allauth_forms.ChangePasswordForm):
    labels = NEW_PASSWORD_LABELS


class SetPasswordForm(SiteLabelsMixin, allauth_forms.SetPasswordForm):
    labels = NEW_PASSWORD_LABELS


class ResetPasswordKeyForm(SiteLabelsMixin, allauth_forms.ResetPasswordKeyForm):
    labels = NEW_PASSWORD_LABELS


class ReauthenticateForm(SiteLabelsMixin, allauth_forms.ReauthenticateForm):
    pass
