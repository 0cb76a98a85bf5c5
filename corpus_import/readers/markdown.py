"""Markdown, with or without YAML-like front matter.

Front matter is a hint, not the truth: a date that does not parse is reported, and a
language that the text contradicts is replaced by the detected one (metadata stage).
`#` lines (and setext `===`/`---` underlines) are headings only when they look like one
(short). The first heading is the title when the front matter has none; when it repeats
the front matter's title (or subtitle) it is that title written again, not a section.
"""

from __future__ import annotations

import re

from ..data import Hints, Para, RawDocument
from ..metadata import names_from_list, parse_date, same_title
from ..normalize import collapse_spaces, count_words
from . import register
from ._text import numbered_lines

FRONT = re.compile(r"\A---[ \t]*\n(?P<body>(?:.*\n)*?)(?:---|\.\.\.)[ \t]*(\n|\Z)")
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
LINK = re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)")
REF_DEF = re.compile(r"^\s*\[[^\]]+\]:\s+\S+.*$")
TAG = re.compile(r"</?[a-zA-Z][^>]{0,200}>")
EMPHASIS = re.compile(r"(\*\*|__|`|(?<=\w)\*|\*(?=\w))")
HR = re.compile(r"^\s*([-*_]\s*){3,}$")
SETEXT = re.compile(r"^(=+|-+)\s*$")
LIST = re.compile(r"^\s*([-*+]|\d{1,3}[.)])\s+")


@register
class MarkdownReader:
    name = "markdown"
    max_score = 0.9  # the most `detect` returns

    def detect(self, text: str) -> float:
        if FRONT.match(text[:20_000]) and ":" in text[:2000]:
            return 0.9
        head = text[:100_000].split("\n")
        headings = sum(1 for line in head if HEADING.match(line))
        features = sum(1 for line in head if LINK.search(line) or line.startswith("> "))
        features += sum(1 for line in head if "**" in line)
        if headings >= 1 and (headings >= 2 or features >= 1):
            return 0.8
        return 0.6 if headings >= 1 else 0.0

    def read(self, text, ledger):
        ledger.read = count_words(text)
        hints = Hints()
        warnings: list[str] = []
        offset = 0
        m = FRONT.match(text)
        if m:
            ledger.meta(m.group(0))
            self._front_matter(m.group("body"), hints, warnings)
            offset = m.group(0).count("\n")
            text = text[m.end() :]
        lines = numbered_lines(text, first_line=offset + 1)
        paras = self._blocks(lines, ledger)
        if not hints.title:
            for k, para in enumerate(paras[:5]):
                if para.kind == "heading" and para.level == 1:
                    hints.title = para.text
                    ledger.meta(para.text)
                    del paras[k]
                    break
        else:
            _drop_repeated_title(paras, hints, ledger)
        for para in paras:
            if para.kind == "heading":
                para.level = max(2, para.level)
        if not paras:
            return []
        doc = RawDocument(
            paras=paras,
            line_start=paras[0].line,
            line_end=lines[-1][0],
            hints=hints,
            head_parsed=bool(hints.title),
            warnings=warnings,
        )
        return [doc]

    def _front_matter(self, body: str, hints: Hints, warnings: list[str]) -> None:
        key = None
        values: dict[str, list[str]] = {}
        for line in body.split("\n"):
            item = re.match(r"^\s+-\s+(.*)$", line)
            if item and key:
                values.setdefault(key, []).append(item.group(1).strip().strip("\"'"))
                continue
            kv = re.match(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$", line)
            if kv:
                key = kv.group(1).lower()
                raw = kv.group(2).strip()
                if raw.startswith("[") and raw.endswith("]"):
                    values[key] = [
                        v.strip().strip("\"'") for v in raw[1:-1].split(",") if v.strip()
                    ]
                elif raw:
                    values[key] = [raw.strip("\"'")]
        first = {k: v[0] for k, v in values.items() if v}
        hints.title = first.get("title", "")
        hints.subtitle = first.get("subtitle", "")
        for k in ("authors", "author", "by"):
            if k in values:
                # The byline rule used everywhere: an organization is not an author.
                hints.authors, org = names_from_list(values[k])
                hints.organization = hints.organization or org
                break
        hints.organization = (
            hints.organization or first.get("organization", "") or first.get("publisher", "")
        )
        hints.venue = first.get("venue", "") or first.get("source", "")
        for k in ("date", "published"):
            if k in first:
                found, precision = parse_date(first[k])
                if found:
                    hints.published, hints.date_precision = found, precision
                else:
                    warnings.append(f"The front matter's date “{first[k]}” could not be read.")
                break
        lang = first.get("language", "") or first.get("lang", "")
        hints.language = lang[:2].lower() if lang else ""

    def _blocks(self, lines, ledger) -> list[Para]:
        paras: list[Para] = []
        current: list[str] = []
        start = 0
        kind = ""
        in_fence = False

        def flush():
            nonlocal current, kind
            if current:
                joined = collapse_spaces(" ".join(current))
                if joined:
                    paras.append(Para(joined, start, kind))
            current, kind = [], ""

        for n, raw in lines:
            if FENCE.match(raw):
                ledger.drop(raw)
                flush()
                in_fence = not in_fence
                continue
            if in_fence:
                if raw.strip():
                    paras.append(Para(collapse_spaces(raw), n, "paragraph"))
                continue
            line = self._inline(raw, ledger)
            stripped = line.strip()
            if not stripped:
                flush()
                continue
            if (
                SETEXT.match(stripped)
                and len(current) == 1
                and kind == ""
                and not LIST.match(current[0])
                and count_words(current[0]) <= 15
            ):
                # Setext heading: the one line above, underlined with === or ---.
                ledger.drop(raw)
                paras.append(
                    Para(collapse_spaces(current[0]), start, "heading", 1 if "=" in raw else 2)
                )
                current = []
                continue
            if HR.match(stripped) or REF_DEF.match(raw):
                ledger.drop(raw)
                flush()
                continue
            h = HEADING.match(stripped)
            if h and count_words(h.group(2)) <= 15:
                flush()
                paras.append(Para(h.group(2).strip(), n, "heading", level=len(h.group(1))))
                continue
            if stripped.startswith(">"):
                if kind != "quotation":
                    flush()
                    kind, start = "quotation", n
                current.append(stripped.lstrip(">").strip())
                continue
            if LIST.match(stripped):
                flush()
                start = n
                current.append(stripped)
                continue
            if not current:
                start = n
            elif kind == "quotation":
                flush()
                start = n
            current.append(stripped)
        flush()
        return paras

    @staticmethod
    def _inline(line: str, ledger) -> str:
        before = count_words(line)
        out = IMAGE.sub(lambda m: m.group(1), line)
        out = LINK.sub(lambda m: m.group(1), out)
        out = TAG.sub(" ", out)
        out = EMPHASIS.sub("", out)
        after = count_words(out)
        if before != after:
            ledger.drop("", words=before - after)
        return out


def _drop_repeated_title(paras: list[Para], hints: Hints, ledger) -> None:
    """Remove the opening heading(s) that repeat the front matter's title or subtitle.

    Only headings before the first paragraph of text are looked at, so a later section
    that happens to share the title's words stays a section.
    """
    k = 0
    while k < len(paras) and paras[k].kind == "heading":
        text = paras[k].text
        if same_title(text, hints.title) or (hints.subtitle and same_title(text, hints.subtitle)):
            ledger.drop(text)  # its words were counted once already, as the title
            del paras[k]
            continue
        k += 1
