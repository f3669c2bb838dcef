"""Matching a person named on a list against a detainee: a score, a label and the reasons.

The names weigh most: the best of the row's names against any of the detainee's, by
cases.name_matching (word by word in any order, across scripts). The date of birth, sex and
citizenships then corroborate or contradict.
"""

from dataclasses import dataclass, field

from cases.name_matching import name_similarity
from cases.names import name_key

LIKELY = 0.90
POSSIBLE = 0.70


@dataclass(frozen=True)
class Person:
    """What a list row or a registry entry says of someone."""

    names: tuple[str, ...]
    date_of_birth: str | None = None  # ISO date
    sex: str | None = None
    citizenships: tuple[str, ...] = ()


@dataclass
class Match:
    score: float
    label: str  # "likely", "possible" or ""
    reasons: list[str] = field(default_factory=list)


def person_match(row: Person, detainee: Person) -> Match:
    """How well a list row names a detainee: the best of its names against any of theirs, then the
    date of birth, sex and citizenships."""
    name = max(name_similarity(a, b) for a in row.names for b in detainee.names)
    reasons = [f"names {name:.0%} alike"]
    score = name
    contradicted = False
    if row.date_of_birth and detainee.date_of_birth:
        if row.date_of_birth == detainee.date_of_birth:
            score += 0.08
            reasons.append("date of birth equal")
        elif row.date_of_birth[:4] == detainee.date_of_birth[:4]:
            score -= 0.05
            reasons.append("date of birth differs (same year)")
        else:
            score -= 0.30
            contradicted = True
            reasons.append("date of birth different")
    else:
        reasons.append("date of birth unknown")
    if row.sex and detainee.sex and row.sex != detainee.sex:
        score -= 0.30
        contradicted = True
        reasons.append("sex different")
    if row.citizenships and detainee.citizenships:
        if set(row.citizenships) & set(detainee.citizenships):
            score += 0.03
            reasons.append("citizenship in common")
        else:
            score -= 0.05
            reasons.append("no citizenship in common")
    score = max(0.0, min(1.0, score))
    label = "likely" if score >= LIKELY and not contradicted else "possible" if score >= POSSIBLE else ""
    return Match(round(score, 3), label, reasons)


def name_identities(names: tuple[str, ...] | list[str]) -> list[str]:
    """The forms by which decisions about a person are remembered from list to list: each name's
    Latin key with its words sorted (the same person written the same way, in any word order)."""
    keys = (" ".join(sorted(name_key(name).split())) for name in names)
    return list(dict.fromkeys(key[:300] for key in keys if key))


def best_candidates(row: Person, candidates: dict, limit: int = 5) -> list[tuple[object, Match]]:
    """The candidates (id → Person) ranked by match, best first."""
    ranked = sorted(
        ((key, person_match(row, person)) for key, person in candidates.items()), key=lambda kv: -kv[1].score
    )
    return ranked[:limit]
