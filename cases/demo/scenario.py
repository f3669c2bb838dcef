"""The shape of the demo scenario, as plans: who each invented person is and what happened to them.

Shaped like the October 2023 crisis described in DESIGN.md (about 230 people taken, eight
Russian-Israeli dual citizens on a list handed over in Moscow, two American-Israelis among the first
four released through Qatar, a truce with releases a few weeks in), but every person is invented.

Each person is planned from a random generator seeded with (seed, index) alone, so the first 230
people are the same whether 230 or 100,000 are asked for, and the same seed always plans the same
scenario.
"""

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from cases.choices import ChannelEventKind, ChannelRole, ChannelStatus, Confidence, Script, Sex, Status
from cases.demo import names as N

NAMESPACE = uuid.UUID("6f1c2a7e-2d1b-4c55-9a8e-0c3a1d5e7b90")
CORE_SIZE = 230
DAY0 = datetime(2023, 10, 7, 3, 30, tzinfo=UTC)
TRUCE_AGREED = datetime(2023, 11, 22, 10, 0, tzinfo=UTC)
TRUCE_FIRST_RELEASE = datetime(2023, 11, 24, 14, 0, tzinfo=UTC)
TRUCE_COLLAPSED = datetime(2023, 12, 1, 5, 0, tzinfo=UTC)


def stable_uuid(*parts: object) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts))


@dataclass(frozen=True)
class ChannelPlan:
    key: str
    name: str
    mediator: str
    mediator_country: str
    counterpart: str
    place: str
    status: str
    opened_on: date
    # (kind, occurred_at, summary, source)
    events: list[tuple[str, datetime, str, str]]

    @property
    def id(self) -> uuid.UUID:
        return stable_uuid("channel", self.key)


def _at(month: int, day: int, hour: int = 12) -> datetime:
    return datetime(2023, month, day, hour, 0, tzinfo=UTC)


CHANNELS: list[ChannelPlan] = [
    ChannelPlan(
        key="doha",
        name="Doha talks (Qatar)",
        mediator="State of Qatar",
        mediator_country="QA",
        counterpart="Hamas political bureau",
        place="Doha",
        status=ChannelStatus.ACTIVE,
        opened_on=date(2023, 10, 9),
        events=[
            (ChannelEventKind.MEETING, _at(10, 9), "First mediated contact about the captives.", "Qatari MFA briefing"),
            (ChannelEventKind.PROPOSAL, _at(10, 18), "Proposal to release dual nationals first.", "Press report"),
            (
                ChannelEventKind.RELEASE,
                _at(10, 20, 18),
                "Two US-Israeli dual citizens released.",
                "Qatari MFA statement",
            ),
            (ChannelEventKind.RELEASE, _at(10, 23, 19), "Two more captives released.", "ICRC handover confirmation"),
            (ChannelEventKind.PROPOSAL, _at(11, 15), "Framework for a truce with staged releases.", "Press report"),
            (
                ChannelEventKind.STATEMENT,
                TRUCE_AGREED,
                "Truce agreed; releases to begin in two days.",
                "Qatari MFA statement",
            ),
            (
                ChannelEventKind.RELEASE,
                TRUCE_FIRST_RELEASE,
                "First group released under the truce.",
                "ICRC handover confirmation",
            ),
            (ChannelEventKind.STATEMENT, TRUCE_COLLAPSED, "Truce collapsed; releases halted.", "Qatari MFA statement"),
        ],
    ),
    ChannelPlan(
        key="cairo",
        name="Cairo track (Egypt)",
        mediator="Arab Republic of Egypt",
        mediator_country="EG",
        counterpart="Hamas political bureau",
        place="Cairo",
        status=ChannelStatus.PAUSED,
        opened_on=date(2023, 10, 12),
        events=[
            (ChannelEventKind.MEETING, _at(10, 12), "Egyptian intelligence opens a parallel track.", "Press report"),
            (
                ChannelEventKind.PROPOSAL,
                _at(10, 28),
                "Proposal covering foreign workers.",
                "Egyptian officials (unnamed)",
            ),
            (
                ChannelEventKind.RELEASE,
                _at(11, 24, 16),
                "Foreign nationals released at the Rafah crossing.",
                "Thai MFA",
            ),
            (ChannelEventKind.STATEMENT, _at(12, 2), "Track paused after the truce collapsed.", "Press report"),
        ],
    ),
    ChannelPlan(
        key="moscow",
        name="Moscow consultations (Russian MFA)",
        mediator="Ministry of Foreign Affairs of the Russian Federation",
        mediator_country="RU",
        counterpart="Hamas delegation",
        place="Moscow",
        status=ChannelStatus.ACTIVE,
        opened_on=date(2023, 10, 26),
        events=[
            (
                ChannelEventKind.MEETING,
                _at(10, 26, 9),
                "Delegation received at the foreign ministry.",
                "Russian MFA statement",
            ),
            (
                ChannelEventKind.LIST_DELIVERED,
                _at(10, 26, 11),
                "List of eight Russian-Israeli dual citizens handed over.",
                "Russian MFA statement",
            ),
            (
                ChannelEventKind.STATEMENT,
                _at(10, 27),
                "Counterpart says it will try to locate those on the list.",
                "Press report",
            ),
            (
                ChannelEventKind.RELEASE,
                _at(11, 26, 17),
                "One person on the list released as a gesture to Moscow.",
                "Russian MFA statement",
            ),
        ],
    ),
    ChannelPlan(
        key="icrc",
        name="Humanitarian access (ICRC)",
        mediator="International Committee of the Red Cross",
        mediator_country="",
        counterpart="Hamas political bureau",
        place="Geneva",
        status=ChannelStatus.PAUSED,
        opened_on=date(2023, 10, 10),
        events=[
            (
                ChannelEventKind.STATEMENT,
                _at(10, 15),
                "Request for access to the captives and for medicine.",
                "ICRC statement",
            ),
        ],
    ),
]


@dataclass
class StepPlan:
    to_status: str
    occurred_at: datetime
    source: str
    confidence: str
    channel: str | None = None
    note: str = ""


@dataclass
class PersonPlan:
    index: int
    id: uuid.UUID
    full_name: str
    sex: str
    date_of_birth: date | None
    citizenships: list[tuple[str, str]]
    variants: list[tuple[str, str]]
    abducted_at: datetime
    place: str
    notes: str
    steps: list[StepPlan] = field(default_factory=list)
    memberships: list[tuple[str, str, str]] = field(default_factory=list)


# The nationality groups of the scenario: (key, citizenships, name tables). Name tables are
# (female given names, male given names, surnames).
_GROUPS = {
    "il": (["IL"], (N.HEBREW_FEMALE, N.HEBREW_MALE, N.HEBREW_SURNAMES)),
    "il_ar": (["IL"], (N.ARABIC_FEMALE, N.ARABIC_MALE, N.ARABIC_SURNAMES)),
    "ru_il": (["IL", "RU"], (N.RUSSIAN_FEMALE, N.RUSSIAN_MALE, None)),
    "us_il": (["IL", "US"], (N.ENGLISH_FEMALE, N.ENGLISH_MALE, N.ENGLISH_SURNAMES)),
    "gb_il": (["GB", "IL"], (N.ENGLISH_FEMALE, N.ENGLISH_MALE, N.ENGLISH_SURNAMES)),
    "de_il": (["DE", "IL"], (N.EUROPEAN_FEMALE, N.EUROPEAN_MALE, N.EUROPEAN_SURNAMES)),
    "fr_il": (["FR", "IL"], (N.EUROPEAN_FEMALE, N.EUROPEAN_MALE, N.EUROPEAN_SURNAMES)),
    "ar_il": (["AR", "IL"], (N.EUROPEAN_FEMALE, N.EUROPEAN_MALE, N.EUROPEAN_SURNAMES)),
    "th": (["TH"], None),
    "np": (["NP"], None),
}
# The first 230: exact counts, so the scenario has its eight RU-IL dual citizens and its first
# four releases (two of them US-IL) whatever the seed.
_CORE_SLOTS = (
    ["ru_il"] * 8
    + ["us_il_first"] * 2
    + ["il_first"] * 2
    + ["us_il"] * 8
    + ["de_il"] * 10
    + ["fr_il"] * 8
    + ["ar_il"] * 8
    + ["gb_il"] * 3
    + ["th"] * 24
    + ["np"] * 2
    + ["il_ar"] * 6
)
_CORE_SLOTS += ["il"] * (CORE_SIZE - len(_CORE_SLOTS))
# Beyond the first 230 (benchmark sizes), groups are drawn with these weights.
_EXTRA_WEIGHTS = {
    "il": 60,
    "il_ar": 4,
    "ru_il": 4,
    "us_il": 5,
    "gb_il": 2,
    "de_il": 5,
    "fr_il": 4,
    "ar_il": 4,
    "th": 10,
    "np": 2,
}

_CITIZENSHIP_SOURCES = {
    "IL": "Population registry record",
    "RU": "Russian MFA list (Moscow consultations)",
    "US": "US embassy consular confirmation",
    "GB": "British embassy consular confirmation",
    "DE": "German federal foreign office",
    "FR": "French consulate",
    "AR": "Argentine embassy",
    "TH": "Thai embassy list of workers",
    "NP": "Nepalese embassy",
}


def core_slots(seed: int) -> list[str]:
    slots = list(_CORE_SLOTS)
    random.Random(f"{seed}:core").shuffle(slots)
    return slots


def _group_for(index: int, seed: int, slots: list[str]) -> str:
    if index < CORE_SIZE:
        return slots[index]
    rng = random.Random(f"{seed}:group:{index}")
    keys = list(_EXTRA_WEIGHTS)
    return rng.choices(keys, weights=[_EXTRA_WEIGHTS[k] for k in keys])[0]


def _variants(parts: list[N.Name]) -> list[tuple[str, str]]:
    """The name in each script it has, plus an alternative Latin spelling if there is one."""
    out: list[tuple[str, str]] = []
    for column, script in ((1, Script.LATIN), (2, Script.CYRILLIC), (3, Script.HEBREW), (4, Script.ARABIC)):
        words = [p[column] or (p[0] if column == 1 else "") for p in parts]
        if all(words) and (column != 1 or any(p[1] for p in parts)):
            out.append((" ".join(words), script))
    return out


def _identity(rng: random.Random, group: str) -> tuple[str, str, list[tuple[str, str]]]:
    base = group.removesuffix("_first")
    tables = _GROUPS[base][1]
    sex = Sex.FEMALE if rng.random() < 0.5 else Sex.MALE
    if tables is None:
        given, surnames = (N.THAI_GIVEN, N.THAI_SURNAMES) if base == "th" else (N.NEPALI_GIVEN, N.NEPALI_SURNAMES)
        return f"{rng.choice(given)} {rng.choice(surnames)}", Sex.MALE, []
    female, male, surnames = tables
    first = rng.choice(female if sex == Sex.FEMALE else male)
    if surnames is None:  # Russian: the surname agrees with the person's sex
        pair = rng.choice(N.RUSSIAN_SURNAMES)
        last = pair[0] if sex == Sex.MALE else pair[1]
    else:
        last = rng.choice(surnames)
    return f"{first[0]} {last[0]}", sex, _variants([first, last])


def _hours(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(hours=rng.uniform(low, high))


def _timeline(
    rng: random.Random, group: str, abducted_at: datetime
) -> tuple[list[StepPlan], list[tuple[str, str, str]]]:
    steps: list[StepPlan] = []
    memberships: list[tuple[str, str, str]] = []
    held_at = DAY0 + timedelta(days=rng.uniform(3, 30))

    def held(source: str = "Security services assessment", confidence: str = Confidence.CONFIRMED) -> None:
        steps.append(StepPlan(Status.HELD, held_at, source, confidence))

    if group in ("us_il_first", "il_first"):
        day = _at(10, 20, 11) if group == "us_il_first" else _at(10, 23, 11)
        steps.append(StepPlan(Status.HELD, _at(10, 10), "Security services assessment", Confidence.CONFIRMED))
        steps.append(StepPlan(Status.RELEASE_PENDING, day, "Qatari MFA statement", Confidence.REPORTED, "doha"))
        steps.append(
            StepPlan(
                Status.RELEASED, day + timedelta(hours=7), "ICRC handover confirmation", Confidence.CONFIRMED, "doha"
            )
        )
        memberships += [("doha", ChannelRole.DISCUSSED, "Qatari MFA"), ("doha", ChannelRole.RELEASED_THROUGH, "ICRC")]
        return steps, memberships

    if group == "ru_il":
        memberships.append(("moscow", ChannelRole.REQUESTED, "List delivered 2023-10-26"))
        steps.append(
            StepPlan(
                Status.HELD,
                _at(10, 27, 15),
                "Counterpart statement after Moscow meeting",
                Confidence.REPORTED,
                "moscow",
            )
        )
        roll = rng.random()
        if roll < 0.25:
            release = _at(11, 26, 17)
            steps.append(
                StepPlan(
                    Status.RELEASE_PENDING,
                    release - timedelta(hours=6),
                    "Russian MFA statement",
                    Confidence.REPORTED,
                    "moscow",
                )
            )
            steps.append(
                StepPlan(Status.RELEASED, release, "ICRC handover confirmation", Confidence.CONFIRMED, "moscow")
            )
            memberships.append(("moscow", ChannelRole.RELEASED_THROUGH, "Russian MFA statement"))
        return steps, memberships

    roll = rng.random()
    truce_share = 0.6 if group == "th" else 0.33
    if roll < 0.08:
        pass  # still unaccounted for
    elif roll < 0.10:
        at = abducted_at + timedelta(days=rng.uniform(1, 20))
        steps.append(
            StepPlan(Status.NOT_HELD, at, "Police identification", Confidence.CONFIRMED, note="Found, not taken.")
        )
    elif roll < 0.16:
        if rng.random() < 0.5:
            held("Video published by captors", Confidence.UNVERIFIED)
        at = max(held_at, abducted_at) + timedelta(days=rng.uniform(1, 40))
        steps.append(StepPlan(Status.DECEASED, at, "Security services assessment", Confidence.REPORTED))
        if rng.random() < 0.5:
            steps.append(
                StepPlan(
                    Status.REMAINS_RETURNED,
                    at + timedelta(days=rng.uniform(10, 60)),
                    "Forensic institute",
                    Confidence.CONFIRMED,
                )
            )
    elif roll < 0.17:
        held()
        steps.append(
            StepPlan(
                Status.RESCUED, held_at + timedelta(days=rng.uniform(5, 25)), "Army statement", Confidence.CONFIRMED
            )
        )
    elif roll < 0.175:
        steps.append(
            StepPlan(Status.ESCAPED, abducted_at + _hours(rng, 6, 72), "Police statement", Confidence.CONFIRMED)
        )
    elif roll < 0.175 + truce_share:
        channel = "cairo" if group in ("th", "np") else "doha"
        held()
        memberships.append((channel, ChannelRole.DISCUSSED, "Truce list"))
        steps.append(
            StepPlan(
                Status.RELEASE_PENDING, TRUCE_AGREED, "Qatari MFA statement on the truce", Confidence.CONFIRMED, channel
            )
        )
        if rng.random() < 0.9:
            release = TRUCE_FIRST_RELEASE + timedelta(days=rng.randint(0, 6), hours=rng.uniform(0, 4))
            steps.append(
                StepPlan(Status.RELEASED, release, "ICRC handover confirmation", Confidence.CONFIRMED, channel)
            )
            memberships.append((channel, ChannelRole.RELEASED_THROUGH, "ICRC handover"))
        else:
            steps.append(
                StepPlan(
                    Status.HELD,
                    TRUCE_COLLAPSED,
                    "Qatari MFA statement",
                    Confidence.REPORTED,
                    channel,
                    note="Deal collapsed.",
                )
            )
    else:
        held()
    for step in steps:
        step.occurred_at = step.occurred_at.replace(microsecond=0)
    return steps, memberships


def plan_person(index: int, seed: int, slots: list[str]) -> PersonPlan:
    group = _group_for(index, seed, slots)
    rng = random.Random(f"{seed}:person:{index}")
    full_name, sex, variants = _identity(rng, group)
    base = group.removesuffix("_first")
    codes = _GROUPS[base][0]
    abducted_at = (DAY0 + _hours(rng, 0, 5.5)).replace(microsecond=0)
    dob = None
    if rng.random() < 0.75:
        dob = date(1938, 1, 1) + timedelta(days=rng.randint(0, 84 * 365))
    steps, memberships = _timeline(rng, group, abducted_at)
    notes = rng.choice(["", "", "Family liaison assigned.", "Medical condition reported by family; see file.", ""])
    return PersonPlan(
        index=index,
        id=stable_uuid(seed, "detainee", index),
        full_name=full_name,
        sex=sex,
        date_of_birth=dob,
        citizenships=[(code, _CITIZENSHIP_SOURCES[code]) for code in codes],
        variants=variants,
        abducted_at=abducted_at,
        place=rng.choice(N.PLACES),
        notes=notes,
        steps=steps,
        memberships=memberships,
    )
