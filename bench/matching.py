"""`make bench`, lists: a generated 1,000-row list matched against the 100,000-detainee registry.

The rows name registry people as lists do: in Cyrillic or Hebrew (their name variants), surname
first, or misspelt by a common romanisation difference, half of them with the date of birth, and a
tenth are people the registry does not hold (names put together from unused parts). The list is
uploaded and matched by the same services the worker runs, timed as a whole, then measured: is the
true detainee the best candidate, and is `likely` right? A registry of generated people has
namesakes (the same name, often no date of birth): a best candidate that is a namesake the row
cannot tell apart from the true person (same name, and the same date of birth where the row gives
one) is counted apart, as "indistinguishable", not as right.
"""

import random
import time
from dataclasses import dataclass

ROWS = 1000
STRANGERS = 100
SEED = 12
CHANNEL = "Bench: list matching"
_MISSPELL = (("ks", "x"), ("sky", "ski"), ("y", "i"), ("v", "w"), ("kh", "h"), ("ov", "off"), ("iy", "ii"), ("e", "a"))


@dataclass
class Generated:
    name: str
    other: str
    dob: str
    truth: str | None


def _misspelt(name: str, rng: random.Random) -> str:
    for old, new in rng.sample(_MISSPELL, len(_MISSPELL)):
        if old in name:
            return name.replace(old, new, 1)
    return name


def generate(rng: random.Random) -> list[Generated]:
    from cases.models import Detainee

    count = Detainee.objects.count()
    picked = sorted(rng.sample(range(count), ROWS - STRANGERS))
    ids = list(Detainee.objects.order_by("case_ref").values_list("pk", flat=True))
    people = Detainee.objects.filter(pk__in=[ids[i] for i in picked]).prefetch_related("name_variants")
    rows = []
    for person in people.order_by("case_ref"):
        variants = {v.script: v.name for v in person.name_variants.all()}
        words = person.full_name.split()
        form = rng.randrange(4)
        if form == 0 and "Cyrl" in variants:
            name = variants["Cyrl"]
        elif form == 1 and ("Hebr" in variants or "Arab" in variants):
            name = variants.get("Hebr") or variants["Arab"]
        elif form == 2 and len(words) > 1:
            name = " ".join([*words[1:], words[0]])
        else:
            name = _misspelt(person.full_name, rng)
        dob = person.date_of_birth.isoformat() if person.date_of_birth and rng.random() < 0.5 else ""
        rows.append(Generated(name, "", dob, str(person.pk)))
    given = [p.full_name.split()[0] for p in people[:200]]
    for n in range(STRANGERS):
        # A given name from the registry with a surname nobody has: someone the registry does not hold.
        rows.append(Generated(f"{rng.choice(given)} Zyxwort{n:03d}", "", "", None))
    rng.shuffle(rows)
    return rows


def _csv(rows: list[Generated]) -> bytes:
    lines = ["full_name;date_of_birth"] + [f"{r.name};{r.dob}" for r in rows]
    return ("\n".join(lines) + "\n").encode()


def measure() -> dict:
    """Upload and match the list; its time and accuracy. The list is removed afterwards."""
    from cases.models import Detainee, NegotiationChannel
    from cases.services.channels import channel_create
    from lists.models import DeliveredList
    from lists.services.imports import list_match, list_upload

    rng = random.Random(SEED)
    rows = generate(rng)
    channel = NegotiationChannel.objects.filter(name=CHANNEL).first() or channel_create(
        actor=None, name=CHANNEL, mediator="Bench", counterpart="Bench"
    )
    DeliveredList.objects.filter(channel=channel).delete()  # an earlier run's, if it stopped half-way
    started = time.perf_counter()
    delivered = list_upload(
        channel_id=channel.pk,
        direction="from_counterpart",
        delivered_by="bench",
        file_name="bench.csv",
        content=_csv(rows),
        actor=None,
    )
    uploaded = time.perf_counter() - started
    list_match(list_id=delivered.pk)
    seconds = time.perf_counter() - started
    entries = {e.row: e for e in delivered.entries.all()}
    identity = {
        str(pk): (name, dob)
        for pk, name, dob in Detainee.objects.filter(
            pk__in={c["detainee"] for e in entries.values() for c in e.candidates[:1]}
            | {r.truth for r in rows if r.truth}
        ).values_list("pk", "full_name", "date_of_birth")
    }
    result = {"rows": len(rows), "seconds": seconds, "upload_seconds": uploaded, "with_truth": 0, "best_right": 0}
    result |= {"best_namesake": 0, "likely": 0, "likely_right": 0, "likely_namesake": 0, "stranger_likely": 0}
    for index, row in enumerate(rows):
        entry = entries[index + 2]  # the header is line 1
        best = entry.candidates[0] if entry.candidates else None
        right = best is not None and best["detainee"] == row.truth
        namesake = (
            best is not None
            and row.truth is not None
            and not right
            and identity[best["detainee"]][0] == identity[row.truth][0]
            and (not row.dob or identity[best["detainee"]][1] == identity[row.truth][1])
        )
        if row.truth:
            result["with_truth"] += 1
            result["best_right"] += right
            result["best_namesake"] += namesake
        if best and best["label"] == "likely":
            result["likely"] += 1
            result["likely_right"] += right
            result["likely_namesake"] += namesake
            result["stranger_likely"] += row.truth is None
    DeliveredList.objects.filter(pk=delivered.pk).delete()
    return result
