"""core holds shared helpers only: it must import no domain app (the home page and the
demo loader, which need them, live in studygroups.site)."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "studygroups" / "core"
DOMAIN = ("library", "curricula", "groups", "discussions", "moderation", "site", "accounts")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def is_domain(module: str) -> bool:
    parts = module.split(".")
    return parts[0] == "corpus_import" or (
        parts[0] == "studygroups" and len(parts) > 1 and parts[1] in DOMAIN
    )


def test_core_imports_no_domain_app():
    offenders = {
        f"{path.relative_to(CORE)}: {name}"
        for path in CORE.rglob("*.py")
        for name in imported_modules(path)
        if is_domain(name)
    }
    assert not offenders, sorted(offenders)
