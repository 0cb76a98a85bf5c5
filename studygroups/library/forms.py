from django import forms

from .models import Author, Document, Topic

SORTS = {
    "title": ("Title A–Z", ["title"]),
    "newest": ("Newest publication first", ["-published", "title"]),
    "oldest": ("Oldest publication first", ["published", "title"]),
    "added": ("Recently added", ["-created_at", "title"]),
    "shortest": ("Shortest read first", ["reading_minutes", "title"]),
}

LANGUAGE_NAMES = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "pt": "Portuguese",
}


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code.upper())


class LibraryFilterForm(forms.Form):
    """The library's search and filters. Every field is optional; bad values are explained."""

    q = forms.CharField(label="Search titles and authors", required=False, max_length=200)
    author = forms.ModelChoiceField(
        label="Author",
        queryset=Author.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label="Any author",
    )
    topic = forms.ModelChoiceField(
        label="Topic",
        queryset=Topic.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label="Any topic",
    )
    language = forms.ChoiceField(label="Language", required=False)
    year_from = forms.IntegerField(label="From year", required=False, min_value=1, max_value=9999)
    year_to = forms.IntegerField(label="To year", required=False, min_value=1, max_value=9999)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[(key, label) for key, (label, _) in SORTS.items()],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = Document.objects.order_by("language").values_list("language", flat=True).distinct()
        self.fields["language"].choices = [("", "Any language")] + [
            (code, language_name(code)) for code in codes
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("year_from"), data.get("year_to")
        if start and end and end < start:
            self.add_error("year_to", "The end year is before the start year.")
        return data

    def filter(self, queryset):
        """Apply the valid filters; invalid ones are ignored (their errors are shown)."""
        data = self.cleaned_data if self.is_bound else {}
        valid = {name: value for name, value in data.items() if name not in self.errors}
        queryset = queryset.search(valid.get("q", ""))
        if valid.get("author"):
            queryset = queryset.filter(authors=valid["author"])
        if valid.get("topic"):
            queryset = queryset.filter(topics=valid["topic"])
        if valid.get("language"):
            queryset = queryset.filter(language=valid["language"])
        if valid.get("year_from"):
            queryset = queryset.filter(published__year__gte=valid["year_from"])
        if valid.get("year_to"):
            queryset = queryset.filter(published__year__lte=valid["year_to"])
        order = SORTS.get(valid.get("sort") or "title", SORTS["title"])[1]
        return queryset.order_by(*order)
