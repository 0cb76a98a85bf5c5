from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from studygroups.library.models import Author, Document

from .metadata import parse_date_input
from .sources import ARCHIVE_EXTENSIONS, max_archive_bytes, max_file_bytes

AUTHOR_NAME_MAX = Author._meta.get_field("name").max_length


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            if not data:
                return [single(None, initial)]
            return [single(d, initial) for d in data]
        return [single(data, initial)]


def _mb(n: int) -> str:
    if n < 10 * 1024 * 1024:
        return _("%(size).1f MB") % {"size": n / (1024 * 1024)}
    return _("%(size)d MB") % {"size": n // (1024 * 1024)}


class UploadForm(forms.Form):
    files = MultipleFileField(
        label=gettext_lazy("Files to import"),
        help_text=gettext_lazy(
            "Text (.txt), Markdown (.md), HTML, EPUB, RSS/Atom feeds (.xml), or a .zip of them."
        ),
    )

    def clean_files(self):
        """Each file's size, as the upload reports it, against the limits: checked before
        anything is read or stored."""
        files = self.cleaned_data["files"]
        problems = []
        for upload in files:
            is_archive = any(upload.name.lower().endswith(ext) for ext in ARCHIVE_EXTENSIONS)
            limit = max_archive_bytes() if is_archive else max_file_bytes()
            if upload.size > limit:
                message = (
                    _(
                        "“%(name)s” is %(size)s, over the %(limit)s limit for an archive. "
                        "Split it into smaller files."
                    )
                    if is_archive
                    else _(
                        "“%(name)s” is %(size)s, over the %(limit)s limit for one file. "
                        "Split it into smaller files."
                    )
                )
                problems.append(
                    forms.ValidationError(
                        message
                        % {"name": upload.name, "size": _mb(upload.size), "limit": _mb(limit)}
                    )
                )
        if problems:
            raise forms.ValidationError(problems)
        return files


def _split_authors(value: str) -> list[str]:
    return [a.strip() for a in value.replace(";", ",").split(",") if a.strip()]


def clean_author_names(value: str) -> list[str]:
    """Authors typed as one comma-separated line; each name must fit the library."""
    names = _split_authors(value)
    too_long = [n for n in names if len(n) > AUTHOR_NAME_MAX]
    if too_long:
        raise forms.ValidationError(
            _(
                "An author's name can be at most %(max)d characters; “%(name)s…” is "
                "%(length)d. Separate people with commas."
            )
            % {"max": AUTHOR_NAME_MAX, "name": too_long[0][:40], "length": len(too_long[0])}
        )
    return names


def clean_date_input(value: str):
    try:
        return parse_date_input(value)
    except ValueError as exc:
        # The pipeline's message (metadata.DATE_INPUT_HELP), in the reader's language.
        raise forms.ValidationError(_("Write the date as 2019-03-20, March 2019 or 2003.")) from exc


class CorrectionForm(forms.Form):
    """A person's correction of one previewed document. The prefix is "f<file>-d<doc>",
    so the fields are named "f0-d1-title" etc."""

    title = forms.CharField(required=False, max_length=300, label=gettext_lazy("Title"))
    authors = forms.CharField(required=False, label=gettext_lazy("Authors"))
    published = forms.CharField(required=False, label=gettext_lazy("Date"))

    def clean_title(self):
        return self.cleaned_data["title"].strip()

    def clean_authors(self):
        return clean_author_names(self.cleaned_data["authors"])

    def clean_published(self):
        value = self.cleaned_data["published"].strip()
        clean_date_input(value)
        return value


class ReviewForm(forms.ModelForm):
    """A reviewer fixes a document's metadata and clears its review mark."""

    authors = forms.CharField(
        required=False,
        help_text=gettext_lazy("Separate people with commas."),
        label=gettext_lazy("Authors"),
    )
    published_text = forms.CharField(
        required=False,
        label=gettext_lazy("Date"),
        help_text=gettext_lazy("e.g. 2019-03-20, March 2019 or 2003. Leave empty for no date."),
    )
    clear_review = forms.BooleanField(
        required=False,
        initial=True,
        label=gettext_lazy("Reviewed: clear the “needs review” mark"),
    )

    class Meta:
        model = Document
        fields = ["title", "subtitle", "organization", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        doc = self.instance
        self.fields["authors"].initial = ", ".join(a.name for a in doc.ordered_authors)
        if doc.published:
            value = {
                "year": str(doc.published.year),
                "month": doc.published.strftime("%Y-%m"),
            }.get(doc.date_precision, doc.published.isoformat())
            self.fields["published_text"].initial = value

    def clean_published_text(self):
        return clean_date_input(self.cleaned_data["published_text"])

    def clean_authors(self):
        return clean_author_names(self.cleaned_data["authors"])
