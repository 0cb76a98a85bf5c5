"""Compile and check the translation catalogs without system gettext.

    python scripts/messages.py compile          # locale/*/LC_MESSAGES/django.po -> .mo (if stale)
    python scripts/messages.py check [PREFIX…]  # fail on empty, fuzzy or broken entries

`check` looks at every entry, or only at entries whose source location starts with one of
the given prefixes (e.g. `templates/groups studygroups/groups`), so one area can be checked
while another is still being translated. Extraction itself is `make messages`
(Django's makemessages, which needs xgettext).
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
DOMAINS = ("django", "djangojs")


def catalogs():
    for po in sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po")):
        if po.stem in DOMAINS:
            yield po


def read(po: Path):
    with po.open("rb") as fh:
        return read_po(fh, locale=po.parent.parent.name, domain=po.stem)


def compile_all(force: bool = False) -> int:
    for po in catalogs():
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        catalog = read(po)
        tmp = mo.with_suffix(".mo.tmp")
        with tmp.open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        tmp.replace(mo)
    return 0


def _is_empty(message) -> bool:
    if isinstance(message.string, (list, tuple)):
        return any(not s for s in message.string)
    return not message.string


def check(prefixes: list[str]) -> int:
    problems: list[str] = []
    for po in catalogs():
        catalog = read(po)
        for message in catalog:
            if not message.id:
                continue
            where = [f"{path}:{line}" if line else path for path, line in message.locations]
            if prefixes and not any(w.startswith(tuple(prefixes)) for w in where):
                continue
            label = f"{po.relative_to(ROOT)}: {message.id!r} ({', '.join(where) or 'no location'})"
            if message.fuzzy:
                problems.append(f"fuzzy: {label}")
            elif _is_empty(message):
                problems.append(f"untranslated: {label}")
        for message, errors in catalog.check():
            for error in errors:
                problems.append(f"broken: {po.relative_to(ROOT)}: {message.id!r}: {error}")
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} translation problem(s).", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"compile", "check"}:
        print(__doc__)
        return 2
    if argv[0] == "compile":
        return compile_all(force="--force" in argv)
    return check(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
