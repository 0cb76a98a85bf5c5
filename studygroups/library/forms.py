from django import forms
from django.utils.translation import get_language, get_language_info, gettext, pgettext
from django.utils.translation import gettext_lazy as _

from .models import Author, Document, Topic

SORTS = {
    "title": (_("Title A–Z"), ["title"]),
    "newest": (_("Newest publication first"), ["-published", "title"]),
    "oldest": (_("Oldest publication first"), ["published", "title"]),
    "added": (_("Recently added"), ["-created_at", "title"]),
    "shortest": (_("Shortest read first"), ["reading_minutes", "title"]),
}

ORGANIZATION = "org:"


# Interface languages that write language names in lower case inside a sentence
# ("en inglés"), while a list item still starts with a capital ("Inglés").
LOWER_CASE_LANGUAGE_NAMES = {"es", "fr", "it", "pt", "ca", "gl"}


def _cldr_name(code: str) -> str:
    """The language's name in the interface's language from Babel's CLDR data; "" for a
    code it does not know either."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(code).get_display_name((get_language() or "en").split("-")[0])
    except (UnknownLocaleError, ValueError):
        return ""
    return (name[:1].upper() + name[1:]) if name else ""


def language_name(code: str, *, in_sentence: bool = False) -> str:
    """The language's name in the interface's language ("Spanish", "Inglés"), from
    Django's own list; the code itself for a language Django does not know. With
    `in_sentence`, written as the interface's language writes it inside a sentence."""
    try:
        name = str(get_language_info(code)["name_translated"])
    except KeyError:  # not in Django's list (Yiddish, Latin...): Babel's CLDR names
        name = _cldr_name(code)
        if not name:
            return code.upper()
    interface = (get_language() or "en").split("-")[0]
    if in_sentence and interface in LOWER_CASE_LANGUAGE_NAMES:
        return name[:1].lower() + name[1:]
    return name


class LibraryFilterForm(forms.Form):
    """The library's search and filters. Every field is optional; bad values are explained."""

    q = forms.CharField(label=_("Search titles and authors"), required=False, max_length=200)
    # People (by slug) and publishing organizations ("org:" + name): most texts, the
    # imported ones above all, name an organization and no person.
    author = forms.ChoiceField(label=_("Author or organization"), required=False)
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.filter(documents__isnull=False).distinct(),
        required=False,
        to_field_name="slug",
        empty_label=_("Any topic"),
    )
    language = forms.ChoiceField(label=_("Language"), required=False)
    year_from = forms.IntegerField(
        label=_("From year"), required=False, min_value=1, max_value=9999
    )
    year_to = forms.IntegerField(label=_("To year"), required=False, min_value=1, max_value=9999)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[(key, label) for key, (label, _) in SORTS.items()],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Languages and organizations in one query.
        pairs = Document.objects.order_by().values_list("language", "organization").distinct()
        codes = sorted({language for language, _ in pairs})
        self.fields["language"].choices = [("", gettext("Any language"))] + [
            (code, language_name(code)) for code in codes
        ]
        people = [
            (author.slug, author.name)
            for author in Author.objects.filter(documents__isnull=False).distinct()
        ]
        organizations = [
            (ORGANIZATION + name, name)
            for name in sorted({name for _, name in pairs if name}, key=str.casefold)
        ]
        self.fields["author"].choices = [("", gettext("Any author or organization"))] + [
            (group, choices)
            for group, choices in (
                (pgettext("authors who are people", "People"), people),
                (gettext("Organizations"), organizations),
            )
            if choices
        ]
        # A filter with nothing to choose from is not offered at all.
        topics = self.fields["topic"]
        # iter(): list() would ask the choices' length first, a COUNT query of its own.
        topics.choices = list(iter(topics.choices))
        if len(topics.choices) == 1:
            del self.fields["topic"]

    def clean(self):
        data = super().clean()
        start, end = data.get("year_from"), data.get("year_to")
        if start and end and end < start:
            self.add_error("year_to", gettext("The end year is before the start year."))
        return data

    def filter(self, queryset):
        """Apply the valid filters; invalid ones are ignored (their errors are shown)."""
        data = self.cleaned_data if self.is_bound else {}
        valid = {name: value for name, value in data.items() if name not in self.errors}
        queryset = queryset.search(valid.get("q", ""))
        author = valid.get("author") or ""
        if author.startswith(ORGANIZATION):
            queryset = queryset.filter(organization=author.removeprefix(ORGANIZATION))
        elif author:
            queryset = queryset.filter(authors__slug=author)
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
