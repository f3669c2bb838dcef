"""Receiving a delivered list: the refusals (whole file, nothing stored), bad rows kept and flagged,
the same file twice refused, and its rows matched against the registry across scripts."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from lists.models import DeliveredList, ListEntry
from lists.parsing import MAX_ROWS
from lists.services.imports import ListAlreadyImported, list_match, list_upload
from tests.stack import wait_until

pytestmark = pytest.mark.django_db


def upload(channel, content: bytes, name: str = "list.csv", **fields):
    return list_upload(
        channel_id=channel.pk,
        direction=fields.pop("direction", "to_counterpart"),
        delivered_by=fields.pop("delivered_by", "Russian MFA"),
        file_name=name,
        content=content,
        actor=None,
        **fields,
    )


CSV = (
    "Full Name;Other Names;Date of Birth;Citizenships;Sex;Passport\n"
    "Дмитрий Орловский;Dmitriy Orlovskiy;1981-03-14;RU,IL;m;72 1234\n"
    "Елена Громова;;1986-07-02;RU;f;\n"
    "יעל כהן;;;IL;;\n"
    "Виктор Пелевин;;1962-11-22;RU;m;\n"
    "Anna Gromova;;31.02.1990;XX;;\n"
).encode()


def refused(channel, content: bytes, name: str = "list.csv") -> str:
    with pytest.raises(ValidationError) as caught:
        upload(channel, content, name)
    assert not DeliveredList.objects.exists() and not ListEntry.objects.exists()  # nothing half-imported
    return " ".join(caught.value.message_dict["file"])


def test_files_that_cannot_be_lists_are_refused_saying_why(channel):
    assert "Columns found: name, dob" in refused(channel, b"name,dob\nDana,1990-01-01\n")
    assert "not UTF-8" in refused(channel, "full_name\nJosé\n".encode("latin-1"))
    assert "at most 10,485,760" in refused(channel, b"full_name\n" + b"x" * (10 * 1024 * 1024))
    rows = "full_name\n" + "Dana Levi\n" * (MAX_ROWS + 1)
    assert f"at most {MAX_ROWS:,}" in refused(channel, rows.encode())
    assert "empty" in refused(channel, b"\n\n")
    assert "not a readable XLSX" in refused(channel, b"PK\x03\x04broken", "list.xlsx")


def test_a_list_is_stored_with_its_bad_rows_flagged_and_refused_the_second_time(channel, registry):
    delivered = upload(channel, CSV)
    assert delivered.status == "importing" and delivered.row_count == 5 and delivered.file_format == "csv"
    rows = {e.row: e for e in delivered.entries.all()}
    assert rows[2].other_names == ["Dmitriy Orlovskiy"] and rows[2].citizenships == ["RU", "IL"]
    assert rows[2].sex == "male" and rows[2].extra == {"passport": "72 1234"}
    bad = rows[6]
    assert bad.full_name == "Anna Gromova" and bad.date_of_birth is None
    assert any("31.02.1990" in p for p in bad.problems) and any("'XX'" in p for p in bad.problems)

    with pytest.raises(ListAlreadyImported) as caught:
        upload(channel, CSV, name="again.csv", delivered_by="Someone else")
    assert "'list.csv'" in caught.value.message and str(delivered.pk) in caught.value.message
    assert DeliveredList.objects.count() == 1


def test_rows_are_matched_across_scripts_with_their_reasons(channel, registry):
    delivered = upload(channel, CSV)
    list_match(list_id=delivered.pk)
    delivered.refresh_from_db()
    assert delivered.status == "ready" and delivered.rows_matched == 5
    rows = {e.row: e for e in delivered.entries.all()}
    best = rows[2].candidates[0]
    assert best["detainee"] == str(registry["orlovsky"].pk) and best["label"] == "likely"
    assert "date of birth equal" in best["reasons"] and "citizenship in common" in best["reasons"]
    assert rows[3].candidates[0]["detainee"] == str(registry["gromova"].pk) and rows[3].label == "likely"
    assert rows[4].candidates[0]["detainee"] == str(registry["cohen"].pk)  # Hebrew, vowels unwritten
    assert rows[5].label == "none" and rows[5].candidates == []  # not in the registry
    # Yelena's sister is not Yelena: whoever comes first, no candidate is likely.
    assert rows[6].label != "likely"


def test_an_xlsx_list_is_read_like_a_csv(channel, registry):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["full_name", "date_of_birth", "citizenships"])
    sheet.append(["Orlovsky Dmitri", date(1981, 3, 14), "IL"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    delivered = upload(channel, buffer.getvalue(), name="handed-back.xlsx", direction="from_counterpart")
    list_match(list_id=delivered.pk)
    (entry,) = delivered.entries.all()
    assert delivered.file_format == "xlsx" and entry.date_of_birth == date(1981, 3, 14)
    assert entry.candidates[0]["detainee"] == str(registry["orlovsky"].pk) and entry.label == "likely"


def test_the_command_imports_a_list_and_refuses_clearly(channel, registry, tmp_path):
    path = tmp_path / "moscow.csv"
    path.write_bytes(CSV)
    call_command("import_list", "--channel", str(channel.pk), "--file", str(path), "--delivered-by", "Russian MFA")
    assert DeliveredList.objects.get().row_count == 5
    with pytest.raises(CommandError, match="imported for this channel already"):
        call_command("import_list", "--channel", str(channel.pk), "--file", str(path), "--delivered-by", "MFA")
    with pytest.raises(CommandError, match="channel: No such channel"):
        call_command("import_list", "--channel", "nope", "--file", str(path), "--delivered-by", "MFA")


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_matches_a_list_in_the_background_with_progress(alert_stack, channel, registry):
    alert_stack.worker(beat=False)
    names = ["Дмитрий Орловский", "Елена Громова", "Илья Громов", "יעל כהן"] * 60
    content = ("full_name\n" + "\n".join(f"{n}" for n in names) + "\n").encode()
    delivered = upload(channel, content)
    seen = set()

    def done():
        state = DeliveredList.objects.values_list("status", "rows_matched").get(pk=delivered.pk)
        seen.add(state[1])
        return state[0] == "ready"

    wait_until(done, timeout=180, what="the list matched", interval=0.05)
    assert len([n for n in seen if 0 < n < len(names)]) >= 1, seen  # progress showed while it ran
    assert ListEntry.objects.filter(delivered_list=delivered, label="likely").count() == len(names)


def test_admins_read_lists_in_the_admin_and_cannot_change_them(client, admin_user, channel, registry):
    from tests.factories import PASSWORD

    delivered = upload(channel, CSV)
    client.login(username=admin_user.username, password=PASSWORD)
    page = client.get("/admin/lists/deliveredlist/")
    assert page.status_code == 200 and page.context["cl"].result_count == 1
    detail = client.get(f"/admin/lists/deliveredlist/{delivered.pk}/change/")
    assert detail.status_code == 200 and "Виктор Пелевин" in detail.content.decode()
    assert client.get("/admin/lists/deliveredlist/add/").status_code == 403
    assert client.get("/admin/lists/listentry/").status_code == 200


PFIF = """<?xml version="1.0" encoding="UTF-8"?>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">
  <pfif:person>
    <pfif:person_record_id>counterpart.example/p1</pfif:person_record_id>
    <pfif:entry_date>2023-11-02T10:00:00Z</pfif:entry_date>
    <pfif:source_name>Counterpart list (fictional)</pfif:source_name>
    <pfif:full_name>Дмитрий Орловский</pfif:full_name>
    <pfif:alternate_names>Dmitri Orlovsky
Dmitriy Orlovskiy</pfif:alternate_names>
    <pfif:sex>male</pfif:sex>
    <pfif:date_of_birth>1981-03-14</pfif:date_of_birth>
    <pfif:home_country>RU</pfif:home_country>
    <pfif:note>
      <pfif:note_record_id>counterpart.example/n1</pfif:note_record_id>
      <pfif:person_record_id>counterpart.example/p1</pfif:person_record_id>
      <pfif:entry_date>2023-11-02T10:00:00Z</pfif:entry_date>
      <pfif:author_name>Counterpart</pfif:author_name>
      <pfif:source_date>2023-11-01T08:00:00Z</pfif:source_date>
      <pfif:status>believed_alive</pfif:status>
      <pfif:text>Said to be held.</pfif:text>
    </pfif:note>
  </pfif:person>
  <pfif:person>
    <pfif:person_record_id>counterpart.example/p2</pfif:person_record_id>
    <pfif:given_name>Yelena</pfif:given_name>
    <pfif:family_name>Gromova</pfif:family_name>
    <pfif:sex>female</pfif:sex>
    <pfif:date_of_birth>1986</pfif:date_of_birth>
    <pfif:home_country>XX</pfif:home_country>
  </pfif:person>
  <pfif:note>
    <pfif:note_record_id>counterpart.example/n2</pfif:note_record_id>
    <pfif:person_record_id>counterpart.example/p2</pfif:person_record_id>
    <pfif:status>information_sought</pfif:status>
    <pfif:text>Location unknown.</pfif:text>
  </pfif:note>
</pfif:pfif>
"""


def test_a_pfif_document_is_read_as_a_list_with_its_notes(channel, registry):
    delivered = upload(channel, PFIF.encode(), name="handed-back.xml", direction="from_counterpart")
    list_match(list_id=delivered.pk)
    first, second = delivered.entries.order_by("row")
    assert delivered.file_format == "pfif" and (first.row, second.row) == (1, 2)
    assert first.full_name == "Дмитрий Орловский" and first.other_names == ["Dmitri Orlovsky", "Dmitriy Orlovskiy"]
    assert first.sex == "male" and first.date_of_birth == date(1981, 3, 14) and first.citizenships == ["RU"]
    assert first.extra["person_record_id"] == "counterpart.example/p1"
    assert first.extra["notes"] == [
        {
            "note_record_id": "counterpart.example/n1",
            "entry_date": "2023-11-02T10:00:00Z",
            "author_name": "Counterpart",
            "source_date": "2023-11-01T08:00:00Z",
            "status": "believed_alive",
            "text": "Said to be held.",
        }
    ]
    assert first.candidates[0]["detainee"] == str(registry["orlovsky"].pk) and first.label == "likely"
    # Given and family name make the full name; a year alone is kept, not matched on; a bad country flagged.
    assert second.full_name == "Yelena Gromova" and second.date_of_birth is None
    assert second.extra["date_of_birth_partial"] == "1986" and second.extra["notes"][0]["text"] == "Location unknown."
    assert any("'XX'" in p for p in second.problems)
    assert second.candidates[0]["detainee"] == str(registry["gromova"].pk)


def test_older_pfif_and_files_that_are_not_pfif(channel):
    old = (
        '<pfif xmlns="http://zesty.ca/pfif/1.2"><person><first_name>Yael</first_name>'
        "<last_name>Cohen</last_name></person></pfif>"
    )
    delivered = upload(channel, old.encode(), name="old.xml")
    assert [e.full_name for e in delivered.entries.all()] == ["Yael Cohen"]
    DeliveredList.objects.all().delete()
    entities = '<?xml version="1.0"?><!DOCTYPE pfif [<!ENTITY a "aaaa">]><pfif xmlns="http://zesty.ca/pfif/1.4"/>'
    assert "DOCTYPE" in refused(channel, entities.encode(), "list.xml")
    assert "not a PFIF document" in refused(channel, b"<people><person/></people>", "list.xml")
    assert "not well-formed" in refused(channel, b"<pfif xmlns='http://zesty.ca/pfif/1.4'><person>", "list.xml")
    assert "no person records" in refused(channel, b"<pfif xmlns='http://zesty.ca/pfif/1.4'></pfif>", "list.xml")
