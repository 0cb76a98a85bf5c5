from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from studygroups.groups.models import Group, Membership
from studygroups.library.forms import language_name
from studygroups.library.models import Author, Document

from .backends import Filters
from .query import MAX_INPUT, clean_input
from .selectors import KINDS


class SearchForm(forms.Form):
    """The search box and its filters. Every field is optional; a bad filter is explained
    and ignored, and the words are never an error (long input is cut, not refused)."""

    q = forms.CharField(label=gettext_lazy("Search for"), required=False, strip=True)
    kind = forms.ChoiceField(
        required=False,
        choices=[("", gettext_lazy("All"))] + list(KINDS.items()),
        widget=forms.HiddenInput,
    )
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False)
    author = forms.CharField(
        label=gettext_lazy("Author"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("A name from the library."),
    )
    group = forms.ModelChoiceField(
        label=gettext_lazy("Group"),
        queryset=Group.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label=gettext_lazy("Any group"),
    )
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget = forms.TextInput(
            attrs={
                "type": "search",
                "maxlength": MAX_INPUT,
                "autocomplete": "off",
                "spellcheck": "false",
                "placeholder": _("Words, or a “quoted phrase”"),
            }
        )
        codes = Document.objects.order_by("language").values_list("language", flat=True).distinct()
        self.fields["language"].choices = [("", _("Any language"))] + [
            (code, language_name(code)) for code in codes
        ]
        # Any listed group, or one of the viewer's own, may be asked for (unlisted groups
        # are not advertised); the menu offers the viewer's own groups and the one chosen,
        # since an organization's hundreds of public groups make no usable menu.
        mine = Q(pk__in=[])
        if user is not None and user.is_authenticated:
            mine = Q(memberships__user=user, memberships__state=Membership.State.ACTIVE)
        field = self.fields["group"]
        field.queryset = Group.objects.filter(
            Q(visibility=Group.Visibility.PUBLIC) | mine
        ).distinct()
        selected = self.data.get("group") if self.is_bound else None
        offered = mine | (
            Q(slug=selected, visibility=Group.Visibility.PUBLIC) if selected else mine
        )
        field.widget.choices = [("", field.empty_label)] + list(
            Group.objects.filter(offered).distinct().order_by("name").values_list("slug", "name")
        )

    def clean_q(self):
        return clean_input(self.cleaned_data.get("q"))

    def clean_author(self):
        name = " ".join((self.cleaned_data.get("author") or "").split())
        if not name:
            return None
        author = (
            Author.objects.filter(Q(slug=name) | Q(name__iexact=name)).order_by("name").first()
            or Author.objects.filter(name__icontains=name).order_by("name").first()
        )
        if author is None:
            raise forms.ValidationError(
                _("No author called “%(name)s” in the library.") % {"name": name}
            )
        return author

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def valid_data(self) -> dict:
        data = self.cleaned_data if self.is_bound else {}
        return {name: value for name, value in data.items() if name not in self.errors}

    def filters(self) -> Filters:
        data = self.valid_data()
        return Filters(
            language=data.get("language") or "",
            author_id=data["author"].pk if data.get("author") else None,
            group_id=data["group"].pk if data.get("group") else None,
            since=data.get("since"),
            until=data.get("until"),
        )

    @property
    def has_filters(self) -> bool:
        data = self.valid_data()
        return any(data.get(name) for name in ("language", "author", "group", "since", "until"))


class DocumentSearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search in this text"), required=False)

    def clean_q(self):
        return clean_input(self.cleaned_data.get("q"))
