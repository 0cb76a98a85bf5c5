import uuid

from django import forms
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from studygroups.core.markdown import markdown_to_plain

from .models import BODY_MAX, QUOTE_MAX
from .threads import SORTS

BODY_HELP = gettext_lazy(
    "Markdown: *emphasis*, **strong**, [links](https://…), lists, > quotes, `code`. "
    "Mention a member with @name."
)


def _too_long() -> str:
    """The length error, with the limit written as the active language writes numbers
    (Django fills in `show_value`)."""
    limit = number_format(BODY_MAX, force_grouping=True)
    return _("A post can be at most %(limit)s characters (this one has %(show_value)d).").replace(
        "%(limit)s", limit
    )


class PostForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your post"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=BODY_MAX,
        help_text=BODY_HELP,
        error_messages={
            "required": gettext_lazy("Write something before posting."),
            "max_length": lazy(_too_long, str)(),
        },
    )
    key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "invalid": gettext_lazy("The form was damaged; reload the page and try again.")
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("key", uuid.uuid4())
        kwargs.setdefault("auto_id", False)  # several forms share a page; labels are explicit
        super().__init__(*args, **kwargs)

    def clean_body(self):
        body = self.cleaned_data["body"].replace("\x00", "").strip()
        if not body:
            raise forms.ValidationError(_("Write something before posting."))
        return body


class NewPostForm(PostForm):
    anchor = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    quote = forms.CharField(
        required=False,
        max_length=QUOTE_MAX,
        widget=forms.HiddenInput,
        error_messages={
            "max_length": gettext_lazy("A quotation can be at most %(limit_value)s characters.")
        },
    )
    quote_prefix = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    question = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label=gettext_lazy("Answering"), choices=()
    )

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = {q.pk: q for q in questions}
        if self.questions:
            self.fields["question"].choices = [("", _("No question: a general comment"))] + [
                (q.pk, markdown_to_plain(q.text, limit=90)) for q in questions
            ]
        else:
            self.fields["question"].widget = forms.HiddenInput()
        self.fields["question"].error_messages["invalid_choice"] = _(
            "That question is not part of this group’s reading of this text."
        )

    def clean_question(self):
        value = self.cleaned_data.get("question")
        return self.questions.get(value) if value else None


class EditForm(PostForm):
    pass


SHOW = {"all": gettext_lazy("All posts"), "unread": gettext_lazy("Unread only")}


class DiscussionFilterForm(forms.Form):
    sort = forms.ChoiceField(
        label=gettext_lazy("Sort"),
        choices=list(SORTS.items()),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Sort by oldest, newest or most replies.")},
    )
    show = forms.ChoiceField(
        label=gettext_lazy("Show"),
        choices=list(SHOW.items()),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Show all posts or unread only.")},
    )

    def values(self) -> tuple[str, bool]:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("sort") or "oldest", data.get("show") == "unread"
