"""Collecting the files to import: paths, directories (recursive) and zip archives, with
the limits that keep bad input from hurting the server.

Every problem becomes a FileInput with a one-line, plain-language `error`.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from django.conf import settings

from .data import FileInput

TEXT_EXTENSIONS = {".txt", ".md", ".markdown", ".html", ".htm", ".xhtml", ".xml", ".rss",
                   ".atom", ".epub"}  # fmt: skip
ARCHIVE_EXTENSIONS = {".zip"}
MAX_ZIP_ENTRIES = 10_000
# A folder's own documentation, not part of the collection (skipped in directory walks;
# a file named on the command line is always read).
FOLDER_DOCS = re.compile(r"^(readme|license|licence|copying|changelog|contributing)\b", re.I)
MAX_RATIO = 100  # uncompressed / compressed, per entry


def max_file_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_FILE_BYTES", 20 * 1024 * 1024))


def max_archive_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_ARCHIVE_BYTES", 10 * max_file_bytes()))


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def collect(paths: list[str | Path]) -> Iterator[FileInput]:
    """Yield the files under `paths` in a stable order. Directories are walked; only
    supported extensions are taken from them. Named files are always tried. Each file is
    read when it is yielded, so a caller that iterates holds one file at a time."""
    for path, name in _candidates(paths):
        yield from _one(path, name)


def count_inputs(paths: list[str | Path]) -> int:
    """How many FileInputs `collect(paths)` will yield, without reading any file (a zip's
    entries are counted from its directory). For progress output."""
    total = 0
    for path, _name in _candidates(paths):
        if path.suffix.lower() in ARCHIVE_EXTENSIONS:
            total += _count_zip(path)
        else:
            total += 1
    return total


def _count_zip(path: Path) -> int:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return 1
    count = 1 if len(infos) > MAX_ZIP_ENTRIES else 0
    for info in infos[:MAX_ZIP_ENTRIES]:
        base = PurePosixPath(info.filename).name
        suffix = PurePosixPath(info.filename).suffix.lower()
        if info.is_dir():
            continue
        if unsafe_member_name(info.filename):
            count += 1
        elif base.startswith(".") or info.filename.startswith("__MACOSX/"):
            continue
        elif suffix in ARCHIVE_EXTENSIONS | TEXT_EXTENSIONS:
            count += 1
    return count


def _candidates(paths: list[str | Path]) -> Iterator[tuple[Path, str]]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith(".") or FOLDER_DOCS.match(name):
                        continue
                    full = Path(root) / name
                    if full.suffix.lower() in TEXT_EXTENSIONS | ARCHIVE_EXTENSIONS:
                        yield full, str(full.relative_to(path))
        else:
            yield path, path.name


def _one(path: Path, name: str) -> Iterator[FileInput]:
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield FileInput(name, error=f"The file could not be read ({exc.strerror}).")
        return
    if path.suffix.lower() in ARCHIVE_EXTENSIONS:
        yield from from_zip(path, name)
        return
    if size > max_file_bytes():
        yield FileInput(
            name, error=f"The file is {_mb(size)}, over the {_mb(max_file_bytes())} limit."
        )
        return
    try:
        yield FileInput(name, data=path.read_bytes())
    except OSError as exc:
        yield FileInput(name, error=f"The file could not be read ({exc.strerror}).")


def unsafe_member_name(name: str) -> bool:
    pure = PurePosixPath(name.replace("\\", "/"))
    return name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or ".." in pure.parts


def from_zip(source, name: str) -> Iterator[FileInput]:
    """Entries of a zip archive (a path or a file object) as FileInputs, refusing path
    tricks, archive bombs and oversize entries one by one."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError):
        yield FileInput(name, error="The archive is damaged or is not a zip file.")
        return
    total = 0
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            yield FileInput(
                name,
                error=f"The archive has {len(infos)} entries; at most {MAX_ZIP_ENTRIES} "
                "are read. The rest were skipped.",
            )
            infos = infos[:MAX_ZIP_ENTRIES]
        for info in infos:
            if info.is_dir():
                continue
            entry = f"{name}/{info.filename}"
            if unsafe_member_name(info.filename):
                yield FileInput(
                    entry, error="Refused: the archive entry's path leaves the archive."
                )
                continue
            suffix = PurePosixPath(info.filename).suffix.lower()
            base = PurePosixPath(info.filename).name
            if base.startswith(".") or info.filename.startswith("__MACOSX/"):
                continue
            if suffix in ARCHIVE_EXTENSIONS:
                yield FileInput(entry, error="Archives inside archives are not read.")
                continue
            if suffix not in TEXT_EXTENSIONS:
                continue
            if info.file_size > max_file_bytes():
                yield FileInput(
                    entry,
                    error=f"The file is {_mb(info.file_size)}, over the "
                    f"{_mb(max_file_bytes())} limit.",
                )
                continue
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
                yield FileInput(
                    entry, error="Refused: the entry expands suspiciously (a zip bomb?)."
                )
                continue
            if total + info.file_size > max_archive_bytes():
                yield FileInput(
                    entry,
                    error=f"Skipped: the archive's contents pass the "
                    f"{_mb(max_archive_bytes())} limit for one archive.",
                )
                continue
            try:
                with archive.open(info) as handle:
                    # Declared sizes can lie: never read more than the limit.
                    data = handle.read(max_file_bytes() + 1)
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
                yield FileInput(entry, error=f"The archive entry could not be read ({exc}).")
                continue
            if len(data) > max_file_bytes():
                yield FileInput(entry, error="Refused: the entry is larger than it declares.")
                continue
            total += len(data)
            yield FileInput(entry, data=data)
