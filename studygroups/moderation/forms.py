from django import forms


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="What is wrong with this post?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={
            "required": "Tell the moderators briefly what is wrong.",
            "max_length": "Keep the reason under 1,000 characters.",
        },
    )
