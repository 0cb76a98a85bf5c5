from django import forms

from .models import Category


class ReportForm(forms.Form):
    category = forms.ChoiceField(
        label="What kind of problem is it?",
        choices=Category.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the kind of problem.",
            "invalid_choice": "Choose one of the kinds listed.",
        },
    )
    reason = forms.CharField(
        label="Anything the moderators should know (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"max_length": "Keep the note under 1,000 characters."},
    )
    to_staff = forms.BooleanField(
        label="Send this to the site's staff instead of the group's moderators",
        required=False,
    )


REASON_HELP = "Members see the category; the member concerned and the other moderators see this."


class ActionForm(forms.Form):
    """Every moderation action says why."""

    reason = forms.CharField(
        label="Reason",
        max_length=500,
        help_text=REASON_HELP,
        error_messages={
            "required": "Say why, in a few words: it goes in the moderation log.",
            "max_length": "Keep the reason under 500 characters.",
        },
    )


class HideForm(ActionForm):
    category = forms.ChoiceField(
        label="Category",
        choices=Category.choices,
        error_messages={"required": "Choose a category.", "invalid_choice": "Choose a category."},
    )
    field_order = ["category", "reason"]


MUTE_DURATIONS = [
    ("3600", "One hour"),
    ("86400", "One day"),
    ("604800", "One week"),
    ("2592000", "Thirty days"),
]


class MuteForm(ActionForm):
    duration = forms.TypedChoiceField(
        label="For how long", choices=MUTE_DURATIONS, coerce=int, initial="86400"
    )
    field_order = ["duration", "reason"]


SLOW_MODE_CHOICES = [
    ("0", "Off"),
    ("30", "30 seconds"),
    ("120", "2 minutes"),
    ("600", "10 minutes"),
    ("3600", "One hour"),
]


class SlowModeForm(ActionForm):
    seconds = forms.TypedChoiceField(
        label="Least time between one member's posts", choices=SLOW_MODE_CHOICES, coerce=int
    )
    field_order = ["seconds", "reason"]


class AppealForm(forms.Form):
    text = forms.CharField(
        label="Why should this be reconsidered?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={
            "required": "Say briefly why the action should be reconsidered.",
            "max_length": "Keep the appeal under 2,000 characters.",
        },
    )


class AppealDecisionForm(ActionForm):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=[("upheld", "The action stands"), ("reversed", "Reverse the action")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the action stands."},
    )
    field_order = ["outcome", "reason"]
