"""The pages of delivered lists, as an officer and an analyst use them: upload (with its refusals as
form errors), the progress while matching, the review with its filters, decisions with and without
htmx, a case from a row, the comparison; the query count of a review page does not grow with it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import ChannelMembership, Detainee
from cases.services.detainees import NameVariantInput, detainee_create
from lists.models import DeliveredList
from lists.services.imports import list_match, list_upload
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

CSV = "full_name;date_of_birth;citizenships\nДмитрий Орловский;1981-03-14;RU\nYelena Gromova;;IL\nViktor Pelevin;;RU\n"


@pytest.fixture
def people():
    orlovsky = detainee_create(
        full_name="Dmitri Orlovsky",
        actor=None,
        date_of_birth="1981-03-14",
        citizenships=["IL", "RU"],
        name_variants=[NameVariantInput("דמיטרי אורלובסקי", "Hebr")],
    )
    gromova = detainee_create(full_name="Yelena Gromova", actor=None, citizenships=["IL", "RU"])
    return orlovsky, gromova


def signed_in(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def matched(channel, content=CSV, name="moscow.csv", **fields) -> DeliveredList:
    delivered = list_upload(
        channel_id=channel.pk,
        direction=fields.get("direction", "to_counterpart"),
        delivered_by="Russian MFA",
        file_name=name,
        content=content.encode(),
        actor=None,
    )
    list_match(list_id=delivered.pk)
    delivered.refresh_from_db()
    return delivered


def test_an_officer_uploads_a_list_from_the_browser(client, officer, channel, people):
    signed_in(client, officer)
    form = client.get(f"/lists/new/?channel={channel.pk}")
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.content.decode()
    posted = client.post(
        "/lists/new/",
        {
            "channel": channel.pk,
            "direction": "to_counterpart",
            "delivered_by": "Russian MFA",
            "delivered_at": "2023-10-26T09:00",
            "file": SimpleUploadedFile("moscow.csv", CSV.encode()),
        },
    )
    delivered = DeliveredList.objects.get()
    assert posted.status_code == 302 and posted["Location"] == f"/lists/{delivered.pk}/"
    assert delivered.delivered_at.isoformat() == "2023-10-26T09:00:00+00:00" and delivered.created_by == officer

    again = client.post(
        "/lists/new/",
        {
            "channel": channel.pk,
            "direction": "to_counterpart",
            "delivered_by": "MFA",
            "file": SimpleUploadedFile("copy.csv", CSV.encode()),
        },
    )
    assert again.status_code == 400
    assert "imported for this channel already" in again.content.decode()
    assert f'href="/lists/{delivered.pk}/"' in again.content.decode()
    bad = client.post(
        "/lists/new/",
        {
            "channel": channel.pk,
            "direction": "to_counterpart",
            "delivered_by": "MFA",
            "file": SimpleUploadedFile("bad.csv", b"name,dob\nDana,1990\n"),
        },
    )
    assert bad.status_code == 400 and "Columns found: name, dob" in bad.content.decode()
    assert DeliveredList.objects.count() == 1


def test_the_progress_shows_while_matching_and_the_page_reloads_when_done(client, officer, channel, people):
    delivered = list_upload(
        channel_id=channel.pk,
        direction="to_counterpart",
        delivered_by="MFA",
        file_name="m.csv",
        content=CSV.encode(),
        actor=officer,
    )
    signed_in(client, officer)
    page = client.get(f"/lists/{delivered.pk}/").content.decode()
    assert '<progress id="progress-bar" value="0" max="3">' in page and 'hx-trigger="every 1s"' in page
    polled = client.get(f"/lists/{delivered.pk}/progress/", HTTP_HX_REQUEST="true")
    assert polled.status_code == 200 and "HX-Refresh" not in polled
    list_match(list_id=delivered.pk)
    done = client.get(f"/lists/{delivered.pk}/progress/", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true" and 'value="3" max="3"' in done.content.decode()


def test_the_review_shows_rows_beside_candidates_and_filters(client, analyst, channel, people):
    delivered = matched(channel)
    signed_in(client, analyst)
    page = client.get(f"/lists/{delivered.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Дмитрий Орловский" in html and "דמיטרי אורלובסקי" in html  # the row, and the candidate in every script
    assert people[0].case_ref in html and "date of birth equal" in html
    assert "data-key=" not in html and "review.js" not in html  # an analyst reads, does not decide
    likely = client.get(f"/lists/{delivered.pk}/?label=none").content.decode()
    assert "Viktor Pelevin" in likely and "Yelena Gromova" not in likely
    refused = client.get(f"/lists/{delivered.pk}/?labl=none")
    assert refused.status_code == 400 and "Viktor Pelevin" not in refused.content.decode()
    assert (
        client.post(
            f"/lists/{delivered.pk}/entries/{delivered.entries.first().pk}/decision/", {"decision": "confirmed"}
        ).status_code
        == 403
    )


def test_an_officer_decides_in_place_with_htmx_and_without(client, officer, channel, people):
    delivered = matched(channel)
    signed_in(client, officer)
    first, second, third = delivered.entries.order_by("row")
    swapped = client.post(
        f"/lists/{delivered.pk}/entries/{first.pk}/decision/",
        {"decision": "confirmed", "detainee": str(people[0].pk), "next": f"/lists/{delivered.pk}/?label=likely"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver/lists/{delivered.pk}/?label=likely",
    )
    html = swapped.content.decode()
    assert swapped.status_code == 200 and html.lstrip().startswith("<tbody") and "Confirmed" in html
    assert f'value="/lists/{delivered.pk}/?label=likely"' in html  # the filters survive the swap
    assert ChannelMembership.objects.filter(channel=channel, detainee=people[0], role="requested").exists()

    plain = client.post(
        f"/lists/{delivered.pk}/entries/{second.pk}/decision/",
        {"decision": "unsure", "next": "https://elsewhere.example/"},
    )
    assert plain.status_code == 302 and plain["Location"] == f"/lists/{delivered.pk}/#entry-{second.pk}"
    second.refresh_from_db()
    assert second.decision == "unsure"

    created = client.post(f"/lists/{delivered.pk}/entries/{third.pk}/new-detainee/")
    assert created.status_code == 302
    case = Detainee.objects.get(full_name="Viktor Pelevin")
    assert case.case_ref in client.get(created["Location"]).content.decode()

    undone = client.post(f"/lists/{delivered.pk}/entries/{first.pk}/undo/", HTTP_HX_REQUEST="true")
    assert "Not decided" in undone.content.decode()
    assert not ChannelMembership.objects.filter(channel=channel, detainee=people[0]).exists()


def test_a_review_page_costs_the_same_queries_for_10_or_50_rows(client, officer, channel, people):
    small = matched(channel, "full_name\n" + "Dmitri Orlovsky\n" * 10, name="small.csv")
    large = matched(channel, "full_name\n" + "Yelena Gromova\nDmitri Orlovsky\n" * 25, name="large.csv")
    signed_in(client, officer)
    counts = []
    for delivered in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/lists/{delivered.pk}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_comparison_page(client, analyst, channel, people):
    first = matched(channel)
    second = matched(channel, "full_name\nYelena Gromova\nAmir Haddad\n", name="later.csv")
    signed_in(client, analyst)
    html = client.get(f"/lists/{second.pk}/compare/").content.decode()
    assert "Amir Haddad" in html and "Viktor Pelevin" in html and people[1].case_ref in html
    assert client.get(f"/lists/{second.pk}/compare/?with={first.pk}").status_code == 200
    assert client.get(f"/lists/{second.pk}/compare/?with=nope").status_code == 302
    channel_page = client.get(f"/channels/{channel.pk}/").content.decode()
    assert "later.csv" in channel_page and "moscow.csv" in channel_page
