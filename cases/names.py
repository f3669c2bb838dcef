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
