"""Delivered lists through the API, as the cell and a partner would use it: upload (202, then
progress), the refusals as problems, rows with candidates and filters, decisions and what they do to
the case, decisions remembered on later lists, a case opened from a row, the comparison, ETags."""

from datetime import UTC, date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cases.choices import ChannelRole, ClaimState
from cases.models import ChannelMembership, Claim, Detainee
from lists.models import DeliveredList, RememberedPair
from lists.services.imports import list_match
from partners.services.partners import partner_ensure
from partners.services.tokens import token_issue
from tests.api_helpers import assert_names, assert_problem, bearer

pytestmark = pytest.mark.django_db

MOSCOW = (
    "full_name;other_names;date_of_birth;citizenships;sex\n"
    "Дмитрий Орловский;Dmitriy Orlovskiy;1981-03-14;RU,IL;m\n"
    "Елена Громова;;1986-07-02;RU,IL;f\n"
    "Виктор Пелевин;;1962-11-22;RU;m\n"
).encode()


@pytest.fixture
def tokens(officer, analyst):
    partner, _ = partner_ensure(name="Moscow desk", nationalities=["RU"])
    return {
        "officer": token_issue(user=officer)[1],
        "analyst": token_issue(user=analyst)[1],
        "partner": token_issue(partner=partner)[1],
    }


@pytest.fixture
def client():
    return Client()


def upload(client, token, channel, content=MOSCOW, name="moscow.csv", **fields):
    data = {
        "file": SimpleUploadedFile(name, content),
        "channel": str(channel.pk),
        "direction": fields.pop("direction", "to_counterpart"),
        "delivered_by": fields.pop("delivered_by", "Russian MFA"),
        **fields,
    }
    return client.post("/api/v1/lists/", data=data, **bearer(token))


def uploaded_and_matched(client, token, channel, **fields) -> dict:
    response = upload(client, token, channel, **fields)
    assert response.status_code == 202, response.content
    list_match(list_id=response.json()["id"])
    return client.get(f"/api/v1/lists/{response.json()['id']}/", **bearer(token)).json()


def entries(client, token, list_id, query="") -> list[dict]:
    response = client.get(f"/api/v1/lists/{list_id}/entries/{query}", **bearer(token))
    assert response.status_code == 200, response.content
    return response.json()["results"]


def decide(client, token, list_id, entry_id, decision, detainee=None):
    body = {"decision": decision} | ({"detainee": str(detainee)} if detainee else {})
    return client.post(
        f"/api/v1/lists/{list_id}/entries/{entry_id}/decision/",
        data=body,
        content_type="application/json",
        **bearer(token),
    )


def test_an_upload_is_accepted_then_matched_with_its_progress_and_counts(client, tokens, channel, registry):
    response = upload(client, tokens["officer"], channel, delivered_at="2023-10-26T12:00:00+03:00")
    assert response.status_code == 202, response.content
    body = response.json()
    assert response["Location"] == f"/api/v1/lists/{body['id']}/"
    assert body["status"] == "importing" and body["progress"] == {"done": 0, "total": 3}
    assert body["channel"] == str(channel.pk) and body["direction"] == "to_counterpart"
    assert body["delivered_at"] == "2023-10-26T09:00:00Z" and body["file_name"] == "moscow.csv"
    assert len(body["sha256"]) == 64 and body["row_count"] == 3 and body["error"] is None

    list_match(list_id=body["id"])
    ready = client.get(f"/api/v1/lists/{body['id']}/", **bearer(tokens["analyst"]))
    assert ready.status_code == 200 and ready["ETag"]
    assert ready.json()["status"] == "ready" and ready.json()["progress"] == {"done": 3, "total": 3}
    assert ready.json()["counts"] == {
        "likely": 2,
        "possible": 0,
        "none": 1,
        "confirmed": 0,
        "rejected": 0,
        "unsure": 0,
    }

    rows = entries(client, tokens["analyst"], body["id"])
    assert [r["row"] for r in rows] == [2, 3, 4]
    orlovsky = rows[0]
    assert orlovsky["full_name"] == "Дмитрий Орловский" and orlovsky["other_names"] == ["Dmitriy Orlovskiy"]
    assert orlovsky["match"] == "likely" and orlovsky["decision"] is None and orlovsky["detainee"] is None
    best = orlovsky["candidates"][0]
    assert best["detainee"] == str(registry["orlovsky"].pk) and best["label"] == "likely"
    assert 0.9 <= best["score"] <= 1 and "date of birth equal" in best["reasons"] and best["rejected"] is False
    assert rows[2]["match"] == "none" and rows[2]["candidates"] == []

    assert [r["row"] for r in entries(client, tokens["analyst"], body["id"], "?label=none")] == [4]
    assert [r["row"] for r in entries(client, tokens["analyst"], body["id"], "?label=likely&decision=undecided")] == [
        2,
        3,
    ]
    bad = client.get(f"/api/v1/lists/{body['id']}/entries/?label=sure", **bearer(tokens["analyst"]))
    assert_names(bad, 400, "label")
    assert_names(
        client.get(f"/api/v1/lists/{body['id']}/entries/?labels=likely", **bearer(tokens["analyst"])), 400, "labels"
    )

    listed = client.get("/api/v1/lists/", **bearer(tokens["analyst"]))
    assert [d["id"] for d in listed.json()["results"]] == [body["id"]]
    assert (
        client.get("/api/v1/lists/", HTTP_IF_NONE_MATCH=listed["ETag"], **bearer(tokens["analyst"])).status_code == 304
    )


def test_bad_uploads_are_refused_as_problems_and_nothing_is_stored(client, tokens, channel):
    no_name = upload(client, tokens["officer"], channel, b"name,dob\nDana,1990-01-01\n")
    assert "Columns found: name, dob" in assert_names(no_name, 400, "file")["errors"][0]["detail"]
    latin1 = upload(client, tokens["officer"], channel, "full_name\nJosé\n".encode("latin-1"))
    assert "not UTF-8" in assert_names(latin1, 400, "file")["errors"][0]["detail"]
    big = upload(client, tokens["officer"], channel, b"full_name\n" + b"x" * (10 * 1024 * 1024))
    assert "at most 10,485,760" in assert_names(big, 400, "file")["errors"][0]["detail"]
    assert_names(upload(client, tokens["officer"], channel, direction="sideways"), 400, "direction")
    assert_names(upload(client, tokens["officer"], channel, delivered_by=""), 400, "delivered_by")
    assert_names(upload(client, tokens["officer"], channel, delivered_at="2023-10-26T12:00"), 400, "delivered_at")
    nowhere = client.post(
        "/api/v1/lists/",
        data={
            "file": SimpleUploadedFile("l.csv", MOSCOW),
            "channel": "00000000-0000-0000-0000-000000000000",
            "direction": "to_counterpart",
            "delivered_by": "MFA",
        },
        **bearer(tokens["officer"]),
    )
    assert_names(nowhere, 400, "channel")
    json_body = client.post(
        "/api/v1/lists/", data={"channel": "x"}, content_type="application/json", **bearer(tokens["officer"])
    )
    assert_problem(json_body, 415)
    assert not DeliveredList.objects.exists()

    first = upload(client, tokens["officer"], channel)
    again = upload(client, tokens["officer"], channel, name="copy.csv", delivered_by="Someone else")
    body = assert_problem(again, 409)
    assert body["existing_list"] == first.json()["id"] and "'moscow.csv'" in body["detail"]
    assert DeliveredList.objects.count() == 1


def test_lists_are_the_cells_alone(client, tokens, channel, registry):
    listed = uploaded_and_matched(client, tokens["officer"], channel)
    entry = entries(client, tokens["officer"], listed["id"])[0]
    assert_problem(client.get("/api/v1/lists/"), 401)
    for path in (
        "/api/v1/lists/",
        f"/api/v1/lists/{listed['id']}/",
        f"/api/v1/lists/{listed['id']}/entries/",
        f"/api/v1/lists/{listed['id']}/compare/",
    ):
        assert_problem(client.get(path, **bearer(tokens["partner"])), 404)
        assert client.get(path, **bearer(tokens["analyst"])).status_code == 200
    assert_problem(upload(client, tokens["partner"], channel, b"full_name\nA B\n"), 404)
    assert_problem(decide(client, tokens["partner"], listed["id"], entry["id"], "confirmed"), 404)
    assert_problem(upload(client, tokens["analyst"], channel, b"full_name\nA B\n"), 403)
    assert_problem(decide(client, tokens["analyst"], listed["id"], entry["id"], "confirmed"), 403)
    assert_problem(
        client.post(f"/api/v1/lists/{listed['id']}/entries/{entry['id']}/new-detainee/", **bearer(tokens["analyst"])),
        403,
    )


def test_confirming_a_row_handed_over_links_the_detainee_as_requested_and_undoing_takes_it_back(
    client, tokens, channel, registry
):
    listed = uploaded_and_matched(client, tokens["officer"], channel)
    row = entries(client, tokens["officer"], listed["id"])[0]
    before = client.get(f"/api/v1/lists/{listed['id']}/entries/", **bearer(tokens["officer"]))["ETag"]

    confirmed = decide(client, tokens["officer"], listed["id"], row["id"], "confirmed")
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["decision"] == "confirmed" and confirmed.json()["detainee"] == str(registry["orlovsky"].pk)
    assert confirmed.json()["decided_by"] == "officer"
    link = ChannelMembership.objects.get(channel=channel, detainee=registry["orlovsky"])
    assert link.role == ChannelRole.REQUESTED and "moscow.csv" in link.source and "row 2" in link.source
    assert RememberedPair.objects.filter(detainee=registry["orlovsky"], decision="confirmed").exists()
    after = client.get(f"/api/v1/lists/{listed['id']}/entries/", HTTP_IF_NONE_MATCH=before, **bearer(tokens["officer"]))
    assert after.status_code == 200 and after["ETag"] != before  # the decision shows at once
    counts = client.get(f"/api/v1/lists/{listed['id']}/", **bearer(tokens["officer"])).json()["counts"]
    assert counts["confirmed"] == 1

    undone = client.delete(f"/api/v1/lists/{listed['id']}/entries/{row['id']}/decision/", **bearer(tokens["officer"]))
    assert undone.status_code == 200 and undone.json()["decision"] is None and undone.json()["detainee"] is None
    assert not ChannelMembership.objects.filter(channel=channel, detainee=registry["orlovsky"]).exists()
    assert not RememberedPair.objects.exists()

    # Someone already requested in the channel stays linked whatever the list's row becomes.
    ChannelMembership.objects.create(channel=channel, detainee=registry["gromova"], role=ChannelRole.REQUESTED)
    gromova = entries(client, tokens["officer"], listed["id"])[1]
    decide(client, tokens["officer"], listed["id"], gromova["id"], "confirmed")
    decide(client, tokens["officer"], listed["id"], gromova["id"], "unsure")
    assert ChannelMembership.objects.filter(channel=channel, detainee=registry["gromova"]).count() == 1

    assert_names(decide(client, tokens["officer"], listed["id"], row["id"], "maybe"), 400, "decision")
    nobody = entries(client, tokens["officer"], listed["id"])[2]
    assert_names(decide(client, tokens["officer"], listed["id"], nobody["id"], "confirmed"), 400, "detainee")


def test_confirming_a_row_handed_back_records_a_claim_that_undoing_rejects(client, tokens, channel, registry):
    listed = uploaded_and_matched(
        client, tokens["officer"], channel, direction="from_counterpart", delivered_at="2023-11-02T10:00:00+00:00"
    )
    row = entries(client, tokens["officer"], listed["id"])[1]
    confirmed = decide(client, tokens["officer"], listed["id"], row["id"], "confirmed")
    claim = Claim.objects.get(pk=confirmed.json()["claim"])
    assert claim.detainee_id == registry["gromova"].pk and claim.asserted_status == "held"
    assert claim.state == ClaimState.OPEN and claim.channel_id == channel.pk
    assert "handed back by Russian MFA on 2023-11-02" in claim.source
    assert claim.occurred_at == datetime(2023, 11, 2, 10, tzinfo=UTC)
    assert not ChannelMembership.objects.filter(detainee=registry["gromova"]).exists()  # a claim, not a link

    rejected = decide(client, tokens["officer"], listed["id"], row["id"], "rejected")
    assert rejected.json()["decision"] == "rejected" and rejected.json()["claim"] is None
    assert rejected.json()["candidates"][0]["rejected"] is True
    claim.refresh_from_db()
    assert claim.state == ClaimState.REJECTED and "was undone" in claim.ruling_note


def test_decisions_carry_over_to_later_lists_and_can_be_undone(client, tokens, channel, registry):
    first = uploaded_and_matched(client, tokens["officer"], channel)
    orlovsky, gromova, _ = entries(client, tokens["officer"], first["id"])
    decide(client, tokens["officer"], first["id"], orlovsky["id"], "confirmed")
    decide(client, tokens["officer"], first["id"], gromova["id"], "rejected")

    # The same people, written another way round and in Latin; a date of birth that agrees.
    later = "full_name;date_of_birth\nOrlovsky Dmitriy;1981-03-14\nГромова Елена;\n".encode()
    second = uploaded_and_matched(client, tokens["officer"], channel, content=later, name="second.csv")
    carried, not_again = entries(client, tokens["officer"], second["id"])
    assert carried["decision"] == "confirmed" and carried["detainee"] == str(registry["orlovsky"].pk)
    assert carried["decided_by"] is None
    assert carried["remembered_from"] == {"list": first["id"], "entry": orlovsky["id"], "row": 2}
    assert any("confirmed before" in r for r in carried["candidates"][0]["reasons"])
    assert str(registry["gromova"].pk) not in [c["detainee"] for c in not_again["candidates"]]
    assert second["counts"]["confirmed"] == 1

    undone = client.delete(
        f"/api/v1/lists/{second['id']}/entries/{carried['id']}/decision/", **bearer(tokens["officer"])
    )
    assert undone.json()["decision"] is None and undone.json()["remembered_from"] is None
    third = uploaded_and_matched(client, tokens["officer"], channel, content=later + b"\n", name="third.csv")
    assert entries(client, tokens["officer"], third["id"])[0]["decision"] is None  # forgotten

    # A namesake born on another day is someone else: the rejection does not carry over to her.
    namesake = "full_name;date_of_birth\nЕлена Громова;1986-07-03\n".encode()
    fourth = uploaded_and_matched(client, tokens["officer"], channel, content=namesake, name="fourth.csv")
    (row,) = entries(client, tokens["officer"], fourth["id"])
    assert str(registry["gromova"].pk) in [c["detainee"] for c in row["candidates"]]


def test_a_row_nobody_matches_becomes_a_case_in_one_step(client, tokens, channel, registry):
    content = "full_name;other_names;date_of_birth;citizenships;sex\nViktor Pelevin;Виктор Пелевин;1962-11-22;RU;m\n"
    listed = uploaded_and_matched(client, tokens["officer"], channel, content=content.encode(), name="new.csv")
    (row,) = entries(client, tokens["officer"], listed["id"])
    assert row["match"] == "none"
    created = client.post(
        f"/api/v1/lists/{listed['id']}/entries/{row['id']}/new-detainee/", **bearer(tokens["officer"])
    )
    assert created.status_code == 201, created.content
    detainee = Detainee.objects.get(pk=created.json()["detainee"])
    assert created["Location"] == f"/api/v1/detainees/{detainee.pk}/"
    assert detainee.full_name == "Viktor Pelevin" and detainee.date_of_birth == date(1962, 11, 22)
    assert detainee.sex == "male" and [c.country for c in detainee.citizenships.all()] == ["RU"]
    assert [(v.name, v.script) for v in detainee.name_variants.all()] == [("Виктор Пелевин", "Cyrl")]
    assert created.json()["decision"] == "confirmed"
    assert ChannelMembership.objects.filter(channel=channel, detainee=detainee, role="requested").exists()
    again = client.post(f"/api/v1/lists/{listed['id']}/entries/{row['id']}/new-detainee/", **bearer(tokens["officer"]))
    assert_problem(again, 409)
    assert Detainee.objects.filter(full_name="Viktor Pelevin").count() == 1


def test_a_list_is_compared_with_the_one_before(client, tokens, channel, registry):
    first = uploaded_and_matched(client, tokens["officer"], channel, delivered_at="2023-10-26T12:00:00+03:00")
    later = b"full_name\nYelena Gromova\nDmitri Orlovsky\nYael Cohen\nAmir Haddad\n"
    second = uploaded_and_matched(
        client, tokens["officer"], channel, content=later, name="later.csv", delivered_at="2023-11-20T12:00:00+03:00"
    )
    compared = client.get(f"/api/v1/lists/{second['id']}/compare/", **bearer(tokens["analyst"]))
    assert compared.status_code == 200 and compared["ETag"]
    body = compared.json()
    assert body["other"] == first["id"]
    assert [e["full_name"] for e in body["added"]] == ["Yael Cohen", "Amir Haddad"]
    assert body["added"][0]["detainee"] == str(registry["cohen"].pk) and body["added"][1]["detainee"] is None
    assert [e["full_name"] for e in body["dropped"]] == ["Виктор Пелевин"]
    assert {e["detainee"] for e in body["unchanged"]} == {str(registry["gromova"].pk), str(registry["orlovsky"].pk)}

    backwards = client.get(f"/api/v1/lists/{first['id']}/compare/?with={second['id']}", **bearer(tokens["analyst"]))
    assert [e["full_name"] for e in backwards.json()["added"]] == ["Виктор Пелевин"]
    alone = client.get(f"/api/v1/lists/{first['id']}/compare/", **bearer(tokens["analyst"])).json()
    assert alone["other"] is None and len(alone["added"]) == 3
    assert_names(
        client.get(f"/api/v1/lists/{first['id']}/compare/?with=nope", **bearer(tokens["analyst"])), 400, "with"
    )


def test_no_decision_while_the_list_is_still_being_matched(client, tokens, channel, registry):
    response = upload(client, tokens["officer"], channel)
    entry = DeliveredList.objects.get(pk=response.json()["id"]).entries.first()
    body = assert_problem(decide(client, tokens["officer"], response.json()["id"], entry.pk, "unsure"), 409)
    assert "not ready" in body["detail"]
