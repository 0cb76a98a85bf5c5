"""python manage.py import_corpus PATH [PATH ...] [--dry-run] [--report-json FILE]

Exit status: 0 when every file imported, 1 when any file failed (the others are still
imported), 2 for a usage error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from corpus_import.load import import_inputs
from corpus_import.sources import collect, count_inputs


class Command(BaseCommand):
    help = (
        "Import texts (.txt, .md, .html, .xml feeds, and .zip archives of them) into the "
        "library. Directories are read recursively."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Files or directories to import.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would happen; write nothing."
        )
        parser.add_argument(
            "--report-json", metavar="FILE", help="Write the full report as JSON to FILE."
        )

    def handle(self, *args, **options):
        paths = options["paths"]
        missing = [p for p in paths if not Path(p).exists()]
        if missing:
            raise CommandError(f"No such file or directory: {', '.join(missing)}", returncode=2)
        report_path = options.get("report_json")
        if report_path and not Path(report_path).resolve().parent.is_dir():
            raise CommandError(f"Cannot write the report to {report_path}.", returncode=2)
        # Count first (names and zip directories only), then read one file at a time:
        # peak memory stays near one file, however large the import.
        total = count_inputs(list(paths))
        inputs = collect(list(paths))
        show_bar = total > 20 and options.get("verbosity", 1) >= 1

        def progress(n: int, total_: int | None, name: str) -> None:
            if not show_bar:
                return
            width = 30
            done = min(width, int(width * n / max(total_ or n, 1)))
            self.stderr.write(
                f"\r[{'#' * done}{'.' * (width - done)}] {n}/{total_} files", ending=""
            )
            if n == total_:
                self.stderr.write("")

        result = import_inputs(
            inputs, method="command", dry_run=options["dry_run"], progress=progress, total=total
        )
        verbosity = options.get("verbosity", 1)
        for line in result.lines[:-1]:
            if verbosity >= 2 or "FAILED" in line or total <= 50:
                self.stdout.write(line)
        self.stdout.write(result.lines[-1])
        if report_path:
            Path(report_path).write_text(
                json.dumps(result.report, ensure_ascii=False, indent=2), encoding="utf-8"
            )
            self.stdout.write(f"Report written to {report_path}.")
        if not result.ok:
            sys.exit(1)
