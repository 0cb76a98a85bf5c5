"""Compile, check and extract the translation catalogs.

    python scripts/messages.py compile          # locale/*/LC_MESSAGES/*.po -> .mo (if stale)
    python scripts/messages.py check [PREFIX…]  # fail on empty, fuzzy or broken entries
    python scripts/messages.py extract          # makemessages for es (needs xgettext)
    python scripts/messages.py uptodate         # fail if the catalogs miss marked strings

`compile` and `check` need no system gettext. `check` looks at every entry, or only at
entries whose source location starts with one of the given prefixes (e.g.
`templates/groups studygroups/groups`), so one area can be checked while another is still
being translated. `extract` is `make messages`; `uptodate` runs the same extraction on a
temporary copy of the sources and compares its messages with the committed catalogs (it
is skipped, saying so, where xgettext is not installed).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
DOMAINS = ("django", "djangojs")
LANGUAGES = ("es",)
# What makemessages reads: the project's sources, never the environment or build output.
SOURCES = ("manage.py", "studygroups", "corpus_import", "templates", "static", "locale")
IGNORE = [".venv", "tests", "staticfiles", "test-artifacts", "build", "*.egg-info", "media"]


def catalogs(root: Path = ROOT):
    for po in sorted((root / "locale").glob("*/LC_MESSAGES/*.po")):
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


def check(prefixes: list[str], root: Path = ROOT) -> int:
    problems: list[str] = []
    for po in catalogs(root):
        catalog = read(po)
        for message in catalog:
            if not message.id:
                continue
            where = [f"{path}:{line}" if line else path for path, line in message.locations]
            if prefixes and not any(w.startswith(tuple(prefixes)) for w in where):
                continue
            label = f"{po.relative_to(root)}: {message.id!r} ({', '.join(where) or 'no location'})"
            if message.fuzzy:
                problems.append(f"fuzzy: {label}")
            elif _is_empty(message):
                problems.append(f"untranslated: {label}")
        for message, errors in catalog.check():
            for error in errors:
                problems.append(f"broken: {po.relative_to(root)}: {message.id!r}: {error}")
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} translation problem(s).", file=sys.stderr)
        return 1
    return 0


def extract(root: Path = ROOT) -> int:
    """Django's makemessages for every language and domain, run in `root`."""
    if shutil.which("xgettext") is None:
        print("xgettext is not installed (apt-get install gettext): cannot extract messages.")
        return 1
    ignore = [f"--ignore={pattern}" for pattern in IGNORE]
    for domain in DOMAINS:
        command = [sys.executable, "manage.py", "makemessages", "-d", domain]
        command += [f"-l{language}" for language in LANGUAGES]
        command += ["--add-location=file", "--no-obsolete", *ignore]
        # Our own fixed command line (sys.executable, manage.py, constant options).
        result = subprocess.run(command, cwd=root, capture_output=True, text=True)  # noqa: S603
        if result.returncode:
            print(result.stdout + result.stderr)
            return result.returncode
    return 0


def _message_keys(po: Path) -> set[tuple[str | None, str]]:
    keys = set()
    for message in read(po):
        if message.id:
            msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
            keys.add((message.context, msgid))
    return keys


def uptodate(root: Path = ROOT) -> int:
    """Fail when a marked string is missing from the committed catalogs, or the catalogs
    keep a string no source marks any more: `make messages` was not run."""
    if shutil.which("xgettext") is None:
        print("xgettext is not installed: skipping the check that the catalogs are up to date.")
        return 0
    with tempfile.TemporaryDirectory(prefix="messages-") as tmp:
        copy = Path(tmp)
        for name in SOURCES:
            source = root / name
            if source.is_dir():
                shutil.copytree(
                    source, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
                )
            elif source.exists():
                shutil.copy2(source, copy / name)
        if code := extract(copy):
            return code
        problems = []
        for po in catalogs(root):
            fresh = copy / po.relative_to(root)
            committed, extracted = _message_keys(po), _message_keys(fresh)
            where = po.relative_to(root)
            problems += [f"{where}: not in the catalog: {m!r}" for _c, m in extracted - committed]
            problems += [f"{where}: no longer marked: {m!r}" for _c, m in committed - extracted]
    for problem in sorted(problems):
        print(problem)
    if problems:
        print(
            f"{len(problems)} difference(s) between the marked strings and the catalogs: "
            "run `make messages`, translate, commit the .po files.",
            file=sys.stderr,
        )
        return 1
    return 0


def main(argv: list[str]) -> int:
    commands = {"compile", "check", "extract", "uptodate"}
    if not argv or argv[0] not in commands:
        print(__doc__)
        return 2
    if argv[0] == "compile":
        return compile_all(force="--force" in argv)
    if argv[0] == "extract":
        return extract()
    if argv[0] == "uptodate":
        return uptodate()
    return check(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
