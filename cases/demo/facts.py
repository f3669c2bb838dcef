"""The demo's facts under uncertainty, recorded through the services as officers would: a death
awaiting a second officer, a confirmed death whose family has not been told yet, a case whose
claims conflict, proofs of life, and two captivity groups. Fictional, like every demo person.

Recorded by two fictional duty officers (who cannot sign in), so that the demo's own `officer`
login can confirm the proposal. Idempotent: the groups mark that it ran.
"""

from datetime import timedelta

from django.db import transaction

from cases.choices import Confidence, Status
from cases.models import CaptivityGroup, Detainee
from cases.services.claims import claim_record
from cases.services.groups import group_create
from cases.services.proofs_of_life import proof_of_life_record
from cases.services.status_changes import status_change_confirm, status_change_record
from core.choices import Role
from core.services import user_provision

GROUPS = ("Demo: tunnel group (debriefing)", "Demo: farmhouse group (video)")


def _duty_officer(username: str):
    user, _ = user_provision(username=username, role=Role.OFFICER, password=None)
    if user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def demo_facts_seed() -> bool:
    """Record the demo's facts once; False if they are there already or there are too few people."""
    if CaptivityGroup.objects.filter(name__in=GROUPS).exists():
        return False
    held = list(Detainee.objects.filter(status=Status.HELD).order_by("case_ref")[:9])
    if len(held) < 9:
        return False
    day, night = _duty_officer("duty-officer-day"), _duty_officer("duty-officer-night")
    awaiting, withheld, disputed, *seen = held

    status_change_record(
        detainee_id=awaiting.pk,
        to_status=Status.DECEASED,
        source="Statement by the captors' spokesman (unverified)",
        occurred_at=awaiting.status_since + timedelta(days=30),
        confidence=Confidence.UNVERIFIED,
        actor=day,
    )
    proposal = status_change_record(
        detainee_id=withheld.pk,
        to_status=Status.DECEASED,
        source="Forensic identification, fictional demo institute",
        occurred_at=withheld.status_since + timedelta(days=45),
        confidence=Confidence.CONFIRMED,
        actor=day,
    )
    status_change_confirm(detainee_id=withheld.pk, proposal_id=proposal.pk, actor=night)

    claim_record(
        detainee_id=disputed.pk,
        asserted_status=Status.HELD,
        source="Family, from a released neighbour",
        confidence=Confidence.UNVERIFIED,
        occurred_at=disputed.status_since + timedelta(days=20),
        actor=day,
    )
    claim_record(
        detainee_id=disputed.pk,
        asserted_status=Status.RELEASED,
        source="Press report, fictional Gazette",
        confidence=Confidence.REPORTED,
        occurred_at=disputed.status_since + timedelta(days=21),
        actor=night,
    )

    for index, (person, kind, days) in enumerate(
        zip(seen, ["video", "photo", "testimony", "message", "visit", "video"], [3, 12, 40, 75, 20, 130], strict=False)
    ):
        # Dated from the story (not from today), so a seed always tells the same one.
        observed = person.status_since + timedelta(days=days)
        proof_of_life_record(
            detainee_id=person.pk,
            observed_at=observed,
            kind=kind,
            source=f"Demo source {index + 1}",
            confidence=Confidence.REPORTED,
            actor=day,
        )
    group_create(
        actor=day,
        name=GROUPS[0],
        place="Underground, southern district",
        source="Debriefing of a released hostage",
        confidence=Confidence.REPORTED,
        members=[seen[0].pk, seen[1].pk, seen[2].pk],
    )
    group_create(
        actor=night,
        name=GROUPS[1],
        place="Farmhouse, northern district",
        source="Captors' video",
        confidence=Confidence.UNVERIFIED,
        members=[seen[3].pk, seen[4].pk, seen[5].pk],
    )
    return True
