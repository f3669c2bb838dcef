"""Facts under uncertainty through the API, read as each reader would: four eyes on a death, family
first (channel by channel, as a partner), claims, proofs of life, captivity groups."""

import itertools
import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from alerts.models import Event, Notification
from alerts.services.dispatch import event_dispatch
from alerts.services.overdue import proof_of_life_overdue_check
from alerts.services.subscriptions import subscription_create
from cases.models import Detainee, PendingStatusChange, ProofOfLife, StatusChange
from cases.services.detainees import detainee_create
from cases.services.groups import group_create
from cases.services.status_changes import status_change_confirm, status_change_record
from core.access import Viewer, events_visible
from core.choices import Role
from partners.models import Partner
from partners.services.partners import partner_ensure
from partners.services.tokens import token_issue
from tests.api_helpers import assert_problem, bearer

ABDUCTED = datetime(2023, 10, 7, 6, 30, tzinfo=UTC)


def post(client, path, token, body=None):
    return client.post(path, data=json.dumps(body or {}), content_type="application/json", **bearer(token))


def get(client, path, token, **extra):
    return client.get(path, **bearer(token), **extra)


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def people(officer):
    held = detainee_create(full_name="Dmitri Orlovsky", actor=None, citizenships=["RU", "IL"], abducted_at=ABDUCTED)
    status_change_record(detainee_id=held.pk, to_status="held", source="Video", actor=officer)
    other = detainee_create(full_name="Noa Peretz", actor=None, citizenships=["IL"], abducted_at=ABDUCTED)
    return held, other


@pytest.fixture
def tokens(officer, make_user, analyst):
    second = make_user(Role.OFFICER, "second")
    partner, _ = partner_ensure(name="Moscow desk", nationalities=["RU"])
    return {
        "officer": token_issue(user=officer)[1],
        "second": token_issue(user=second)[1],
        "analyst": token_issue(user=analyst)[1],
        "partner": token_issue(partner=partner)[1],
        "second_user": second,
    }


def detail(client, detainee, token):
    return get(client, f"/api/v1/detainees/{detainee.pk}/", token)


def propose_death(client, detainee, token):
    response = post(
        client, f"/api/v1/detainees/{detainee.pk}/status-changes/", token, {"to_status": "deceased", "source": "IDF"}
    )
    assert response.status_code == 202, response.content
    return response.json()


def test_a_death_is_proposed_and_confirmed_only_by_a_second_officer(client, people, tokens, officer):
    held, _ = people
    proposal = propose_death(client, held, tokens["officer"])
    assert proposal["state"] == "awaiting_confirmation" and proposal["to_status"] == "deceased"
    row = detail(client, held, tokens["officer"]).json()
    assert row["status"] == "held" and row["awaiting_confirmation"] is True
    listed = get(client, "/api/v1/detainees/?awaiting_confirmation=true", tokens["analyst"]).json()["results"]
    assert [r["id"] for r in listed] == [str(held.pk)]
    assert not StatusChange.objects.filter(to_status="deceased").exists()

    confirm = f"/api/v1/detainees/{held.pk}/status-changes/{proposal['id']}/confirm/"
    own = assert_problem(post(client, confirm, tokens["officer"]), 403)
    assert "second officer" in own["detail"]
    assert_problem(post(client, confirm, tokens["analyst"]), 403)
    done = post(client, confirm, tokens["second"])
    assert done.status_code == 201, done.content
    assert done.json()["confirmed_by"] == "second" and done.json()["to_status"] == "deceased"
    again = assert_problem(post(client, confirm, tokens["second"]), 409)
    assert "confirmed already" in again["detail"]
    row = detail(client, held, tokens["officer"]).json()
    assert row["status"] == "deceased" and row["withheld_until_family_informed"] is True
    assert row["awaiting_confirmation"] is False


def test_officers_but_not_the_proposer_are_told_a_death_awaits_them(people, officer, tokens, admin_user):
    held, _ = people
    proposal = status_change_record(detainee_id=held.pk, to_status="deceased", source="IDF", actor=officer)
    event = Event.objects.get(type="detainee.status_change_proposed", object_id=held.pk)
    event_dispatch(event_seq=event.seq)
    told = set(Notification.objects.filter(event=event).values_list("user__username", flat=True))
    assert told == {"second", admin_user.username}
    assert "A death awaits your confirmation" in Notification.objects.filter(event=event).first().summary
    assert isinstance(proposal, PendingStatusChange)


def test_a_stale_proposal_cannot_be_confirmed(client, people, tokens, officer):
    held, _ = people
    proposal = propose_death(client, held, tokens["officer"])
    status_change_record(detainee_id=held.pk, to_status="release_pending", source="Qatar", actor=officer)
    confirm = f"/api/v1/detainees/{held.pk}/status-changes/{proposal['id']}/confirm/"
    body = assert_problem(post(client, confirm, tokens["second"]), 409)
    assert "changed since" in body["detail"] and "release_pending" in body["detail"]
    reject = f"/api/v1/detainees/{held.pk}/status-changes/{proposal['id']}/reject/"
    assert_problem(post(client, reject, tokens["second"], {}), 400)
    rejected = post(client, reject, tokens["second"], {"reason": "Stale: a release is pending"})
    assert rejected.status_code == 200 and rejected.json()["state"] == "rejected"
    assert Detainee.objects.get(pk=held.pk).status == "release_pending"


def test_the_database_refuses_a_confirmation_by_the_proposer_and_a_second_decision(people, officer, tokens):
    held, _ = people
    proposal = status_change_record(detainee_id=held.pk, to_status="deceased", source="IDF", actor=officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        PendingStatusChange.objects.filter(pk=proposal.pk).update(
            state="rejected", decided_by=officer, decided_at=timezone.now(), rejection_reason="mine"
        )
    status_change_confirm(detainee_id=held.pk, proposal_id=proposal.pk, actor=tokens["second_user"])
    with pytest.raises(IntegrityError), transaction.atomic():
        PendingStatusChange.objects.filter(pk=proposal.pk).update(rejection_reason="changed my mind")


def test_family_first_a_partner_learns_a_death_only_once_the_family_is_told(client, people, tokens, officer):
    held, _ = people
    partner = tokens["partner"]
    before = detail(client, held, partner)
    list_before = get(client, "/api/v1/detainees/", partner)
    stats_before = get(client, "/api/v1/stats/?by=status", partner)
    last_seq = Event.objects.latest("seq").seq
    proposal = propose_death(client, held, tokens["officer"])
    post(
        client,
        f"/api/v1/detainees/{held.pk}/claims/",
        tokens["officer"],
        {"asserted_status": "released", "source": "X"},
    )
    post(client, f"/api/v1/detainees/{held.pk}/status-changes/{proposal['id']}/confirm/", tokens["second"])

    # Inside the cell: at once, marked.
    assert detail(client, held, tokens["analyst"]).json()["status"] == "deceased"
    # A partner, channel by channel: nothing moved, not even an ETag.
    after = detail(client, held, partner)
    assert after.json() == before.json()
    assert get(client, f"/api/v1/detainees/{held.pk}/", partner, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
    assert get(client, "/api/v1/detainees/", partner, HTTP_IF_NONE_MATCH=list_before["ETag"]).status_code == 304
    assert get(client, "/api/v1/stats/?by=status", partner).json() == stats_before.json()
    assert get(client, "/api/v1/detainees/?status=deceased", partner).json()["results"] == []
    history = get(client, f"/api/v1/detainees/{held.pk}/status-changes/", partner).json()["results"]
    assert [h["to_status"] for h in history] == ["held"]
    # The feed reads only final transactions (this test's is open): the events it would serve.
    moscow = Viewer(partner=Partner.objects.get(name="Moscow desk"))
    assert not events_visible(moscow).filter(seq__gt=last_seq).exists()
    assert get(client, f"/api/v1/detainees/{held.pk}/claims/", partner).status_code == 404
    assert get(client, f"/api/v1/detainees/{held.pk}/family-notifications/", partner).status_code == 404
    assert_problem(get(client, "/api/v1/detainees/?in_conflict=true", partner), 400)
    assert "in_conflict" not in after.json() and "open_claims" not in after.json()

    informed = post(
        client,
        f"/api/v1/detainees/{held.pk}/family-notifications/",
        tokens["officer"],
        {"method": "in_person", "note": "Liaison visit"},
    )
    assert informed.status_code == 201, informed.content
    now = detail(client, held, partner)
    assert now.json()["status"] == "deceased" and now["ETag"] != before["ETag"]
    history = get(client, f"/api/v1/detainees/{held.pk}/status-changes/", partner).json()["results"]
    assert [h["to_status"] for h in history] == ["held", "deceased"]
    news = list(events_visible(moscow).filter(seq__gt=last_seq))
    assert [e.type for e in news] == ["detainee.status_changed"]
    assert news[0].data["status_change"]["to_status"] == "deceased" and news[0].audience == "disclosure"
    assert {"status": "deceased", "count": 1} in get(client, "/api/v1/stats/?by=status", partner).json()["rows"]
    assert_problem(
        post(client, f"/api/v1/detainees/{held.pk}/family-notifications/", tokens["officer"], {"method": "phone"}), 409
    )


@pytest.mark.django_db(transaction=True)
def test_two_officers_confirming_at_once_confirm_once(roles, make_user, officer):
    from core.services import user_provision
    from tests.factories import PASSWORD

    held = detainee_create(full_name="Ilya Grinberg", actor=None, citizenships=["RU"], abducted_at=ABDUCTED)
    proposal = status_change_record(detainee_id=held.pk, to_status="deceased", source="IDF", actor=officer)
    confirmers = [user_provision(username=f"c{i}", role=Role.OFFICER, password=PASSWORD)[0] for i in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def confirm(user):
        try:
            barrier.wait()
            status_change_confirm(detainee_id=held.pk, proposal_id=proposal.pk, actor=user)
            outcomes.append("confirmed")
        except Exception as exc:  # noqa: BLE001 - the loser's refusal is the outcome under test
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(u,)) for u in confirmers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["ProposalDecided", "confirmed"]
    assert StatusChange.objects.filter(detainee=held, to_status="deceased").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_confirmation_racing_a_release_leaves_one_consistent_history(roles, make_user, officer):
    """A second officer confirms a death while a third records a release: one wins, the other is told
    why, and the history chains either way (a release first makes the proposal stale)."""
    from core.services import user_provision
    from tests.factories import PASSWORD

    second = user_provision(username="second", role=Role.OFFICER, password=PASSWORD)[0]
    third = user_provision(username="third", role=Role.OFFICER, password=PASSWORD)[0]
    for round_ in range(6):  # which one wins varies from round to round; both must be consistent
        held = detainee_create(full_name=f"Ilya Grinberg {round_}", actor=None, abducted_at=ABDUCTED)
        status_change_record(detainee_id=held.pk, to_status="held", source="Video", actor=officer)
        proposal = status_change_record(detainee_id=held.pk, to_status="deceased", source="IDF", actor=officer)
        barrier = threading.Barrier(2)
        outcomes = {}

        def act(name, call, barrier, outcomes):
            try:
                barrier.wait()
                call()
                outcomes[name] = "ok"
            except Exception as exc:  # noqa: BLE001 - the loser's refusal is the outcome under test
                outcomes[name] = type(exc).__name__
            finally:
                connection.close()

        calls = {
            "confirm": lambda h=held, p=proposal: status_change_confirm(
                detainee_id=h.pk, proposal_id=p.pk, actor=second
            ),
            "release": lambda h=held: status_change_record(
                detainee_id=h.pk, to_status="released", source="ICRC", actor=third
            ),
        }
        threads = [threading.Thread(target=act, args=(*item, barrier, outcomes)) for item in calls.items()]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        held.refresh_from_db()
        history = list(held.status_changes.order_by("sequence").values_list("from_status", "to_status"))
        assert all(a[1] == b[0] for a, b in itertools.pairwise(history)), history
        assert held.status == history[-1][1]
        if outcomes == {"confirm": "ok", "release": "InvalidTransition"}:
            assert held.status == "deceased" and not held.awaiting_confirmation
        else:
            assert outcomes == {"confirm": "ProposalStale", "release": "ok"}, outcomes
            assert held.status == "released"
            assert PendingStatusChange.objects.get(pk=proposal.pk).state == "awaiting_confirmation"


def test_conflicting_claims_are_flagged_and_ruled(client, people, tokens):
    held, _ = people
    path = f"/api/v1/detainees/{held.pk}/claims/"
    alive = post(
        client, path, tokens["officer"], {"asserted_status": "held", "source": "Family", "confidence": "unverified"}
    )
    freed = post(client, path, tokens["officer"], {"asserted_status": "released", "source": "Press report"})
    assert alive.status_code == freed.status_code == 201
    assert_problem(post(client, path, tokens["analyst"], {"asserted_status": "held", "source": "X"}), 403)
    row = detail(client, held, tokens["analyst"]).json()
    assert row["open_claims"] == 2 and row["in_conflict"] is True
    flagged = get(client, "/api/v1/detainees/?in_conflict=true", tokens["analyst"]).json()["results"]
    assert [r["id"] for r in flagged] == [str(held.pk)]
    claims = get(client, path, tokens["analyst"]).json()["results"]
    assert {c["recorded_by"] for c in claims} == {"officer"} and {c["state"] for c in claims} == {"open"}

    accepted = post(client, f"{path}{freed.json()['id']}/accept/", tokens["second"], {"note": "Confirmed by Qatar"})
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted", accepted.content
    change = StatusChange.objects.get(detainee=held, to_status="released")
    assert str(change.claim_id) == freed.json()["id"]
    claims = {c["id"]: c for c in get(client, path, tokens["analyst"]).json()["results"]}
    assert claims[alive.json()["id"]]["state"] == "rejected"
    row = detail(client, held, tokens["analyst"]).json()
    assert row["status"] == "released" and row["in_conflict"] is False and row["open_claims"] == 0
    assert_problem(post(client, f"{path}{alive.json()['id']}/accept/", tokens["second"]), 409)


@pytest.mark.parametrize("decision", ["confirm", "reject"])
def test_a_claimed_death_follows_the_second_officers_decision(client, people, tokens, decision):
    held, _ = people
    path = f"/api/v1/detainees/{held.pk}/claims/"
    dead = post(client, path, tokens["officer"], {"asserted_status": "deceased", "source": "Captors' statement"})
    alive = post(client, path, tokens["officer"], {"asserted_status": "held", "source": "Released neighbour"})
    accepted = post(client, f"{path}{dead.json()['id']}/accept/", tokens["officer"])
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    assert accepted.json()["status_change"] is None
    # Only proposed: the case is still uncertain, the other claim still open.
    row = detail(client, held, tokens["analyst"]).json()
    assert row["status"] == "held" and row["awaiting_confirmation"] is True and row["in_conflict"] is False
    assert row["open_claims"] == 1
    proposal = PendingStatusChange.objects.get(detainee=held)
    assert proposal.claim_id is not None and str(proposal.claim_id) == dead.json()["id"]

    body = {"reason": "The video shows him alive a day later"} if decision == "reject" else {}
    decided = post(
        client, f"/api/v1/detainees/{held.pk}/status-changes/{proposal.pk}/{decision}/", tokens["second"], body
    )
    assert decided.status_code in (200, 201), decided.content
    claims = {c["id"]: c for c in get(client, path, tokens["analyst"]).json()["results"]}
    row = detail(client, held, tokens["analyst"]).json()
    if decision == "confirm":
        change = StatusChange.objects.get(detainee=held, to_status="deceased")
        assert claims[dead.json()["id"]]["state"] == "accepted"
        assert claims[dead.json()["id"]]["status_change"] == str(change.pk)
        assert claims[alive.json()["id"]]["state"] == "rejected"
        assert row["status"] == "deceased" and row["open_claims"] == 0
    else:
        assert claims[dead.json()["id"]]["state"] == "rejected"
        assert "The video shows him alive a day later" in claims[dead.json()["id"]]["ruling_note"]
        assert claims[alive.json()["id"]]["state"] == "open"
        assert row["status"] == "held" and row["open_claims"] == 1 and row["awaiting_confirmation"] is False
    with pytest.raises(IntegrityError), transaction.atomic():  # decided now, for good
        from cases.models import Claim

        Claim.objects.filter(pk=dead.json()["id"]).update(state="open")


def test_proofs_of_life_show_filter_and_refuse_impossible_dates(client, people, tokens):
    held, other = people
    path = f"/api/v1/detainees/{held.pk}/proofs-of-life/"
    seen = (timezone.now() - timedelta(days=3)).isoformat()
    created = post(client, path, tokens["officer"], {"observed_at": seen, "kind": "video", "source": "Hostage video"})
    assert created.status_code == 201, created.content
    early = post(
        client, path, tokens["officer"], {"observed_at": "2023-10-01T00:00:00Z", "kind": "photo", "source": "X"}
    )
    assert "observed_at" in json.dumps(assert_problem(early, 400))
    future = (timezone.now() + timedelta(days=1)).isoformat()
    assert_problem(post(client, path, tokens["officer"], {"observed_at": future, "kind": "video", "source": "X"}), 400)
    last = detail(client, held, tokens["partner"]).json()["last_proof_of_life"]
    assert last["kind"] == "video" and last["confidence"] == "reported"
    stale = get(client, "/api/v1/detainees/?proof_of_life_older_than=30", tokens["analyst"]).json()["results"]
    assert [r["id"] for r in stale] == [str(other.pk)]
    ordered = get(client, "/api/v1/detainees/?ordering=-last_proof_of_life", tokens["analyst"]).json()["results"]
    assert ordered[0]["id"] == str(held.pk)
    assert_problem(get(client, "/api/v1/detainees/?proof_of_life_older_than=soon", tokens["analyst"]), 400)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProofOfLife.objects.filter(detainee=held).update(kind="photo")


def test_a_partner_sees_a_group_only_with_its_members_in_scope(client, people, tokens, officer):
    held, other = people
    group = group_create(
        actor=officer, name="Tunnel A", source="Debriefing of a released hostage", members=[held.pk, other.pk]
    )
    only_il = group_create(actor=officer, name="Tunnel B", source="Video", members=[other.pk])
    groups = get(client, "/api/v1/groups/", tokens["partner"]).json()["results"]
    assert [g["name"] for g in groups] == ["Tunnel A"]
    assert [m["id"] for m in groups[0]["members"]] == [str(held.pk)]
    assert get(client, f"/api/v1/groups/{only_il.pk}/", tokens["partner"]).status_code == 404
    inside = get(client, f"/api/v1/groups/{group.pk}/", tokens["analyst"]).json()
    assert len(inside["members"]) == 2
    assert detail(client, held, tokens["partner"]).json()["groups"] == [{"id": str(group.pk), "name": "Tunnel A"}]
    added = post(client, "/api/v1/groups/", tokens["officer"], {"name": "", "source": "X"})
    assert_problem(added, 400)


def test_news_about_one_member_notifies_followers_of_the_others(people, officer, analyst):
    held, other = people
    group_create(actor=officer, name="Tunnel A", source="Debriefing", members=[held.pk, other.pk])
    subscription_create(user=analyst, kind="detainee", value=other.case_ref, by_email=False, in_app=True)
    status_change_record(detainee_id=held.pk, to_status="released", source="ICRC", actor=officer)
    event = Event.objects.filter(type="detainee.status_changed", object_id=held.pk).latest("seq")
    event_dispatch(event_seq=event.seq)
    note = Notification.objects.get(user=analyst, event=event)
    assert note.summary.startswith(f"News about someone held with {other.case_ref}")


def test_the_overdue_check_alerts_once_per_crossing(people, officer, analyst):
    held, _other = people
    subscription_create(user=analyst, kind="proof_of_life_overdue", value="30", by_email=False, in_app=True)
    assert proof_of_life_overdue_check() == 2  # both abducted in 2023, no proof of life
    assert proof_of_life_overdue_check() == 0
    events = Event.objects.filter(type="detainee.proof_of_life_overdue")
    assert events.count() == 2 and events.first().data["days"] == 30
    from cases.services.proofs_of_life import proof_of_life_record

    proof_of_life_record(
        detainee_id=held.pk, observed_at=timezone.now() - timedelta(days=40), kind="photo", source="X", actor=officer
    )
    assert proof_of_life_overdue_check() == 1  # the clock moved, and 40 days passed since
    assert proof_of_life_overdue_check() == 0
