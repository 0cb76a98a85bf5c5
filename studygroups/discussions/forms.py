import uuid

from django import forms

from studygroups.core.markdown import markdown_to_plain

from .models import BODY_MAX, QUOTE_MAX
from .threads import SORTS

BODY_HELP = (
    "Markdown: *emphasis*, **strong**, [links](https://…), lists, > quotes, `code`. "
    "Mention a member with @name."
)


class PostForm(forms.Form):
    body = forms.CharField(
        label="Your post",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=BODY_MAX,
        help_text=BODY_HELP,
        error_messages={
            "required": "Write something before posting.",
            "max_length": f"A post can be at most {BODY_MAX:,} characters "
            "(this one has %(show_value)d).",
        },
    )
    key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"invalid": "The form was damaged; reload the page and try again."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("key", uuid.uuid4())
        kwargs.setdefault("auto_id", False)  # several forms share a page; labels are explicit
        super().__init__(*args, **kwargs)

    def clean_body(self):
        body = self.cleaned_data["body"].replace("\x00", "").strip()
        if not body:
            raise forms.ValidationError("Write something before posting.")
        return body


class NewPostForm(PostForm):
    anchor = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    quote = forms.CharField(
        required=False,
        max_length=QUOTE_MAX,
        widget=forms.HiddenInput,
        error_messages={"max_length": f"A quotation can be at most {QUOTE_MAX} characters."},
    )
    quote_prefix = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    question = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Answering", choices=()
    )

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = {q.pk: q for q in questions}
        if self.questions:
            self.fields["question"].choices = [("", "No question: a general comment")] + [
                (q.pk, markdown_to_plain(q.text, limit=90)) for q in questions
            ]
        else:
            self.fields["question"].widget = forms.HiddenInput()
        self.fields["question"].error_messages["invalid_choice"] = (
            "That question is not part of this group's reading of this text."
        )

    def clean_question(self):
        value = self.cleaned_data.get("question")
        return self.questions.get(value) if value else None


class EditForm(PostForm):
    pass


SHOW = {"all": "All posts", "unread": "Unread only"}


class DiscussionFilterForm(forms.Form):
    sort = forms.ChoiceField(
        label="Sort",
        choices=list(SORTS.items()),
        required=False,
        error_messages={"invalid_choice": "Sort by oldest, newest or most replies."},
    )
    show = forms.ChoiceField(
        label="Show",
        choices=list(SHOW.items()),
        required=False,
        error_messages={"invalid_choice": "Show all posts or unread only."},
    )

    def values(self) -> tuple[str, bool]:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("sort") or "oldest", data.get("show") == "unread"
