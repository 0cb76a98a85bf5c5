"""templates/forms/_field.html, the one form-field rendering both apps use."""

import re

import pytest
from django import forms
from django.template.loader import render_to_string


class SampleForm(forms.Form):
    title = forms.CharField(help_text="A short name.")
    note = forms.CharField(required=False)
    agree = forms.BooleanField(help_text="Tick it.")
    choice = forms.ChoiceField(
        choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect, help_text="Pick one."
    )
    many = forms.MultipleChoiceField(
        choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple, required=False
    )


def render(field, **extra) -> str:
    return render_to_string("forms/_field.html", {"field": field, **extra})


@pytest.mark.parametrize("bound", [False, True])
def test_every_described_by_id_exists(bound):
    form = SampleForm({"note": "x"} if bound else None)
    for field in form:
        html = render(field)
        described = re.findall(r'aria-describedby="([^"]+)"', html)
        if field.help_text or (bound and field.errors):
            assert described, field.name
        for ids in described:
            for ident in ids.split():
                assert f'id="{ident}"' in html, (field.name, ident)


def test_labels_optional_mark_and_groups():
    form = SampleForm()
    assert '<label for="id_title">Title</label>' in render(form["title"])
    assert "(optional)" in render(form["note"])
    assert "(optional)" not in render(form["note"], no_optional=True)
    assert "form-field--check" in render(form["agree"])
    radios = render(form["choice"])
    assert "<fieldset" in radios and "<legend>Choice</legend>" in radios
    assert "<fieldset" in render(form["many"])
