"""The layers of the README's Architecture section are contracts that `make lint` checks
(import-linter, configured in pyproject.toml). This proves they hold on the tree as it is,
and that breaking one really fails the check rather than passing silently."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _copy_tree(destination: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("studygroups", "corpus_import"):
        shutil.copytree(ROOT / package, destination / package, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", destination / "pyproject.toml")


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_contracts_hold_and_a_broken_one_fails(tmp_path):
    _copy_tree(tmp_path)
    kept = _lint(tmp_path)
    assert kept.returncode == 0, kept.stdout + kept.stderr

    library_models = tmp_path / "studygroups" / "library" / "models.py"
    library_models.write_text(
        library_models.read_text() + "\nfrom studygroups.groups import models as _groups\n"
    )
    broken = _lint(tmp_path)
    assert broken.returncode != 0
    assert "The library imports no other domain app BROKEN" in broken.stdout
