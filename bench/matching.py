"""`make bench`, lists: a generated 1,000-row list matched against the 100,000-detainee registry.

The rows name registry people as lists do: in Cyrillic or Hebrew (their name variants), surname
first, or misspelt by a common romanisation difference, three in four with the date of birth (where
the registry has one), and a tenth are people the registry does not hold. The list is uploaded and
matched by the same services the worker runs, timed as a whole, then measured: is the true detainee
the best candidate, and is `likely` right?

The generated registry has about 950 distinct names for 100,000 people, so most rows have
namesakes. Where nothing on the row tells the true person from a namesake (the same name, and no
date of birth on the row or the same one), no matcher can: those rows are counted apart, and the
accuracy figures are over the rows the registry can tell apart.
"""

import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date

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
        dob = person.date_of_birth.isoformat() if person.date_of_birth and rng.random() < 0.75 else ""
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
    wanted = {c["detainee"] for e in entries.values() for c in e.candidates[:1]}
    wanted |= {r.truth for r in rows if r.truth}
    people = Detainee.objects.filter(pk__in=wanted).values_list("pk", "full_name")
    name_of = {str(pk): name for pk, name in people}
    namesakes = Counter(Detainee.objects.values_list("full_name", flat=True))
    born_namesakes = Counter(Detainee.objects.exclude(date_of_birth=None).values_list("full_name", "date_of_birth"))
    result = {"rows": len(rows), "seconds": seconds, "upload_seconds": uploaded}
    result |= dict.fromkeys(("told_apart", "best_right", "alike", "best_namesake", "likely", "likely_right"), 0)
    result["stranger_likely"] = 0
    for index, row in enumerate(rows):
        entry = entries[index + 2]  # the header is line 1
        best = entry.candidates[0] if entry.candidates else None
        right = best is not None and best["detainee"] == row.truth
        told_apart = row.truth is None
        if row.truth:
            name = name_of[row.truth]
            others = born_namesakes[(name, date.fromisoformat(row.dob))] if row.dob else namesakes[name]
            told_apart = others == 1
            if told_apart:
                result["told_apart"] += 1
                result["best_right"] += right
            else:
                result["alike"] += 1
                result["best_namesake"] += best is not None and name_of[best["detainee"]] == name
        if told_apart and best and best["label"] == "likely":
            result["likely"] += 1
            result["likely_right"] += right
            result["stranger_likely"] += row.truth is None
    DeliveredList.objects.filter(pk=delivered.pk).delete()
    return result
