"""The translation checks of `make lint` (scripts/messages.py) fail on what they must:
an empty or fuzzy Spanish entry, a broken placeholder; and the committed catalogs pass."""

import importlib.util
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("messages_script", ROOT / "scripts" / "messages.py")
messages = importlib.util.module_from_spec(spec)
spec.loader.exec_module(messages)

HEADER = """msgid ""
msgstr ""
"Language: es\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

"""
GOOD = """#: templates/base.html
msgid "Log in"
msgstr "Iniciar sesión"

#: templates/profile.html
#, python-format
msgid "Signed in as %(email)s."
msgstr "Has iniciado sesión como %(email)s."

#: templates/groups/list.html
#, python-format
msgid "%(n)s member"
msgid_plural "%(n)s members"
msgstr[0] "%(n)s miembro"
msgstr[1] "%(n)s miembros"
"""


def catalog(tmp_path, body: str) -> Path:
    po = tmp_path / "locale" / "es" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(HEADER + body, encoding="utf-8")
    return tmp_path


def test_a_complete_catalog_passes(tmp_path):
    assert messages.check([], catalog(tmp_path, GOOD)) == 0


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        ('msgstr "Iniciar sesión"', 'msgstr ""'),
        (
            '#: templates/base.html\nmsgid "Log in"',
            '#: templates/base.html\n#, fuzzy\nmsgid "Log in"',
        ),
        ("como %(email)s.", "como %(correo)s."),
        ('msgstr[1] "%(n)s miembros"', 'msgstr[1] ""'),
    ],
    ids=["empty", "fuzzy", "placeholder", "plural"],
)
def test_a_bad_entry_fails(tmp_path, capsys, broken, problem):
    assert broken in GOOD
    assert messages.check([], catalog(tmp_path, GOOD.replace(broken, problem))) == 1
    assert capsys.readouterr().out


def test_an_area_can_be_checked_alone(tmp_path):
    root = catalog(tmp_path, GOOD.replace('msgstr[1] "%(n)s miembros"', 'msgstr[1] ""'))
    assert messages.check(["templates/base.html", "templates/profile.html"], root) == 0
    assert messages.check(["templates/groups"], root) == 1


def test_compiled_catalog_serves_the_translation(tmp_path):
    import gettext

    root = catalog(tmp_path, GOOD)
    po = root / "locale" / "es" / "LC_MESSAGES" / "django.po"
    with (po.with_suffix(".mo")).open("wb") as fh:
        from babel.messages.mofile import write_mo

        write_mo(fh, messages.read(po))
    translations = gettext.GNUTranslations((po.with_suffix(".mo")).open("rb"))
    assert translations.gettext("Log in") == "Iniciar sesión"
    assert translations.ngettext("%(n)s member", "%(n)s members", 3) == "%(n)s miembros"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs gettext's xgettext")
def test_uptodate_finds_a_string_marked_but_not_extracted(tmp_path, capsys):
    for name in messages.SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, tmp_path / name)
    (tmp_path / "templates" / "new.html").write_text(
        '{% load i18n %}<p>{% translate "A sentence nobody extracted" %}</p>'
    )
    assert messages.uptodate(tmp_path) == 1
    out = capsys.readouterr().out
    assert "not in the catalog: 'A sentence nobody extracted'" in out
    assert "no longer marked" not in out
