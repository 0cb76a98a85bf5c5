"""Pure text clean-up: decoding bytes, Unicode and line endings, small text helpers.

No ORM here. Word counting matches the library's (`library.models.count_words`) so the
importer's word balance and the stored word counts agree.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import ftfy

WORD_RE = re.compile(r"\w+(?:[’'\-]\w+)*", re.UNICODE)


class DecodeError(ValueError):
    """The bytes are not a text we can read; the message is for people."""


# Counting without WORD_RE's optional joiner group, which is the cost of every count: a
# WORD_RE word is a chain of maximal \w runs linked by single joiners with \w on both
# sides, so the words are the runs minus those links (exactly; see the property test).
_RUN_RE = re.compile(r"\w+", re.UNICODE)
_LINK_RE = re.compile(r"(?<=\w)[’'\-](?=\w)", re.UNICODE)


@lru_cache(maxsize=16384)
def _count(text: str) -> int:
    runs = len(_RUN_RE.findall(text))
    if "-" in text or "'" in text or "’" in text:
        runs -= len(_LINK_RE.findall(text))
    return runs


# Whole files are counted by the format detectors and again by the reader; a tiny cache
# of its own keeps them from evicting the paragraph cache (and holds at most two texts).
_count_large = lru_cache(maxsize=2)(_count.__wrapped__)


def count_words(text: str) -> int:
    """Words as the library counts them (cached: stages count the same text often)."""
    if not text:
        return 0
    if len(text) > 100_000:
        return _count_large(text)
    return _count(text)


_BINARY_MAGIC = {
    b"%PDF": "a PDF file: export its text first (the importer reads text, not PDF)",
    b"PK\x03\x04": "a zip archive inside an archive, which is not supported",
    b"\x89PNG": "an image (PNG), not a text",
    b"\xff\xd8\xff": "an image (JPEG), not a text",
    b"GIF8": "an image (GIF), not a text",
    b"\x1f\x8b": "a compressed (gzip) file, not a text",
    b"\xd0\xcf\x11\xe0": "an old Microsoft Office file: save it as text first",
}

# C0 controls other than tab/newline/carriage return/form feed, and DEL.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_C1_RE = re.compile(r"[\x80-\x9f]")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Bytes to text. Returns (text, encoding name). Raises DecodeError with a plain reason."""
    if not data or not data.strip():
        raise DecodeError("the file is empty")
    for magic, reason in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise DecodeError(f"this is {reason}")
    if data.startswith(b"\xef\xbb\xbf"):
        return _checked(data[3:].decode("utf-8", errors="replace"), "utf-8-sig"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _checked(data.decode("utf-16"), "utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DecodeError("the file says it is UTF-16 but its bytes are not") from exc
    if b"\x00" in data[:4096]:
        # UTF-16 without a byte order mark is rare; NUL bytes almost always mean binary.
        raise DecodeError("this is a binary file, not a text")
    try:
        return _checked(data.decode("utf-8"), "utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return _checked(data.decode("cp1252"), "cp1252"), "cp1252"
    except UnicodeDecodeError:
        pass
    text = data.decode("latin-1")
    if len(_C1_RE.findall(text)) > max(3, len(text) // 200):
        raise DecodeError("the file's bytes are not in any text encoding the importer knows")
    return _checked(text, "latin-1"), "latin-1"


def _checked(text: str, encoding: str) -> str:
    sample = text[:20000]
    controls = len(_CONTROL_RE.findall(sample))
    if controls > max(8, len(sample) // 100):
        raise DecodeError("this is a binary file, not a text")
    if "\ufffd" in sample and sample.count("\ufffd") > max(8, len(sample) // 100):
        raise DecodeError("the file's bytes are not valid text in its encoding")
    return text


def clean_text(text: str) -> str:
    """Repair mojibake, normalize to NFC and \\n line endings, drop control characters.

    Typographic punctuation (’ “ ” — …) is kept: ftfy runs with quote and dash
    "uncurling" turned off.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _looks_mojibaked(text):
        text = ftfy.fix_text(
            text,
            uncurl_quotes=False,
            fix_latin_ligatures=False,
            fix_character_width=False,
            normalization="NFC",
            fix_line_breaks=True,
        )
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n").replace("\x0c", "\n\n")
    text = text.replace("\u00a0", " ").replace("\ufeff", "")
    # Zero-width characters are not words; replacing them by nothing could merge words
    # in the count, so a space keeps the count honest.
    text = re.sub(r"[\u200b\u200c\u200d\u2060]", " ", text)
    text = _CONTROL_RE.sub(" ", text)
    return text


_MOJIBAKE_HINT = re.compile("[ÃÂâ][\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]")


def _looks_mojibaked(text: str) -> bool:
    return bool(_MOJIBAKE_HINT.search(text))


# --- small helpers used by several stages -------------------------------------------

TERMINAL = ".!?…:;"
CLOSERS = "”’\"')]»"


def ends_sentence(text: str) -> bool:
    t = text.rstrip().rstrip(CLOSERS)
    return bool(t) and t[-1] in ".!?…"


def has_terminal_punctuation(text: str) -> bool:
    t = text.rstrip().rstrip(CLOSERS)
    return bool(t) and t[-1] in TERMINAL + ",|"


_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])([”\"’)\]]*)\s+(?=[“\"‘(\[¿¡]?[A-ZÀ-ÖØ-Þ0-9])")


def split_sentences(text: str) -> list[str]:
    """Split at sentence ends followed by a capital; joining the parts with spaces gives
    the same words back (the balance depends on it)."""
    parts: list[str] = []
    start = 0
    for match in _SENTENCE_SPLIT.finditer(text):
        end = match.start() + len(match.group(1))
        parts.append(text[start:end].strip())
        start = match.end()
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def undouble(text: str) -> str | None:
    """If the line is one phrase written twice ('X X', a web caption artefact), return X."""
    words = text.split()
    n = len(words)
    if n >= 4 and n % 2 == 0 and words[: n // 2] == words[n // 2 :]:
        return " ".join(words[: n // 2])
    return None


_SPACES = re.compile(r"[ \t]+")


def collapse_spaces(text: str) -> str:
    if "\t" not in text and "  " not in text:
        return text.strip()  # the common case, nothing to collapse: skip the regex
    return _SPACES.sub(" ", text).strip()


def key_for(text: str) -> str:
    """A comparison key for a line: casefolded words only."""
    return " ".join(WORD_RE.findall(unicodedata.normalize("NFKC", text).casefold()))
