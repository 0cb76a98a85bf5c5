from allauth.account import forms as allauth_forms
from django import forms

from .models import User, time_zone_choices


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label="Time zone", choices=time_zone_choices)

    class Meta:
        model = User
        fields = ["display_name", "time_zone"]
        labels = {"display_name": "Display name"}


# allauth's forms, relabelled to speak like the rest of the site (ACCOUNT_FORMS in
# settings): "E-mail address", sentence case.
SITE_LABELS = {
    "login": "E-mail address",
    "email": "E-mail address",
    "remember": "Remember me",
    "password2": "Password (again)",
}


class SiteLabelsMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in SITE_LABELS.items():
            if name in self.fields:
                self.fields[name].label = label
                self.fields[name].widget.attrs.pop("placeholder", None)


class LoginForm(SiteLabelsMixin, allauth_forms.LoginForm):
    pass


class SignupForm(SiteLabelsMixin, allauth_forms.SignupForm):
    pass


class AddEmailForm(SiteLabelsMixin, allauth_forms.AddEmailForm):
    pass


class ResetPasswordForm(SiteLabelsMixin, allauth_forms.ResetPasswordForm):
    pass
