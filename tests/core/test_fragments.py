"""core.fragments and its template tags: what is kept, under which key, and what never is."""

from django.template import Context, Template
from django.test import override_settings
from django.utils import timezone, translation

from studygroups.core import fragments


def counting(value):
    calls = []

    def build():
        calls.append(1)
        return value

    return build, calls


def test_a_value_is_built_once_per_key():
    build, calls = counting("<p>x</p>")
    key = fragments.key("test-once", object.__repr__(object()))
    assert fragments.get_or_build(key, build) == fragments.get_or_build(key, build)
    assert len(calls) == 1


def test_no_key_means_no_cache():
    build, calls = counting("x")
    fragments.get_or_build(None, build)
    fragments.get_or_build(None, build)
    assert len(calls) == 2


@override_settings(FRAGMENT_MAX_CHARS=10)
def test_text_longer_than_the_limit_is_not_kept():
    build, calls = counting("x" * 11)
    key = fragments.key("test-long")
    fragments.get_or_build(key, build)
    fragments.get_or_build(key, build)
    assert len(calls) == 2


def test_keys_always_carry_the_language_and_time_zone():
    base = fragments.key("same")
    with translation.override("es"):
        assert fragments.key("same") != base
    with timezone.override("Asia/Tokyo"):
        assert fragments.key("same") != base
    assert fragments.key("same") == base


def test_fragment_tag_puts_back_each_requests_csrf_token():
    template = Template(
        '{% load fragments %}{% fragment "form" key %}<input value="{{ csrf_token }}">'
        "{{ n }}{% endfragment %}"
    )
    key = fragments.key("test-csrf")
    first = template.render(Context({"key": key, "csrf_token": "TOKEN-ONE", "n": 1}))
    second = template.render(Context({"key": key, "csrf_token": "TOKEN-TWO", "n": 2}))
    assert first == '<input value="TOKEN-ONE">1'
    assert second == '<input value="TOKEN-TWO">1'  # cached (n=1), with its own token
    stored = fragments.cache().get(f"{key}:form")
    assert "TOKEN" not in stored and fragments.CSRF_PLACEHOLDER in stored


def test_fragment_tag_without_key_renders_every_time():
    template = Template('{% load fragments %}{% fragment "x" key %}{{ n }}{% endfragment %}')
    assert template.render(Context({"key": None, "n": 1})) == "1"
    assert template.render(Context({"key": None, "n": 2})) == "2"


def test_capture_renders_once_and_shows_twice():
    calls = []

    def count():
        calls.append(1)
        return len(calls)

    template = Template(
        "{% load fragments %}{% capture as part %}<b>{{ count }}</b>{% endcapture %}"
        "{{ part }}|{{ part }}"
    )
    assert template.render(Context({"count": count})) == "<b>1</b>|<b>1</b>"
    assert calls == [1]


def test_lazy_fields_build_nothing_until_read():
    build, calls = counting({"a": 1, "b": [2]})
    context = fragments.lazy_fields(build, ["a", "b"])
    assert calls == []
    assert context["b"] == [2] and context["a"] == 1
    assert len(calls) == 1


# ---------------------------------------------------------------- base.html's kept parts


def switcher_token(body: str) -> str:
    import re

    form = body[body.index('class="language-switcher') :]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)


def test_cached_footer_switcher_posts_from_any_browser(db):
    from django.test import Client

    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get("/library/")  # renders and keeps the footer
    body = second.get("/library/").content.decode()  # another browser, another secret
    response = second.post(
        "/i18n/setlang/",
        {"csrfmiddlewaretoken": switcher_token(body), "language": "es", "next": "/library/"},
    )
    assert response.status_code == 302


def test_cached_footer_follows_the_language_and_the_address(client, db):
    english = client.get("/library/").content.decode()
    spanish = client.get("/library/?sort=title", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<option value="en" lang="en" selected>' in english
    assert '<option value="es" lang="es" selected>' in spanish
    assert 'name="next" value="/library/?sort=title"' in spanish
    assert 'name="next" value="/library/"' in english


def test_a_request_value_is_put_back_and_a_rendering_without_it_is_not_kept():
    stand_in = fragments.placeholder("test-value")
    key = fragments.key("test-fresh", object.__repr__(object()))
    shown = Template(
        '{% load fragments %}{% fragment "f" key fresh %}<i>{{ value }}</i>{% endfragment %}'
    )

    def render(value, written):
        return shown.render(Context({"key": key, "fresh": {stand_in: value}, "value": written}))

    # Each request gets its own value back from one cached rendering.
    assert render("one", "one") == "<i>one</i>"
    assert render("two", "other text") == "<i>two</i>"
    # A value the output does not contain is not stored: the next request renders afresh.
    other = fragments.key("test-fresh-missing", object.__repr__(object()))
    rendered = Template(
        '{% load fragments %}{% fragment "f" key fresh %}<i>{{ n }}</i>{% endfragment %}'
    )
    for n in (1, 2):
        context = Context({"key": other, "fresh": {stand_in: "absent"}, "n": n})
        assert rendered.render(context) == f"<i>{n}</i>"
