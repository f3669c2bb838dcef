"""PFIF 1.4 out of the API and the browser: the document checked against PFIF 1.4's field order and
mandatory fields, read as each reader may (a partner's scope, family first), and round-tripped: our
export imported as a delivered list matches every person to themselves."""

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime

import pytest
from django.test import Client

from cases.demo.seed import demo_seed
from cases.models import Detainee, StatusChange
from cases.services.channels import channel_create
from cases.services.detainees import NameVariantInput, detainee_create
from cases.services.family_notifications import family_notification_record
from cases.services.status_changes import status_change_record
from interchange.pfif import MANDATORY, NAMESPACE, NOTE_FIELDS, NOTE_STATUSES, PERSON_FIELDS
from lists.services.imports import list_match, list_upload
from partners.services.partners import partner_ensure
from partners.services.tokens import token_issue
from tests.api_helpers import assert_problem, bearer
from tests.factories import PASSWORD, status_record_confirmed

pytestmark = pytest.mark.django_db
P = f"{{{NAMESPACE}}}"
ABDUCTED = datetime(2023, 10, 7, 6, 30, tzinfo=UTC)


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def people(officer):
    orlovsky = detainee_create(
        full_name="Dmitri Orlovsky",
        actor=officer,
        sex="male",
        date_of_birth=date(1981, 3, 14),
        citizenships=["RU", "IL"],
        abducted_at=ABDUCTED,
        name_variants=[NameVariantInput("Дмитрий Орловский", "Cyrl"), NameVariantInput("דמיטרי אורלובסקי", "Hebr")],
    )
    status_change_record(detainee_id=orlovsky.pk, to_status="held", source="Video <statement> & report", actor=officer)
    cohen = detainee_create(full_name="Yael Cohen", actor=officer, sex="female", citizenships=["IL"])
    return {"orlovsky": orlovsky, "cohen": cohen}


def document(response) -> ET.Element:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/xml")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    root = ET.fromstring(content)  # noqa: S314 - our own export
    assert root.tag == f"{P}pfif"
    return root


def fields_of(element: ET.Element) -> list[str]:
    return [child.tag.removeprefix(P) for child in element]


def assert_valid_pfif_14(root: ET.Element) -> None:
    """Every record's fields in PFIF 1.4's order, its mandatory ones present and non-empty, its
    times in UTC with Z, and note statuses from PFIF's list."""
    for person in root.findall(f"{P}person"):
        names = [n for n in fields_of(person) if n != "note"]
        assert names == [f for f in PERSON_FIELDS if f in names], names  # PFIF's order
        assert fields_of(person)[len(names) :] == ["note"] * len(person.findall(f"{P}note"))  # notes last
        for name in MANDATORY["person"]:
            assert (person.findtext(f"{P}{name}") or "").strip(), name
        for name in ("entry_date", "source_date"):
            assert person.findtext(f"{P}{name}").endswith("Z")
        for note in person.findall(f"{P}note"):
            assert fields_of(note) == [f for f in NOTE_FIELDS if f in fields_of(note)]
            for name in MANDATORY["note"]:
                assert (note.findtext(f"{P}{name}") or "").strip(), name
            assert note.findtext(f"{P}source_date").endswith("Z") and note.findtext(f"{P}entry_date").endswith("Z")
            assert note.findtext(f"{P}status") in NOTE_STATUSES
            assert note.findtext(f"{P}person_record_id") == person.findtext(f"{P}person_record_id")


def test_the_export_is_pfif_14_with_every_person_and_status_change(client, officer, people):
    client.force_login(officer)
    response = client.get("/api/v1/pfif/")
    assert response["ETag"]
    root = document(response)
    assert_valid_pfif_14(root)
    persons = {p.findtext(f"{P}person_record_id"): p for p in root.findall(f"{P}person")}
    orlovsky = persons[f"hostage-tracker.local/{people['orlovsky'].case_ref}"]
    assert orlovsky.findtext(f"{P}full_name") == "Dmitri Orlovsky"
    assert orlovsky.findtext(f"{P}alternate_names").splitlines() == ["Дмитрий Орловский", "דמיטרי אורלובסקי"]
    assert orlovsky.findtext(f"{P}sex") == "male" and orlovsky.findtext(f"{P}date_of_birth") == "1981-03-14"
    assert orlovsky.findtext(f"{P}home_country") == "IL"
    (note,) = orlovsky.findall(f"{P}note")
    change = StatusChange.objects.get(detainee=people["orlovsky"])
    assert note.findtext(f"{P}status") == "believed_alive"
    assert note.findtext(f"{P}source_date") == change.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert note.findtext(f"{P}author_name") == "Hostage Case Tracker"
    assert "Video <statement> & report" in note.findtext(f"{P}text")  # escaped, read back whole
    cohen = persons[f"hostage-tracker.local/{people['cohen'].case_ref}"]
    assert cohen.findall(f"{P}note") == [] and cohen.find(f"{P}date_of_birth") is None  # empty fields left out

    assert client.get("/api/v1/pfif/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    only_ru = document(client.get("/api/v1/pfif/?citizenship=RU"))
    assert [p.findtext(f"{P}full_name") for p in only_ru.findall(f"{P}person")] == ["Dmitri Orlovsky"]
    assert_problem(client.get("/api/v1/pfif/?citizenships=RU"), 400)


def test_a_partner_reads_its_scope_and_never_a_death_the_family_has_not_heard(client, officer, make_user, people):
    partner, _ = partner_ensure(name="Moscow desk", nationalities=["RU"])
    token = token_issue(partner=partner)[1]
    status_record_confirmed(detainee_id=people["orlovsky"].pk, to_status="deceased", source="Forensics", actor=officer)
    root = document(Client().get("/api/v1/pfif/", **bearer(token)))
    assert_valid_pfif_14(root)
    (person,) = root.findall(f"{P}person")  # Cohen (IL only) is not the partner's
    assert person.findtext(f"{P}full_name") == "Dmitri Orlovsky"
    assert [n.findtext(f"{P}status") for n in person.findall(f"{P}note")] == ["believed_alive"]

    client.force_login(officer)
    inside = document(client.get("/api/v1/pfif/?citizenship=RU"))
    assert [n.findtext(f"{P}status") for n in inside.find(f"{P}person").findall(f"{P}note")] == [
        "believed_alive",
        "believed_dead",
    ]
    family_notification_record(
        detainee_id=people["orlovsky"].pk, informed_at=datetime.now(UTC), method="in_person", actor=officer
    )
    told = document(Client().get("/api/v1/pfif/", **bearer(token)))
    assert [n.findtext(f"{P}status") for n in told.find(f"{P}person").findall(f"{P}note")][-1] == "believed_dead"


def test_the_browser_offers_the_filtered_list_as_a_pfif_download(client, analyst, people):
    client.login(username=analyst.username, password=PASSWORD)
    response = client.get("/detainees/export.pfif.xml?citizenship=IL&q=Cohen")
    assert response["Content-Disposition"].startswith('attachment; filename="detainees-')
    root = document(response)
    assert [p.findtext(f"{P}full_name") for p in root.findall(f"{P}person")] == ["Yael Cohen"]
    assert client.get("/detainees/export.pfif.xml?dual=maybe").status_code == 400
    assert "export.pfif.xml" in client.get("/detainees/").content.decode()


def test_our_export_imported_as_a_list_matches_every_person_to_themselves(client, officer):
    """The round trip: the demo registry out as PFIF, back in as a delivered list, matched."""
    demo_seed(detainees=230, seed=1)
    client.force_login(officer)
    content = b"".join(client.get("/api/v1/pfif/").streaming_content)
    channel = channel_create(actor=None, name="Round trip", mediator="Nobody", counterpart="Nobody")
    delivered = list_upload(
        channel_id=channel.pk,
        direction="from_counterpart",
        delivered_by="ourselves",
        file_name="export.xml",
        content=content,
        actor=None,
    )
    list_match(list_id=delivered.pk)
    by_ref = {d.case_ref: str(d.pk) for d in Detainee.objects.all()}
    entries = list(delivered.entries.all())
    assert len(entries) == len(by_ref) == 230 and delivered.file_format == "pfif"
    wrong = [
        (e.full_name, e.candidates[:1])
        for e in entries
        if not e.candidates or e.candidates[0]["detainee"] != by_ref[e.extra["person_record_id"].split("/")[-1]]
    ]
    assert not wrong, wrong
    assert all(e.label == "likely" for e in entries)
    histories = {d.case_ref: d.status_changes.count() for d in Detainee.objects.prefetch_related("status_changes")}
    assert all(len(e.extra.get("notes", [])) == histories[e.extra["person_record_id"].split("/")[-1]] for e in entries)
