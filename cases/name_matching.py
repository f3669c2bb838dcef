"""How alike two names are, whatever scripts they are written in: what the list matcher
(lists.matching) and the name search (cases.filtersets) both read names through.

Names are compared word by word in any order (a list may put the surname first), each pair of words
by the best of: Jaro-Winkler similarity of their Latin keys (rapidfuzz), equal phonetic codes
(jellyfish's Metaphone), and the similarity of their consonant skeletons (cases.names) — the only
comparison that holds between a Latin or Cyrillic spelling and a Hebrew or Arabic one, whose vowels
are unwritten. A surname that differs only by its Slavic gender ending (Gromov / Gromova) is another
person's.
"""

from dataclasses import dataclass
from functools import lru_cache

import jellyfish
from rapidfuzz.distance import JaroWinkler, Levenshtein

from cases.names import name_words

_GENDER_ENDINGS = (("ova", "ov"), ("eva", "ev"), ("ina", "in"), ("skaia", "ski"), ("skaya", "sky"), ("aia", "ii"))


@dataclass(frozen=True)
class _Word:
    key: str
    skeletons: tuple[str, ...]  # the readings of its consonants (two for a Hebrew or Arabic vav)
    metaphone: str
    abjad: bool


@lru_cache(maxsize=100_000)
def _words(name: str) -> tuple[_Word, ...]:
    keys, skeletons, abjad = name_words(name)
    return tuple(
        _Word(key.replace(" ", ""), skeleton, "" if abjad else jellyfish.metaphone(key), abjad)
        for key, skeleton in zip(keys, skeletons, strict=True)
        if any(skeleton) or key
    )


def _gendered_pair(a: str, b: str) -> bool:
    for female, male in _GENDER_ENDINGS:
        if (a.endswith(female) and b.endswith(male) and a[: -len(female)] == b[: -len(male)]) or (
            b.endswith(female) and a.endswith(male) and b[: -len(female)] == a[: -len(male)]
        ):
            return True
    return False


def _word_similarity(a: _Word, b: _Word) -> float:
    skeleton, shortest = 0.0, 0
    for x in a.skeletons:
        for y in b.skeletons:
            if x and y and Levenshtein.normalized_similarity(x, y) > skeleton:
                skeleton, shortest = Levenshtein.normalized_similarity(x, y), min(len(x), len(y))
    if a.abjad or b.abjad:
        # Vowels unwritten: only the skeleton speaks, and a one-consonant word says little.
        return skeleton * (1.0 if shortest >= 2 else 0.85)
    if _gendered_pair(a.key, b.key):
        return 0.5
    # Jaro-Winkler alone forgives a missing ending (Orlov / Orlovsky); the edit distance does not.
    spelling = (JaroWinkler.similarity(a.key, b.key) + Levenshtein.normalized_similarity(a.key, b.key)) / 2
    # Sound and skeleton vouch for a spelling difference, but both written in full, the vowels
    # count too (Hadid / Haddad, Hassan / Hussein, Amit / Amitay sound alike and are other names).
    sound = 1.0 if a.metaphone and a.metaphone == b.metaphone else 0.0
    return max(spelling, (spelling + max(sound, skeleton)) / 2)


def _join(words: tuple[_Word, ...]) -> _Word:
    return _Word(
        "".join(w.key for w in words),
        ("".join(w.skeletons[0] for w in words), "".join(w.skeletons[-1] for w in words)),
        "",
        any(w.abjad for w in words),
    )


def _aligned(a: tuple[_Word, ...], b: tuple[_Word, ...]) -> float:
    """Each word of the shorter name paired with its best unused word of the longer one (any order);
    a word the longer name has beyond them (a middle name, a second surname) costs a little."""
    if not a or not b:
        return 0.0
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    pairs = sorted(
        ((_word_similarity(s, t), i, j) for i, s in enumerate(short) for j, t in enumerate(long_)), reverse=True
    )
    used_short, used_long, total = set(), set(), 0.0
    for score, i, j in pairs:
        if i in used_short or j in used_long:
            continue
        used_short.add(i)
        used_long.add(j)
        # Squared: one word far off (another surname) weighs more than a close one lifts.
        total += score**2
    return total / len(short) - 0.04 * (len(long_) - len(short))


def name_similarity(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    best = _aligned(wa, wb)
    # Compound words written apart in one and together in the other (Ben Ami / Benami, Abd Allah).
    if len(wa) != len(wb) and wa and wb:
        best = max(best, _aligned(wa, (*wb[:-2], _join(wb[-2:])) if len(wb) > len(wa) else wb) - 0.02)
        best = max(best, _aligned((*wa[:-2], _join(wa[-2:])) if len(wa) > len(wb) else wa, wb) - 0.02)
    return max(0.0, min(1.0, best))
