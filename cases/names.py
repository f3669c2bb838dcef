"""Name keys: one comparable form of a name, whatever script or spelling it was written in.

A key is the name transliterated to Latin (Cyrillic, Hebrew and Arabic alike), stripped of accents
and case, with common romanisation differences folded (Aleksandr / Alexandr / Aleksander,
Yelena / Elena, Lisovsky / Lisovskiy / Lisovskii). Search compares keys by trigram similarity on
PostgreSQL, so remaining spelling differences still match.
"""

import re
import unicodedata

from unidecode import unidecode

# Applied in order to the lower-case ASCII form, word by word.
_FOLDS: tuple[tuple[str, str], ...] = (
    ("x", "ks"),
    ("ph", "f"),
    ("w", "v"),
    ("ck", "k"),
    ("q", "k"),
    ("kh", "h"),
    ("zh", "j"),
    ("dj", "j"),
    ("sch", "sh"),
    ("tch", "ch"),
    ("tz", "ts"),
    ("ye", "e"),
    ("yo", "e"),
    ("yu", "iu"),
    ("ya", "ia"),
    ("y", "i"),
    ("ii", "i"),
    ("ei", "i"),
)
_ENDINGS: tuple[tuple[str, str], ...] = (("iy", "i"), ("ij", "i"), ("er", "r"))
_NON_LETTERS = re.compile(r"[^a-z ]+")
_REPEATS = re.compile(r"(.)\1+")


def _fold_word(word: str) -> str:
    for old, new in _FOLDS:
        word = word.replace(old, new)
    for old, new in _ENDINGS:
        if word.endswith(old) and len(word) > len(old) + 2:
            word = word[: -len(old)] + new
    return _REPEATS.sub(r"\1", word)


def name_key(name: str) -> str:
    """The comparable form of one name: lower-case Latin letters and single spaces."""
    text = unicodedata.normalize("NFKC", name)
    ascii_text = unidecode(text).lower().replace("'", "").replace("-", " ")
    words = _NON_LETTERS.sub(" ", ascii_text).split()
    return " ".join(_fold_word(w) for w in words)


def search_names(full_name: str, variants: list[str]) -> str:
    """The text a detainee is found by: the keys of all their names, one per line, without repeats."""
    keys = dict.fromkeys(k for k in (name_key(n) for n in [full_name, *variants]) if k)
    return "\n".join(keys)


# --- Forms for matching across scripts ------------------------------------------------------------
# Hebrew and Arabic are written without most vowels, so names are compared across scripts by their
# consonant skeletons, the consonants grouped in classes that the scripts and the usual romanisations
# confuse: כ/ח/ק and k/kh/ch/h; ב/פ and b/v/f/p/w; ס/ש/צ/ז and s/sh/ts/z; ט/ת and t/th.  # noqa: RUF003

_LATIN_CLASSES = {
    "dzh": "j",
    "zh": "j",
    "dj": "j",
    "sch": "s",
    "sh": "s",
    "tz": "s",
    "ts": "s",
    "s": "s",
    "z": "s",
    "kh": "k",
    "ch": "k",
    "ck": "k",
    "x": "ks",
    "q": "k",
    "c": "k",
    "k": "k",
    "h": "k",
    "g": "g",
    "th": "t",
    "t": "t",
    "d": "d",
    "ph": "b",
    "w": "b",
    "v": "b",
    "f": "b",
    "p": "b",
    "b": "b",
    "j": "j",
    "l": "l",
    "m": "m",
    "n": "n",
    "r": "r",
}
# One pass, longest spelling first, so "ts" is one class and not t followed by s.
_LATIN_PATTERN = re.compile("|".join(sorted(map(re.escape, _LATIN_CLASSES), key=len, reverse=True)))
# Letters of the abjads by class; "" is a letter that is mostly a vowel (alef, vav, yod, ayin, ...).
_ABJAD_CLASSES = {
    **dict.fromkeys("אויע", ""),
    "ה": "k",
    "ב": "b",
    "ג": "g",
    "ד": "d",
    "ז": "s",
    "ח": "k",
    "ט": "t",
    "כ": "k",
    "ך": "k",
    "ל": "l",
    "מ": "m",
    "ם": "m",
    "נ": "n",
    "ן": "n",
    "ס": "s",
    "פ": "b",
    "ף": "b",
    "צ": "s",
    "ץ": "s",
    "ק": "k",
    "ר": "r",
    "ש": "s",
    "ת": "t",
    **dict.fromkeys("اأإآىءئؤعةوي", ""),
    "ب": "b",
    "ت": "t",
    "ث": "t",
    "ط": "t",
    "ج": "j",
    "ح": "k",
    "خ": "k",
    "ه": "k",
    "د": "d",
    "ذ": "d",
    "ض": "d",
    "ر": "r",
    "ز": "s",
    "ظ": "s",
    "س": "s",
    "ش": "s",
    "ص": "s",
    "غ": "g",
    "ف": "b",
    "ق": "k",
    "ك": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
}
_ABJAD_SPECIAL = (("וו", "b"), ("ג׳", "j"), ("ג'", "j"), ("ז׳", "j"), ("ז'", "j"), ("צ׳", "k"), ("צ'", "k"))
_ABJAD = {"HEBREW", "ARABIC"}


def script_of(name: str) -> str:
    """The script a name is written in: LATIN, CYRILLIC, HEBREW, ARABIC (its first letter's)."""
    for char in name:
        if char.isalpha():
            return unicodedata.name(char, "LATIN").split()[0]
    return "LATIN"


def _abjad_skeleton(word: str, vav: str = "") -> str:
    initial_y = word[:1] in ("י", "ي")
    word = re.sub(r"[הه]$", "", word)  # a final he / ha is most often a vowel (Sarah, Hamza)
    for old, new in _ABJAD_SPECIAL:
        word = word.replace(old, new)
    word = word.replace("ו", vav).replace("و", vav)
    skeleton = "".join(_ABJAD_CLASSES.get(char, char if char in "bjk" else "") for char in word)
    return ("y" if initial_y else "") + _REPEATS.sub(r"\1", skeleton)


def _latin_skeleton(word: str) -> str:
    word = word.lower()
    if word[:1] == "j" and word[1:2] in tuple("aeiou"):  # Jael / Yael, Jusuf / Yusuf
        word = "y" + word[1:]
    word = re.sub(r"(?<=[aeiou])j", "y", word)  # Sergej, Zarezkaja (German spellings)
    word = re.sub(r"(?<=[aeiouy])h$", "", word)  # Sarah / Sara, Selah / Sela
    initial_y = word[:1] == "y" or (word[:1] == "i" and word[1:2] in tuple("aeou"))
    skeleton = "".join(_LATIN_CLASSES[m.group(0)] for m in _LATIN_PATTERN.finditer(word))
    return ("y" if initial_y else "") + _REPEATS.sub(r"\1", skeleton)


def name_words(name: str) -> tuple[list[str], list[tuple[str, ...]], bool]:
    """The words of a name as keys (Latin, folded, as search uses them) and as consonant skeletons
    (for Hebrew and Arabic two readings: vav / waw as a vowel, and as v / w), and whether it was
    written in an abjad (then its keys lack the vowels)."""
    text = unicodedata.normalize("NFKC", name)
    abjad = script_of(text) in _ABJAD
    words = [w for w in re.split(r"[\s\-‐־,.]+", text) if any(c.isalpha() for c in w)]
    keys = [name_key(w) for w in words]
    skeletons = [
        tuple(dict.fromkeys((_abjad_skeleton(w), _abjad_skeleton(w, vav="b"))))
        if abjad
        else (_latin_skeleton(unidecode(w)),)
        for w in words
    ]
    return keys, skeletons, abjad


def search_skeletons(full_name: str, variants: list[str]) -> str:
    """The consonant skeletons of all a detainee's names, one name a line: what a Hebrew or Arabic
    spelling on a list is looked up by (its Latin key lacks the vowels)."""
    lines = []
    for name in [full_name, *variants]:
        words = name_words(name)[1]
        lines.append(" ".join(readings[0] for readings in words if readings[0]))
    return "\n".join(dict.fromkeys(line for line in lines if line))
