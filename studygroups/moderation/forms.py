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
