"""The demo's delivered lists (fictional, like every demo person): the list of the eight
Russian-Israeli dual citizens handed to the counterpart in Moscow, written in Cyrillic, and a list
the counterpart handed back weeks later — some of the same people in other spellings (one in
Hebrew, one surname first), one left off, one person the registry does not know, and a row with a
date that cannot be. Both are uploaded and matched through the services, as an officer's would be;
nothing on them is decided, so the review is there to try.

Idempotent: a list already uploaded for the channel (the same file) is not uploaded again.
"""

from datetime import UTC, datetime

from cases.choices import ChannelRole, Script
from cases.demo.scenario import CHANNELS
from cases.models import Detainee
from lists.models import DeliveredList
from lists.services.imports import list_match, list_upload

MOSCOW = next(c for c in CHANNELS if c.key == "moscow")
HANDED_OVER = datetime(2023, 10, 26, 12, 0, tzinfo=UTC)
HANDED_BACK = datetime(2023, 11, 20, 9, 30, tzinfo=UTC)


def _variant(detainee: Detainee, script: str) -> str | None:
    return next((v.name for v in detainee.name_variants.all() if v.script == script), None)


def _csv(rows: list[list[str]]) -> bytes:
    lines = ["full_name;other_names;date_of_birth;citizenships;sex;note"]
    lines += [";".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def demo_lists_seed(**_) -> int:
    """Upload and match the two demo lists; the number uploaded (0 when they are there already)."""
    requested = list(
        Detainee.objects.filter(
            channel_memberships__channel_id=MOSCOW.id, channel_memberships__role=ChannelRole.REQUESTED
        )
        .prefetch_related("name_variants")
        .order_by("case_ref")
        .distinct()[:8]
    )
    if len(requested) < 8:
        return 0
    handed_over = [
        [
            _variant(d, Script.CYRILLIC) or d.full_name,
            "",
            d.date_of_birth.isoformat() if d.date_of_birth else "",
            "RU,IL",
            d.sex[:1] if d.sex in ("female", "male") else "",
            "Dual citizen, Russia and Israel",
        ]
        for d in requested
    ]
    back = []
    for index, d in enumerate(requested[:7]):
        first, *rest = d.full_name.split()
        if index == 0 and _variant(d, Script.HEBREW):
            name = _variant(d, Script.HEBREW)
        elif index % 3 == 1:
            name = " ".join([*rest, first])  # surname first
        else:
            name = d.full_name.replace("sky", "ski").replace("ya", "ia").replace("Yel", "El")
        back.append([name, "", "", "RU", "", "Said to be held"])
    back.append(["Arkady Strugov", "Аркадий Стругов", "1979-04-31", "RU", "m", "Not known to the cell"])
    uploaded = 0
    for direction, at, by, name, content in (
        ("to_counterpart", HANDED_OVER, "Russian MFA (Moscow consultations)", "moscow-dual-citizens.csv", handed_over),
        ("from_counterpart", HANDED_BACK, "Counterpart's office in Moscow", "handed-back-2023-11-20.csv", back),
    ):
        file = _csv(content)
        if DeliveredList.objects.filter(channel_id=MOSCOW.id, file_name=name).exists():
            continue
        delivered = list_upload(
            channel_id=MOSCOW.id,
            direction=direction,
            delivered_by=by,
            delivered_at=at,
            file_name=name,
            content=file,
            actor=None,
        )
        list_match(list_id=delivered.pk)  # at once, so the demo opens on a matched list
        uploaded += 1
    return uploaded
