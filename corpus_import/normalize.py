"""Pure text clean-up: decoding bytes, Unicode and line endings, small text helpers.

No ORM here. Word counting matches the library's (`library.models.count_words`) so the
importer's word balance and the stored word counts agree.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import ftfy
import numpy as np

WORD_RE = re.compile(r"\w+(?:[’'\-]\w+)*", re.UNICODE)


class DecodeError(ValueError):
    """The bytes are not a text we can read; the message is for people."""


# --- fast word scanning ---------------------------------------------------------------
#
# WORD_RE defines a word. Running it over every character is most of the importer's CPU
# (files and paragraphs are counted, documents are split into words for language and
# MinHash), so the helpers below give exactly its results with cheaper C-level string
# operations; property tests in tests/corpus_import/test_properties.py check them
# against WORD_RE itself.
#
# Every character gets a class: "a" for a word character (what `\w` matches), "j" for a
# joiner (’ ' -), " " for anything else. A WORD_RE word is a run of "a" extended over
# joiners that have "a" on both sides ("links").

_JOINERS = "’'-"
_WORD_CHAR = re.compile(r"\w", re.UNICODE)


def _class_of(char: str) -> str:
    if _WORD_CHAR.match(char):
        return "a"
    return "j" if char in _JOINERS else " "


# ASCII text: classes by `bytes.translate`, and a `str.translate` table that blanks
# everything that is neither a word character nor a joiner.
_ASCII_CLASSES = "".join(_class_of(chr(i)) for i in range(128)).encode("ascii") + bytes(128)
_ASCII_BLANKS = {i: " " for i in range(128) if _class_of(chr(i)) == " "}


@cache
def _plane_classes() -> np.ndarray:
    r"""The class (as a byte) of every code point of the Basic Multilingual Plane, taken
    from `\w` itself: the regex marks the word characters of a string of all of them."""
    plane = "".join(map(chr, range(0x10000)))
    marked = _WORD_CHAR.sub("\x01", plane).encode("utf-32-le", "surrogatepass")
    classes = np.where(np.frombuffer(marked, dtype=np.uint32) == 1, ord("a"), ord(" "))
    classes = classes.astype(np.uint8)
    classes[1] = ord(" ")  # U+0001 itself is no word character; it only marks them
    for joiner in _JOINERS:
        classes[ord(joiner)] = ord("j")
    return classes


# Non-ASCII texts shorter than these take the regex: below them numpy's fixed cost per
# call is more than what it saves (measured; ASCII text always takes the byte path).
_NUMPY_COUNT_FROM = 128
_NUMPY_WORDS_FROM = 1024


def _code_points(text: str) -> np.ndarray | None:
    """The text's code points, or None when one is outside the BMP (no table for those)."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return None if codes.max() > 0xFFFF else codes


def _count_classes(classes: bytes) -> int:
    """Words in a string of character classes: a word starts at a word character after
    anything but a word character or a link (a joiner that follows a word character)."""
    words = classes.count(b" a") + classes.startswith(b"a")
    if b"j" in classes:
        words += classes.count(b" ja") + classes.count(b"jja") + classes.startswith(b"ja")
    return words  # (none of the patterns can overlap itself, so count() is exact)


# Western typographic text (accented letters, curly quotes, dashes): the punctuation is
# replaced by ASCII characters of the same class (’ is a joiner like ', the others are
# no word characters, like a space); what remains is then usually Latin-1, one byte per
# character, and classed by `bytes.translate` like ASCII. Texts with other characters
# (Greek, Cyrillic, œ, CJK…) take the numpy or regex path below.
_LATIN1_CLASSES = bytes(ord(_class_of(chr(i))) for i in range(256))
_SAME_CLASS_ASCII = (("’", "'"), ("“", " "), ("”", " "), ("‘", " "), ("—", " "), ("–", " "),
                     ("…", " "), ("„", " "), ("•", " "))  # fmt: skip


def _latin1_classes(text: str) -> bytes | None:
    for char, same in _SAME_CLASS_ASCII:
        if char in text:
            text = text.replace(char, same)
    try:
        return text.encode("latin-1").translate(_LATIN1_CLASSES)
    except UnicodeEncodeError:
        return None


def _count_uncached(text: str) -> int:
    if text.isascii():
        return _count_classes(text.encode("ascii").translate(_ASCII_CLASSES))
    classes = _latin1_classes(text)
    if classes is not None:
        return _count_classes(classes)
    codes = _code_points(text) if len(text) >= _NUMPY_COUNT_FROM else None
    if codes is None:
        return len(WORD_RE.findall(text))
    return _count_classes(_plane_classes().take(codes).tobytes())


# Paragraphs' counts (stages count the same text often); emptied when full.
_COUNTS: dict[str, int] = {}
_COUNTS_MAX = 16384
_COUNTED_LARGE = 100_000  # characters: longer texts have a cache of their own
# Whole files are counted by the format detectors and again by the reader; a tiny cache
# of its own keeps them from evicting the paragraph cache (and holds at most two texts).
_count_large = lru_cache(maxsize=2)(_count_uncached)


def count_words(text: str) -> int:
    """Words as the library counts them (cached: stages count the same text often)."""
    if not text:
        return 0
    if len(text) > _COUNTED_LARGE:
        return _count_large(text)
    n = _COUNTS.get(text)
    if n is None:
        if len(_COUNTS) >= _COUNTS_MAX:
            _COUNTS.clear()
        n = _COUNTS[text] = _count_uncached(text)
    return n


def count_words_ahead(texts: list[str]) -> None:
    """Count the words of many paragraphs at once into `count_words`' cache: one pass
    over them joined by newlines (no word goes on over one) finds every word's start,
    instead of a few string operations per paragraph."""
    texts = [t for t in texts if t and len(t) <= _COUNTED_LARGE and t not in _COUNTS]
    if len(texts) < 16:
        return  # not worth numpy's fixed cost
    texts = texts[: _COUNTS_MAX // 2]
    if len(_COUNTS) + len(texts) > _COUNTS_MAX:
        _COUNTS.clear()
    joined = "\n".join(texts)
    if joined.isascii():
        classes = joined.encode("ascii").translate(_ASCII_CLASSES)
    else:
        classes = _latin1_classes(joined)
        if classes is None:
            codes = _code_points(joined)
            if codes is None:
                return  # beyond the BMP: counted one by one when asked
            classes = _plane_classes().take(codes).tobytes()
    c = np.frombuffer(classes, dtype=np.uint8)
    # As `_count_classes`: a word starts at a word character after a space-class one (or
    # at the start), or after a joiner that follows one of those or another joiner.
    blank = c == ord(" ")
    joiner = c == ord("j")
    after = np.empty(len(c), dtype=bool)
    after[0] = True
    after[1:] = blank[:-1]
    loose = np.empty(len(c), dtype=bool)  # a joiner that links nothing before it
    loose[0] = joiner[0]
    loose[1:] = joiner[1:] & (blank[:-1] | joiner[:-1])
    after[1:] |= loose[:-1]
    starts = np.concatenate(([0], np.cumsum((c == ord("a")) & after)))
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    ends = np.cumsum(lengths + 1) - 1
    counts = (starts[ends] - starts[ends - lengths]).tolist()
    _COUNTS.update(zip(texts, counts, strict=True))


# Joiners that link nothing (not between two word characters); the pattern starts with a
# character set so the regex engine skips quickly to the joiners.
_LOOSE_JOINER = re.compile(r"[’'\-](?:(?!\w)|(?<!\w[’'\-]))", re.UNICODE)


def find_words(text: str) -> list[str]:
    """`WORD_RE.findall(text)`, faster: blank everything that cannot be part of a word
    (other characters, joiners that link nothing), then split on the blanks."""
    if text.isascii():
        blanked = text.translate(_ASCII_BLANKS)
        if "'" in blanked or "-" in blanked:
            blanked = _LOOSE_JOINER.sub(" ", blanked)
        return blanked.split()
    codes = _code_points(text) if len(text) >= _NUMPY_WORDS_FROM else None
    if codes is None:
        return WORD_RE.findall(text)
    classes = _plane_classes().take(codes)
    keep = classes == ord("a")
    # Links: joiners with a word character on both sides.
    keep[1:-1] |= (classes[1:-1] == ord("j")) & keep[:-2] & keep[2:]
    blanked = np.where(keep, codes, np.uint32(ord(" "))).tobytes().decode("utf-32-le")
    return blanked.split()


@cache
def _fold_breaks_words() -> re.Pattern:
    """Characters whose casefolding is not the same words: a word character folded into
    anything but word characters ("İ" gains a combining dot, which is none), a joiner or
    another character folded into something of another class. Taken from the Basic
    Multilingual Plane; any character beyond it is treated as one of them."""
    table = _plane_classes()
    breaking = []
    for code in range(0x10000):
        char = chr(code)
        folded = char.casefold()
        if folded == char or 0xD800 <= code <= 0xDFFF:
            continue
        own = table[code]
        joiner = own == ord("j")
        if any(ord(f) > 0xFFFF or table[ord(f)] != own for f in folded) or (
            joiner and len(folded) != 1
        ):
            breaking.append(char)
    return re.compile("[" + "".join(map(re.escape, breaking)) + "\U00010000-\U0010ffff]")


def casefolded_words(text: str) -> list[str]:
    """`[w.casefold() for w in WORD_RE.findall(text)]`, with one fold of the whole text
    where that gives the same words."""
    if text.isascii():
        # ASCII casefolding is lowercasing and keeps every word boundary where it was.
        return find_words(text.lower())
    # Elsewhere casefolding can change words ("İ" gains a combining dot, which is no
    # word character), and stored signatures were made word by word. Where every
    # character folds into characters of its own class (a joiner into itself), the folded
    # text's words are the words folded one by one: one fold of the whole text instead of
    # one call per word. One scan for the few characters that do not says which.
    if _fold_breaks_words().search(text) is None:
        return find_words(text.casefold())
    return list(map(str.casefold, find_words(text)))


# --- word ids -------------------------------------------------------------------------
#
# MinHash shingles and the language's stop-word counts need a number per word, not the
# word itself. A word's id is a 64-bit polynomial hash of its code points,
# Σ code(k) · ID_BASE^k (mod 2^64), finished by the splitmix64 mixer. Being a sum over
# positions, the ids of all the words of a text come from one prefix sum over the
# text's code points, in numpy, without making a Python string per word (making and
# hashing those was a fifth of the importer's worker CPU). Signatures stored in the
# database are made of these ids: `models.SIGNATURE_VERSION` says which definition a
# stored signature used.
ID_BASE = 0x9E3779B97F4A7C15  # odd, so it has an inverse mod 2^64
_ID_INVERSE = pow(ID_BASE, -1, 1 << 64)
# Hashed in stretches of at most this many code points (cut between words): the tables
# of powers stay small whatever the document's length.
_ID_STRETCH = 1 << 16


def word_id(word: str) -> int:
    """The definition of a word's id, one word at a time (for tests and references)."""
    value = 0
    power = 1
    for char in word:
        value = (value + ord(char) * power) % (1 << 64)
        power = power * ID_BASE % (1 << 64)
    return int(_mix(np.array([value], dtype=np.uint64))[0])


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer, in place (wrapping uint64 arithmetic)."""
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """ID_BASE^k and its inverse's ^k for k < n (uint64 products wrap mod 2^64)."""
    up = np.full(n, ID_BASE, dtype=np.uint64)
    up[0] = 1
    down = np.full(n, _ID_INVERSE, dtype=np.uint64)
    down[0] = 1
    return np.cumprod(up), np.cumprod(down)


_stretch_powers = cache(_powers)  # for the usual stretch lengths (a word longer is rare)


def _span_ids(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray, stretch: int) -> np.ndarray:
    """The ids of the words codes[starts[i]:ends[i]]. With G[j] = Σ_{i<j} code(i)·B^i,
    a word's sum is (G[end] - G[start]) · B^-start."""
    ids = np.empty(len(starts), dtype=np.uint64)
    i, n = 0, len(starts)
    while i < n:
        base = int(starts[i])
        # The words that end within `stretch` of this one's start (at least this one).
        j = max(i + 1, int(np.searchsorted(ends, base + stretch, side="right")))
        length = int(ends[j - 1]) - base
        up, down = _stretch_powers(stretch + 1) if length <= stretch else _powers(length + 1)
        prefix = np.empty(length + 1, dtype=np.uint64)
        prefix[0] = 0
        np.cumsum(codes[base : base + length] * up[:length], out=prefix[1:])
        first = starts[i:j] - base
        ids[i:j] = (prefix[ends[i:j] - base] - prefix[first]) * down[first]
        i = j
    return _mix(ids)


def ids_of_words(words: list[str]) -> np.ndarray:
    """`[word_id(w) for w in words]`, as an array, all at once."""
    if not words:
        return np.zeros(0, dtype=np.uint64)
    joined = " ".join(words)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    starts = np.cumsum(lengths + 1) - (lengths + 1)
    return _span_ids(codes, starts, starts + lengths, _ID_STRETCH)


def casefolded_word_ids(text: str, *, stretch: int = _ID_STRETCH) -> np.ndarray:
    """`ids_of_words(casefolded_words(text))`, found on the text's code points: the word
    boundaries from the character classes (as `find_words`), the ids from their spans."""
    if text.isascii():
        codes = np.frombuffer(text.lower().encode("ascii"), dtype=np.uint8)
        classes = np.frombuffer(_ASCII_CLASSES, dtype=np.uint8).take(codes)
    elif _fold_breaks_words().search(text) is None:  # (so the text is in the BMP)
        folded = text.casefold().encode("utf-32-le", "surrogatepass")
        codes = np.frombuffer(folded, dtype=np.uint32)
        classes = _plane_classes().take(codes)
    else:
        return ids_of_words(casefolded_words(text))
    keep = classes == ord("a")
    keep[1:-1] |= (classes[1:-1] == ord("j")) & keep[:-2] & keep[2:]
    edges = np.flatnonzero(np.diff(keep.view(np.int8), prepend=0, append=0))
    return _span_ids(codes, edges[0::2], edges[1::2], stretch)


_BINARY_MAGIC = {
    b"%PDF": "a PDF file: export its text first (the importer reads text, not PDF)",
    b"\x89PNG": "an image (PNG), not a text",
    b"\xff\xd8\xff": "an image (JPEG), not a text",
    b"GIF8": "an image (GIF), not a text",
    b"\x1f\x8b": "a compressed (gzip) file, not a text",
    b"\xd0\xcf\x11\xe0": "an old Microsoft Office file: save it as text first",
}

# What a zip file is, told by the names (and the EPUB "mimetype") of its first entries,
# which its local headers give even when the file is cut short.
_ZIP_KINDS = (
    (rb"mimetypeapplication/epub\+zip|META-INF/container\.xml|\.opf\b", "EPUB"),
    (rb"word/document\.xml|word/_rels", "WORD"),
    (rb"xl/workbook\.xml|xl/worksheets/", "EXCEL"),
    (rb"ppt/presentation\.xml|ppt/slides/", "POWERPOINT"),
    (rb"mimetypeapplication/vnd\.oasis\.opendocument\.text(?!-)", "ODT"),
    (rb"mimetypeapplication/vnd\.oasis\.opendocument\.", "OPENDOCUMENT"),
)
_ZIP_MESSAGES = {
    "EPUB": "this is an EPUB book, but it could not be opened",
    "WORD": "this is a Word document (.docx); save it as plain text or HTML first",
    "EXCEL": "this is an Excel spreadsheet (.xlsx), not a text",
    "POWERPOINT": "this is a PowerPoint presentation (.pptx); save it as plain text first",
    "ODT": "this is an OpenDocument text (.odt); save it as plain text or HTML first",
    "OPENDOCUMENT": "this is an OpenDocument file (a spreadsheet or slides), not a text",
    "": "this is a zip archive, not a text: import it as a .zip file of its own "
    "(archives inside archives are not opened)",
}


def describe_zip(data: bytes) -> str:
    """A plain reason why these zip bytes are not read as text: what kind of file they
    are (EPUB, Word, spreadsheet…) and, when the archive is cut short or damaged, that."""
    import io
    import zipfile

    head = data[:65536]
    kind = next((k for pattern, k in _ZIP_KINDS if re.search(pattern, head)), "")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.namelist()
        damage = ""
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        # The archive's directory comes last: without its signature the file is cut short.
        damage = "cut short" if b"PK\x05\x06" not in data[-66000:] else "damaged"
    if damage and kind == "EPUB":
        return f"this file is a damaged EPUB (its zip archive is {damage})"
    if damage and kind:
        name = _ZIP_MESSAGES[kind].split(";")[0].split(",")[0]
        return f"{name}, and its zip archive is {damage}"
    if damage:
        return f"this is a damaged zip archive (it is {damage}), not a text"
    return _ZIP_MESSAGES[kind]


# C0 controls other than tab/newline/carriage return/form feed, and DEL.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_C1_RE = re.compile(r"[\x80-\x9f]")


# Where a text says what its encoding is: an XML declaration, an HTML <meta>, or the
# "Character set encoding:" line of an e-book archive's header.
_DECLARED = re.compile(
    rb"""<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']"""
    rb"""|<meta[^>]*charset\s*=\s*["']?([\w.:-]+)"""
    rb"|^\s*character set encoding\s*:\s*([\w.:-]+)",
    re.I | re.M,
)
# Labels whose bytes a larger, compatible codec reads the same way (WHATWG's rule:
# pages labelled Latin-1 are decoded as windows-1252; GB2312 pages often hold GBK).
_SUPERSETS = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252",
              "us-ascii": "cp1252", "ascii": "cp1252", "gb2312": "gb18030",
              "gbk": "gb18030", "x-gbk": "gb18030"}  # fmt: skip


def declared_encoding(data: bytes) -> str:
    """The encoding the text declares in its first few kilobytes, as a Python codec name
    (empty when it declares none or names an unknown one)."""
    import codecs

    match = _DECLARED.search(data[:4096])
    if not match:
        return ""
    label = next(g for g in match.groups() if g).decode("ascii", "ignore").lower()
    label = _SUPERSETS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return ""


def _utf16_without_bom(data: bytes) -> str:
    """'utf-16-le'/'utf-16-be' when NULs sit on every other byte of a mostly-ASCII text."""
    head = data[:4096]
    if len(head) < 4:
        return ""
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > len(odd) * 0.6 and even.count(0) < len(even) * 0.1:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.6 and odd.count(0) < len(odd) * 0.1:
        return "utf-16-be"
    return ""


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Bytes to text. Returns (text, encoding name). Raises DecodeError with a plain reason.

    Valid UTF-8 is taken as UTF-8 whatever the text declares (a page that says
    ISO-8859-1 but is pure ASCII, or really UTF-8, is common); otherwise the declared
    encoding if the bytes decode in it, otherwise charset-normalizer's best guess.
    Double-encoded UTF-8 is repaired later, by `clean_text` (ftfy).
    """
    if not data or not data.strip():
        raise DecodeError("the file is empty")
    if data.startswith(b"PK\x03\x04"):
        raise DecodeError(describe_zip(data))
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
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return _checked(data.decode(utf16), utf16), utf16
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:4096]:
        raise DecodeError("this is a binary file, not a text")
    try:
        return _checked(data.decode("utf-8"), "utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = declared_encoding(data)
    if declared and declared not in ("utf-8", "utf-16", "utf-32"):
        try:
            return _checked(data.decode(declared), declared), declared
        except UnicodeDecodeError:
            pass  # the declaration lies: guess from the bytes
    guessed = _guess_encoding(data)
    if guessed:
        try:
            return _checked(data.decode(guessed), guessed), guessed
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return _checked(data.decode("cp1252"), "cp1252"), "cp1252"
    except UnicodeDecodeError:
        pass
    text = data.decode("latin-1")
    if len(_C1_RE.findall(text)) > max(3, len(text) // 200):
        raise DecodeError("the file's bytes are not in any text encoding the importer knows")
    return _checked(text, "latin-1"), "latin-1"


def _guess_encoding(data: bytes) -> str:
    """charset-normalizer's best guess for bytes that are not UTF-8 (a sample is enough:
    its cost grows with the text, and the encoding does not change half-way)."""
    from charset_normalizer import from_bytes

    if len(data) < 64:
        return ""  # too few bytes for a statistical guess: windows-1252 is likelier
    sample = data[:65536] if len(data) > 65536 else data
    best = from_bytes(sample).best()
    if best is None:
        return ""
    name = best.encoding.replace("_", "-")
    if name in _CENTRAL_EUROPEAN:
        # charset-normalizer reads most Western texts as windows-1250 too (their bytes
        # mean the same letters in both); it is trusted when it also hears a Central
        # European language, and the Central European reading gives that language's
        # letters where the Western one does not.
        return _central_or_western(
            sample, only_if_symbols=best.language not in _CENTRAL_EUROPEAN_LANGUAGES
        )
    if name in _WESTERN:
        # Western single-byte guesses differ in a few letters; windows-1252 is what such
        # files nearly always are (and what browsers read Latin-1 labels as). Unless it
        # puts symbols inside words ("Spó³dzielnia", "Dru¾stvo"): a Central European
        # text it then is, when one of those code pages reads them as letters.
        return _central_or_western(sample, only_if_symbols=True)
    if name.startswith(("utf-16", "utf-32")):
        return ""
    return _SUPERSETS.get(name, name)


_WESTERN = {"cp1252", "latin-1", "iso8859-1", "iso8859-15", "mac-roman", "cp850", "cp437",
            "iso8859-9", "cp1254", "ascii", "iso8859-3", "iso8859-4", "cp1257",
            "iso8859-13", "cp858", "iso8859-14", "iso8859-10",
            # DOS and Mac code pages of the same scripts, which it also offers for them
            "cp775", "cp857", "cp860", "cp861", "cp863", "cp865", "hp-roman8", "mac-iceland",
            "mac-turkish", "cp1258"}  # fmt: skip
_CENTRAL_EUROPEAN_LANGUAGES = {"Polish", "Czech", "Slovak", "Hungarian", "Slovene", "Croatian",
                                "Romanian", "Serbian", "Bosnian"}  # fmt: skip
_CENTRAL_EUROPEAN = {"cp1250", "iso8859-2", "mac-latin2", "iso8859-16", "cp852"}
# The letters beyond ASCII of languages written in these code pages: a right reading of
# a text gives the letters of one of them, a wrong one letters of several or symbols
# ("Spó³dzielnia", "ąkolu" for "školu").
_ALPHABETS = [
    set(letters)
    for letters in (
        "ąćęłńóśźż",  # Polish
        "áčďéěíňóřšťúůýž",  # Czech
        "áäčďéíĺľňóôŕšťúýž",  # Slovak
        "áéíóöőúüű",  # Hungarian
        "čćđšžéèêàâ",  # Slovene, Croatian, Bosnian (with loan words' accents)
        "ăâîșțşţ",  # Romanian
        "àâæçéèêëîïôœùûüÿ«»",  # French
        "äöüß",  # German
        "áéíñóúü¿¡",  # Spanish
        "ãõâêôáéíóúçàü",  # Portuguese
        "àèéìíîòóù",  # Italian
        "åæøäöéü",  # Nordic
        "ëïéèöü",  # Dutch
    )
]


_WORD = re.compile(r"[^\W\d_]*[^\x00-\x7f\W\d_][^\W\d_]*")


def _alphabet_fit(text: str) -> tuple[float, int]:
    """Share of the non-ASCII characters standing in words (a letter beside them) that one
    language's alphabet holds, for the language that holds most of them; and how many
    different such characters there are."""
    chars = [
        text[m.end() - 1].lower()
        for m in re.finditer(r"[^\x00-\x7f]", text)
        if (m.start() > 0 and text[m.start() - 1].isalpha())
        or (m.end() < len(text) and text[m.end()].isalpha())
    ]
    if not chars:
        return 0.0, 0
    best = max(sum(c in alphabet for c in chars) for alphabet in _ALPHABETS)
    return best / len(chars), len(set(chars))


def _words_fit(text: str) -> bool:
    """Whether every word with letters beyond ASCII has them all from one alphabet. A
    word is written in one language: read in the right code page, each word is one
    alphabet's, whatever mixture of languages a text quotes ("così", "børn" and "café"
    in one English sentence); read in a wrong one, words mix alphabets ("Pøíliš" for
    "Příliš") or lose letters to symbols ("Spó³dzielnia")."""
    for word in _WORD.findall(text.lower()):
        letters = {c for c in word if c > "\x7f"}
        if not any(letters <= alphabet for alphabet in _ALPHABETS):
            return False
    return True


# Symbols that Western code pages put where Central European ones have letters.
_SYMBOLS_IN_WORD = re.compile(r"(?<=[^\W\d_])[\u00a1-\u00bf\u02c7\u02d8\u02db](?=[^\W\d_])")


_C1 = re.compile("[\x80-\x9f]")


def _central_or_western(data: bytes, *, only_if_symbols: bool = False) -> str:
    """windows-1250 or ISO-8859-2 when one of them reads the bytes as one language's
    letters better than windows-1252 does (`_alphabet_fit`); "" (the Western default)
    otherwise. When the Western reading's words are each one alphabet's (`_words_fit`:
    an English text quoting "così", "børn" and "café"), the other reading must be one
    alphabet's throughout, with at least four such letters (a Hungarian text in which
    only "ű" differs, read "û"). With `only_if_symbols`, only when windows-1252 puts
    symbols inside words and the other reading does not."""
    sample = data[:20000]
    western = sample.decode("cp1252", errors="replace")
    symbols = len(_SYMBOLS_IN_WORD.findall(western))
    if only_if_symbols and symbols < 2:
        return ""
    best, (best_fit, _letters) = "", _alphabet_fit(western)
    plausible = _words_fit(western)
    for name in ("cp1250", "iso8859-2"):
        text = sample.decode(name, errors="replace")
        if text == western or "\ufffd" in text or _C1.search(text):
            continue  # (no text in an ISO code page uses its C1 controls, 0x80-0x9F)
        if only_if_symbols and len(_SYMBOLS_IN_WORD.findall(text)) * 4 > symbols:
            continue
        fit, letters = _alphabet_fit(text)
        if plausible and (fit < 0.95 or letters < 4):
            continue
        if fit > best_fit:
            best, best_fit = name, fit
    return best


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
    # in the count, so a space keeps the count honest. (`in` is a fast scan, and instant
    # when the text holds no character that wide: most texts have none to replace.)
    if any(char in text for char in _ZERO_WIDTH):
        text = re.sub(f"[{_ZERO_WIDTH}]", " ", text)
    if _has_controls(text):
        text = _CONTROL_RE.sub(" ", text)
    return text


_ZERO_WIDTH = "\u200b\u200c\u200d\u2060"
_CONTROL_BYTES = bytes(i for i in range(128) if _CONTROL_RE.match(chr(i)))


def _has_controls(text: str) -> bool:
    """Whether `_CONTROL_RE` would find anything, without a regex scan: the controls are
    ASCII, and in UTF-8 an ASCII byte only ever stands for itself, so deleting them from
    the encoded text changes its length exactly when there are some."""
    data = text.encode("utf-8", "surrogatepass")
    return len(data.translate(None, _CONTROL_BYTES)) != len(data)


_MOJIBAKE_HINT = re.compile("[ÃÂâ][\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]")


def _looks_mojibaked(text: str) -> bool:
    # Every hint starts with one of three characters; looking for them first (`in` is a
    # fast scan) spares most texts the slower regex scan.
    return any(char in text for char in "ÃÂâ") and bool(_MOJIBAKE_HINT.search(text))


# --- small helpers used by several stages -------------------------------------------

TERMINAL = ".!?…:;"
CLOSERS = "”’\"')]»"


def ends_sentence(text: str) -> bool:
    t = text.rstrip().rstrip(CLOSERS)
    return bool(t) and t[-1] in ".!?…"


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
    # Cheap refusal first (most paragraphs): a phrase written twice has its first word
    # at least twice.
    first = text.split(None, 1)
    if len(first) < 2 or first[1].find(first[0]) < 0:
        return None
    words = text.split()
    n = len(words)
    if n >= 4 and n % 2 == 0 and words[: n // 2] == words[n // 2 :]:
        return " ".join(words[: n // 2])
    return None


_SPACES = re.compile(r"[ \t]+")


def collapse_whitespace(text: str) -> str:
    """`" ".join(text.split())`, without splitting a text that has nothing to collapse:
    printable (so no whitespace but the ASCII space: tabs, newlines and the other Unicode
    spaces are not printable), no two spaces in a row, none at either end. Nearly every
    paragraph, so no list of its words is made for nothing."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def collapse_spaces(text: str) -> str:
    if "\t" not in text and "  " not in text:
        return text.strip()  # the common case, nothing to collapse: skip the regex
    return _SPACES.sub(" ", text).strip()


def key_for(text: str) -> str:
    """A comparison key for a line: casefolded words only."""
    return " ".join(WORD_RE.findall(unicodedata.normalize("NFKC", text).casefold()))
