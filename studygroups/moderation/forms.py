from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category


class ReportForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What kind of problem is it?"),
        choices=Category.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the kind of problem."),
            "invalid_choice": _("Choose one of the kinds listed."),
        },
    )
    reason = forms.CharField(
        label=_("Anything the moderators should know (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"max_length": _("Keep the note under 1,000 characters.")},
    )
    to_staff = forms.BooleanField(
        label=_("Send this to the site's staff instead of the group's moderators"),
        required=False,
    )


REASON_HELP = _("Members see the category; the member concerned and the other moderators see this.")


class ActionForm(forms.Form):
    """Every moderation action says why."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=REASON_HELP,
        error_messages={
            "required": _("Say why, in a few words: it goes in the moderation log."),
            "max_length": _("Keep the reason under 500 characters."),
        },
    )


class HideForm(ActionForm):
    category = forms.ChoiceField(
        label=_("Category"),
        choices=Category.choices,
        error_messages={
            "required": _("Choose a category."),
            "invalid_choice": _("Choose a category."),
        },
    )
    field_order = ["category", "reason"]


MUTE_DURATIONS = [
    ("3600", _("One hour")),
    ("86400", _("One day")),
    ("604800", _("One week")),
    ("2592000", _("Thirty days")),
]


class MuteForm(ActionForm):
    duration = forms.TypedChoiceField(
        label=_("For how long"), choices=MUTE_DURATIONS, coerce=int, initial="86400"
    )
    field_order = ["duration", "reason"]


SLOW_MODE_CHOICES = [
    ("0", _("Off")),
    ("30", _("30 seconds")),
    ("120", _("2 minutes")),
    ("600", _("10 minutes")),
    ("3600", _("One hour")),
]


class SlowModeForm(ActionForm):
    seconds = forms.TypedChoiceField(
        label=_("Least time between one member's posts"), choices=SLOW_MODE_CHOICES, coerce=int
    )
    field_order = ["seconds", "reason"]


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Why should this be reconsidered?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={
            "required": _("Say briefly why the action should be reconsidered."),
            "max_length": _("Keep the appeal under 2,000 characters."),
        },
    )


class AppealDecisionForm(ActionForm):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[("upheld", _("The action stands")), ("reversed", _("Reverse the action"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the action stands.")},
    )
    field_order = ["outcome", "reason"]
