from django import forms

from studygroups.library.models import Document

from .metadata import parse_date


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


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="Files to import",
        help_text="Text (.txt), Markdown (.md), HTML, RSS/Atom feeds (.xml), or a .zip of them.",
    )


def _split_authors(value: str) -> list[str]:
    return [a.strip() for a in value.replace(";", ",").split(",") if a.strip()]


class ReviewForm(forms.ModelForm):
    """A reviewer fixes a document's metadata and clears its review mark."""

    authors = forms.CharField(
        required=False, help_text="Separate people with commas.", label="Authors"
    )
    published_text = forms.CharField(
        required=False,
        label="Date",
        help_text="e.g. 2019-03-20, March 2019 or 2003. Leave empty for no date.",
    )
    clear_review = forms.BooleanField(
        required=False, initial=True, label="Reviewed: clear the “needs review” mark"
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
        value = self.cleaned_data["published_text"].strip()
        if not value:
            return (None, "")
        if len(value) == 7 and value[4] == "-" and value.replace("-", "").isdigit():
            value = f"{value}-01"
            found, _ = parse_date(value)
            return (found, "month") if found else self._bad()
        found, precision = parse_date(value)
        if not found:
            self._bad()
        return found, precision

    @staticmethod
    def _bad():
        raise forms.ValidationError("Write the date as 2019-03-20, March 2019 or 2003.")

    def clean_authors(self):
        return _split_authors(self.cleaned_data["authors"])
