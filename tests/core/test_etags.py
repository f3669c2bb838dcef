"""REST API v1, conditional requests: strong ETags on every GET, 304 on a matching If-None-Match,
a new ETag after every write, and 412 (nothing changed) on a stale If-Match.

DESIGN.md "Conditional requests". The collection ETags follow committed writes, so the tests that
watch a list's ETag change run with real commits (transaction=True).
"""

import json
from datetime import UTC, datetime

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases.choices import Status
from cases.models import Detainee, NegotiationChannel, StatusChange
from cases.services.channels import channel_create, channel_event_record, channel_update
from cases.services.detainees import detainee_create, detainee_update
from cases.services.status_changes import status_change_record
from partners.services.partners import partner_ensure
from partners.services.tokens import token_issue
from tests.api_helpers import assert_problem, bearer

ABDUCTED = datetime(2023, 10, 7, 4, 0, tzinfo=UTC)


# --- helpers ---------------------------------------------------------------------------------------


def write(client: Client, method: str, path: str, token: str, body, **extra):
    return getattr(client, method)(
        path, data=json.dumps(body), content_type="application/json", **bearer(token), **extra
    )


def etag_of(response) -> str:
    assert response.status_code == 200, response.content
    assert response.has_header("ETag"), "a GET must answer with an ETag"
    tag = response["ETag"]
    assert not tag.startswith("W/"), f"weak ETag {tag}"
    assert len(tag) >= 3 and tag.startswith('"') and tag.endswith('"'), tag
    return tag


def get(client: Client, path: str, token: str, **headers):
    return client.get(path, headers=headers, **bearer(token))


def assert_not_modified(response, tag: str) -> None:
    assert response.status_code == 304, response.content
    assert response.content == b""
    assert response["ETag"] == tag


def read_paths(people: dict) -> list[str]:
    detainee, channel = people["detainee"], people["channel"]
    return [
        "/api/v1/detainees/",
        "/api/v1/detainees/?citizenship=RU&page_size=10",
        f"/api/v1/detainees/{detainee.pk}/",
        f"/api/v1/detainees/{detainee.pk}/status-changes/",
        "/api/v1/channels/",
        f"/api/v1/channels/{channel.pk}/",
        f"/api/v1/channels/{channel.pk}/events/",
        "/api/v1/stats/?by=citizenship,status",
        "/api/v1/changes/",
        "/api/v1/changes/?limit=5",
    ]


def make_world(officer) -> dict:
    detainee = detainee_create(
        full_name="Aleksandr Lisovsky", actor=None, citizenships=["RU", "IL"], abducted_at=ABDUCTED, notes="Internal"
    )
    other = detainee_create(full_name="Michal Harel", actor=None, citizenships=["IL"], abducted_at=ABDUCTED)
    status_change_record(detainee_id=detainee.pk, to_status=Status.HELD, source="Video", actor=officer)
    channel = channel_create(
        actor=None,
        name="Moscow consultations",
        mediator="Russian MFA",
        counterpart="Hamas",
        members=[(detainee.pk, "requested"), (other.pk, "discussed")],
    )
    channel_event_record(
        channel_id=channel.pk,
        actor=None,
        kind="meeting",
        occurred_at=datetime(2023, 10, 26, 11, 0, tzinfo=UTC),
        summary="Delegation received",
        source="TASS",
    )
    return {"detainee": Detainee.objects.get(pk=detainee.pk), "other": other, "channel": channel}


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def officer_token(officer):
    return token_issue(user=officer)[1]


@pytest.fixture
def analyst_token(analyst):
    return token_issue(user=analyst)[1]


@pytest.fixture
def moscow_token(roles):
    partner, _ = partner_ensure(name="Moscow desk", nationalities=["RU"])
    return token_issue(partner=partner)[1]


# --- strong ETags and 304 --------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_get_has_a_strong_etag_and_a_match_is_a_304_without_a_body(client, officer, officer_token):
    world = make_world(officer)
    for path in read_paths(world):
        first = get(client, path, officer_token)
        tag = etag_of(first)
        assert first.content, path
        assert_not_modified(get(client, path, officer_token, **{"If-None-Match": tag}), tag)


@pytest.mark.django_db
def test_the_schema_has_a_strong_etag(client, officer_token):
    response = get(client, "/api/v1/schema/", officer_token)
    tag = etag_of(response)
    assert_not_modified(get(client, "/api/v1/schema/", officer_token, **{"If-None-Match": tag}), tag)


@pytest.mark.django_db
def test_a_partner_gets_etags_and_304s_too(client, officer, moscow_token):
    world = make_world(officer)
    for path in read_paths(world):
        tag = etag_of(get(client, path, moscow_token))
        assert_not_modified(get(client, path, moscow_token, **{"If-None-Match": tag}), tag)


@pytest.mark.django_db
def test_if_none_match_lists_and_weak_forms_match(client, officer, officer_token):
    world = make_world(officer)
    path = f"/api/v1/detainees/{world['detainee'].pk}/"
    tag = etag_of(get(client, path, officer_token))
    assert_not_modified(get(client, path, officer_token, **{"If-None-Match": f'"other", {tag}'}), tag)
    assert_not_modified(get(client, path, officer_token, **{"If-None-Match": f"W/{tag}"}), tag)


@pytest.mark.django_db
def test_a_non_matching_if_none_match_gets_the_full_response(client, officer, officer_token):
    world = make_world(officer)
    for path in read_paths(world):
        tag = etag_of(get(client, path, officer_token))
        response = get(client, path, officer_token, **{"If-None-Match": '"not-the-current-tag"'})
        assert response.status_code == 200, path
        assert response.content and response["ETag"] == tag


@pytest.mark.django_db
def test_different_representations_have_different_etags(client, officer, officer_token, analyst_token, moscow_token):
    world = make_world(officer)
    path = f"/api/v1/detainees/{world['detainee'].pk}/"
    with_notes = get(client, path, officer_token)
    without_notes = get(client, path, analyst_token)
    assert "notes" in with_notes.json() and "notes" not in without_notes.json()
    assert etag_of(with_notes) != etag_of(without_notes)
    # An analyst's ETag does not unlock an officer's representation, nor the other way round.
    response = get(client, path, analyst_token, **{"If-None-Match": etag_of(with_notes)})
    assert response.status_code == 200 and "notes" not in response.json()

    everyone = get(client, "/api/v1/detainees/", analyst_token)
    scoped = get(client, "/api/v1/detainees/", moscow_token)
    assert len(everyone.json()["results"]) == 2 and len(scoped.json()["results"]) == 1
    assert etag_of(everyone) != etag_of(scoped)
    response = get(client, "/api/v1/detainees/", moscow_token, **{"If-None-Match": etag_of(everyone)})
    assert response.status_code == 200 and len(response.json()["results"]) == 1


@pytest.mark.django_db
def test_different_queries_have_different_etags(client, officer, officer_token):
    make_world(officer)
    all_rows = get(client, "/api/v1/detainees/", officer_token)
    russians = get(client, "/api/v1/detainees/?citizenship=RU", officer_token)
    assert len(all_rows.json()["results"]) != len(russians.json()["results"])
    assert etag_of(all_rows) != etag_of(russians)


@pytest.mark.django_db
def test_a_304_does_not_build_the_page(client, officer, officer_token):
    make_world(officer)
    path = "/api/v1/detainees/?page_size=100"
    tag = etag_of(get(client, path, officer_token))
    with CaptureQueriesContext(connection) as full:
        get(client, path, officer_token, **{"If-None-Match": '"stale"'})
    with CaptureQueriesContext(connection) as cached:
        assert_not_modified(get(client, path, officer_token, **{"If-None-Match": tag}), tag)
    assert len(cached.captured_queries) < len(full.captured_queries)
    page_tables = ("cases_namevariant", "cases_citizenship", "cases_channelmembership")
    for query in cached.captured_queries:
        assert not any(table in query["sql"] for table in page_tables), query["sql"]


# --- the detail's ETag follows every change --------------------------------------------------------


@pytest.mark.django_db
def test_the_detail_etag_changes_after_every_kind_of_write(client, officer, officer_token):
    world = make_world(officer)
    detainee, channel = world["detainee"], world["channel"]
    path = f"/api/v1/detainees/{detainee.pk}/"
    seen = [etag_of(get(client, path, officer_token))]

    def changed() -> str:
        response = get(client, path, officer_token, **{"If-None-Match": seen[-1]})
        assert response.status_code == 200, "a stale ETag got a 304"
        tag = etag_of(response)
        assert tag not in seen
        seen.append(tag)
        return tag

    assert write(client, "patch", path, officer_token, {"abduction_place": "Kfar Rimon"}).status_code == 200
    changed()
    body = {"to_status": "release_pending", "source": "Statement"}
    assert write(client, "post", f"{path}status-changes/", officer_token, body).status_code == 201
    changed()
    channel_update(channel_id=channel.pk, actor=None, name="Moscow track")  # the detainee shows channel names
    changed()
    channel_create(
        actor=None, name="Doha talks", mediator="Qatar", counterpart="Hamas", members=[(detainee.pk, "discussed")]
    )
    changed()
    detainee_update(detainee_id=detainee.pk, actor=None, citizenships=["RU"])
    changed()


@pytest.mark.django_db
def test_a_write_response_carries_the_new_etag(client, officer, officer_token):
    world = make_world(officer)
    path = f"/api/v1/detainees/{world['detainee'].pk}/"
    response = write(client, "patch", path, officer_token, {"abduction_place": "Nir Shalem"})
    assert response.status_code == 200
    tag = response["ETag"]
    assert not tag.startswith("W/")
    assert_not_modified(get(client, path, officer_token, **{"If-None-Match": tag}), tag)


# --- If-Match: 412 and nothing changed -------------------------------------------------------------


@pytest.mark.django_db
def test_patch_with_a_stale_if_match_is_a_412_and_changes_nothing(client, officer, officer_token):
    world = make_world(officer)
    detainee = world["detainee"]
    path = f"/api/v1/detainees/{detainee.pk}/"
    stale = etag_of(get(client, path, officer_token))
    # Someone else edits meanwhile.
    detainee_update(detainee_id=detainee.pk, actor=officer, abduction_place="Kibbutz Givat Oren")
    before = get(client, path, officer_token).json()

    response = write(client, "patch", path, officer_token, {"full_name": "Overwritten"}, HTTP_IF_MATCH=stale)
    assert_problem(response, 412)
    after = get(client, path, officer_token).json()
    assert after == before
    assert after["full_name"] == "Aleksandr Lisovsky" and after["abduction_place"] == "Kibbutz Givat Oren"


@pytest.mark.django_db
def test_patch_with_the_current_if_match_succeeds(client, officer, officer_token):
    world = make_world(officer)
    path = f"/api/v1/detainees/{world['detainee'].pk}/"
    current = etag_of(get(client, path, officer_token))
    response = write(client, "patch", path, officer_token, {"full_name": "Alexander Lisovsky"}, HTTP_IF_MATCH=current)
    assert response.status_code == 200, response.content
    assert response.json()["full_name"] == "Alexander Lisovsky"
    # The new ETag allows the next edit; the old one no longer does.
    new = response["ETag"]
    assert new != current
    assert_problem(write(client, "patch", path, officer_token, {"sex": "male"}, HTTP_IF_MATCH=current), 412)
    assert write(client, "patch", path, officer_token, {"sex": "male"}, HTTP_IF_MATCH=new).status_code == 200


@pytest.mark.django_db
def test_if_match_uses_strong_comparison(client, officer, officer_token):
    world = make_world(officer)
    path = f"/api/v1/detainees/{world['detainee'].pk}/"
    current = etag_of(get(client, path, officer_token))
    response = write(
        client, "patch", path, officer_token, {"full_name": "Weakly Matched"}, HTTP_IF_MATCH=f"W/{current}"
    )
    assert_problem(response, 412)
    assert Detainee.objects.get(pk=world["detainee"].pk).full_name == "Aleksandr Lisovsky"
    listed = write(client, "patch", path, officer_token, {"full_name": "Listed"}, HTTP_IF_MATCH=f'"nope", {current}')
    assert listed.status_code == 200, listed.content


@pytest.mark.django_db
def test_a_status_change_with_a_stale_if_match_is_a_412_and_records_nothing(client, officer, officer_token):
    world = make_world(officer)
    detainee = world["detainee"]
    path = f"/api/v1/detainees/{detainee.pk}/"
    stale = etag_of(get(client, path, officer_token))
    detainee_update(detainee_id=detainee.pk, actor=officer, abduction_place="Kibbutz Givat Oren")
    body = {"to_status": "released", "source": "Press"}
    response = write(client, "post", f"{path}status-changes/", officer_token, body, HTTP_IF_MATCH=stale)
    assert_problem(response, 412)
    detainee.refresh_from_db()
    assert detainee.status == Status.HELD
    assert StatusChange.objects.filter(detainee=detainee).count() == 1

    current = etag_of(get(client, path, officer_token))
    response = write(client, "post", f"{path}status-changes/", officer_token, body, HTTP_IF_MATCH=current)
    assert response.status_code == 201, response.content
    detainee.refresh_from_db()
    assert detainee.status == Status.RELEASED


@pytest.mark.django_db
def test_a_status_change_makes_the_detail_etag_stale_for_if_match(client, officer, officer_token):
    world = make_world(officer)
    detainee = world["detainee"]
    path = f"/api/v1/detainees/{detainee.pk}/"
    tag = etag_of(get(client, path, officer_token))
    status_change_record(detainee_id=detainee.pk, to_status=Status.RELEASE_PENDING, source="Statement", actor=officer)
    response = write(client, "patch", path, officer_token, {"abduction_place": "X"}, HTTP_IF_MATCH=tag)
    assert_problem(response, 412)
    body = {"to_status": "released", "source": "Press"}
    assert_problem(write(client, "post", f"{path}status-changes/", officer_token, body, HTTP_IF_MATCH=tag), 412)
    detainee.refresh_from_db()
    assert detainee.status == Status.RELEASE_PENDING and detainee.abduction_place == ""


@pytest.mark.django_db
def test_a_channel_edit_with_a_stale_if_match_is_a_412(client, officer, officer_token):
    world = make_world(officer)
    path = f"/api/v1/channels/{world['channel'].pk}/"
    response = write(client, "patch", path, officer_token, {"status": "closed"}, HTTP_IF_MATCH='"not-current"')
    assert_problem(response, 412)
    assert NegotiationChannel.objects.get(pk=world["channel"].pk).status == "active"


@pytest.mark.django_db
def test_without_if_match_writes_are_unconditional(client, officer, officer_token):
    world = make_world(officer)
    path = f"/api/v1/detainees/{world['detainee'].pk}/"
    assert write(client, "patch", path, officer_token, {"abduction_place": "Kfar Rimon"}).status_code == 200


# --- collection ETags follow committed writes ------------------------------------------------------


def poll(client: Client, path: str, token: str, tag: str):
    return get(client, path, token, **{"If-None-Match": tag})


@pytest.mark.django_db(transaction=True)
def test_collection_etags_change_after_a_write(client, officer, officer_token):
    world = make_world(officer)
    detainee, channel = world["detainee"], world["channel"]
    paths = read_paths(world)
    tags = {path: etag_of(get(client, path, officer_token)) for path in paths}

    assert (
        write(
            client, "patch", f"/api/v1/detainees/{detainee.pk}/", officer_token, {"full_name": "A. Lisovsky"}
        ).status_code
        == 200
    )
    body = {"to_status": "release_pending", "source": "Statement"}
    assert (
        write(client, "post", f"/api/v1/detainees/{detainee.pk}/status-changes/", officer_token, body).status_code
        == 201
    )
    event = {"kind": "statement", "occurred_at": "2023-10-27T10:00:00Z", "summary": "S", "source": "P"}
    assert write(client, "post", f"/api/v1/channels/{channel.pk}/events/", officer_token, event).status_code == 201

    for path in paths:
        response = poll(client, path, officer_token, tags[path])
        assert response.status_code == 200, f"{path}: a stale ETag got {response.status_code}"
        assert etag_of(response) != tags[path], path


@pytest.mark.django_db(transaction=True)
def test_the_list_etag_changes_when_a_row_is_added(client, officer, officer_token):
    make_world(officer)
    tag = etag_of(get(client, "/api/v1/detainees/", officer_token))
    created = write(client, "post", "/api/v1/detainees/", officer_token, {"full_name": "New Person"})
    assert created.status_code == 201
    response = poll(client, "/api/v1/detainees/", officer_token, tag)
    assert response.status_code == 200
    assert "New Person" in {r["full_name"] for r in response.json()["results"]}


@pytest.mark.django_db(transaction=True)
def test_a_list_poll_sees_a_committed_write_while_another_transaction_is_open(client, officer, officer_token):
    """A long-running transaction elsewhere (an import, a worker) must not make a stale ETag match."""
    world = make_world(officer)
    path = "/api/v1/detainees/"
    get(client, path, officer_token)  # the token's first use is recorded now, not in the middle
    settings = connection.settings_dict
    params = {
        "dbname": settings["NAME"],
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
    }
    other = psycopg.connect(**{k: v for k, v in params.items() if v is not None})
    try:
        other.execute("SELECT pg_current_xact_id()")  # holds a transaction id, open until rolled back
        tag = etag_of(get(client, path, officer_token))
        patched = write(
            client, "patch", f"/api/v1/detainees/{world['detainee'].pk}/", officer_token, {"full_name": "Renamed"}
        )
        assert patched.status_code == 200
        response = poll(client, path, officer_token, tag)
        assert response.status_code == 200, "the list changed but the old ETag still matched (304)"
        assert "Renamed" in {r["full_name"] for r in response.json()["results"]}
    finally:
        other.rollback()
        other.close()


@pytest.mark.django_db(transaction=True)
def test_polling_stays_cheap_when_nothing_visible_changed(client, officer, moscow_token):
    """An unrelated write (another client's token used for the first time) must not invalidate a partner's poll."""
    make_world(officer)
    path = "/api/v1/detainees/"
    get(client, path, moscow_token)
    tag = etag_of(get(client, path, moscow_token))
    assert_not_modified(poll(client, path, moscow_token, tag), tag)
    unrelated = token_issue(user=officer)[1]  # a committed write no API reader can see
    assert client.get("/api/v1/stats/?by=status", **bearer(unrelated)).status_code == 200
    assert_not_modified(poll(client, path, moscow_token, tag), tag)


PARTNER_COLLECTIONS = ("/api/v1/detainees/", "/api/v1/channels/", "/api/v1/stats/?by=citizenship")
FEED = "/api/v1/changes/"


def partner_tags(client, token) -> dict[str, str]:
    return {path: etag_of(get(client, path, token)) for path in PARTNER_COLLECTIONS}


def assert_partner_sees(client, token, tags: dict[str, str], *, changed: bool) -> None:
    for path, tag in tags.items():
        response = poll(client, path, token, tag)
        if changed:
            assert response.status_code == 200, f"{path}: the partner's view changed but its old ETag matched"
        else:
            assert_not_modified(response, tag)


@pytest.mark.django_db(transaction=True)
def test_a_partners_collection_etags_follow_only_its_own_nationalities(client, officer, moscow_token, officer_token):
    """Writes about cases a partner may not see leave its polls at 304 (and tell it nothing); every
    kind of change to what it may see, a case leaving its scope included, gives it a new ETag."""
    world = make_world(officer)
    israeli, dual = world["other"], world["detainee"]
    israeli_channel = channel_create(
        actor=None, name="Doha track", mediator="Qatar", counterpart="Hamas", members=[(israeli.pk, "requested")]
    )
    tags = partner_tags(client, moscow_token)
    officer_tag = etag_of(get(client, "/api/v1/detainees/", officer_token))
    tail = f"{FEED}?after={get(client, FEED, moscow_token).json()['next_cursor']}"
    feed = get(client, tail, moscow_token)

    # Out of its scope: a status change, an edit, a channel of IL cases renamed, an IL case linked.
    status_change_record(detainee_id=israeli.pk, to_status=Status.HELD, source="Video", actor=officer)
    detainee_update(detainee_id=israeli.pk, actor=officer, abduction_place="Be'eri")
    channel_update(channel_id=israeli_channel.pk, actor=officer, name="Doha track (renamed)")
    detainee_create(full_name="Noa Peretz", actor=None, citizenships=["IL"], abducted_at=ABDUCTED)
    assert_partner_sees(client, moscow_token, tags, changed=False)
    assert poll(client, "/api/v1/detainees/", officer_token, officer_tag).status_code == 200  # all see it
    # The feed's body moves its cursor past events the partner does not get: a new body, a new ETag.
    again = poll(client, tail, moscow_token, etag_of(feed))
    assert again.status_code == 200
    assert again.json()["results"] == []
    assert again.json()["next_cursor"] != feed.json()["next_cursor"]

    # Within it, each kind of change is seen:
    changes = [
        lambda: detainee_update(detainee_id=dual.pk, actor=officer, abduction_place="Nir Oz"),
        lambda: status_change_record(detainee_id=dual.pk, to_status=Status.RELEASED, source="IDF", actor=officer),
        lambda: channel_update(channel_id=world["channel"].pk, actor=officer, name="Moscow talks"),
        lambda: detainee_create(full_name="Yelena Trufanova", actor=None, citizenships=["RU"], abducted_at=ABDUCTED),
        # the dual citizen leaves the scope: the partner's list loses them
        lambda: detainee_update(detainee_id=dual.pk, actor=officer, citizenships=["IL"]),
    ]
    for change in changes:
        tags = partner_tags(client, moscow_token)
        change()
        assert_partner_sees(client, moscow_token, tags, changed=True)
    listed = {row["full_name"] for row in get(client, "/api/v1/detainees/", moscow_token).json()["results"]}
    assert listed == {"Yelena Trufanova"}


@pytest.mark.django_db(transaction=True)
def test_a_partners_poll_sees_a_committed_write_while_another_transaction_is_open(client, officer, moscow_token):
    world = make_world(officer)
    path = "/api/v1/detainees/"
    get(client, path, moscow_token)
    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"] or "postgres", host=settings["HOST"], port=settings["PORT"]
    )
    try:
        other.execute("SELECT pg_current_xact_id()")  # holds the horizon back until rolled back
        tag = etag_of(get(client, path, moscow_token))
        detainee_update(detainee_id=world["detainee"].pk, actor=officer, full_name="Aleksandr Lisovskiy")
        response = poll(client, path, moscow_token, tag)
        assert response.status_code == 200, "the list changed but the old ETag still matched (304)"
    finally:
        other.rollback()
        other.close()


def _connect(dbname: str | None = None):
    settings = connection.settings_dict
    params = {
        "dbname": dbname or settings["NAME"],
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
    }
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None})


@pytest.mark.django_db(transaction=True)
def test_the_feed_never_answers_two_bodies_under_one_etag(client, officer, officer_token):
    """A partner syncing the feed saw one strong ETag for `after=X` while `next_cursor` moved on. The
    feed's horizon is this database's oldest open transaction; the ETag followed the cluster's, which a
    transaction in another database holds back. When a transaction here ends, the feed returns more
    (and its cursor moves) while the cluster's horizon, and so the ETag, stays."""
    make_world(officer)
    first = json.loads(get(client, "/api/v1/changes/?limit=1000", officer_token).content)
    path = f"/api/v1/changes/?after={first['next_cursor']}&limit=1000"
    elsewhere, here = _connect("postgres"), _connect()
    try:
        elsewhere.execute("SELECT pg_current_xact_id()")  # another database's transaction: the cluster horizon
        here.execute("SELECT pg_current_xact_id()")  # this database's: the feed's horizon
        detainee_create(full_name="Committed Meanwhile", actor=officer, citizenships=["RU"])
        before = get(client, path, officer_token)
        tag, body = etag_of(before), json.loads(before.content)
        assert body["results"] == []  # not final yet: a transaction below it is still open here
        here.rollback()
        after = get(client, path, officer_token, **{"If-None-Match": tag})
        assert after.status_code == 200, "the body changed, but the old strong ETag still matched (304)"
        moved = json.loads(after.content)
        assert [e["type"] for e in moved["results"]] == ["detainee.created"]
        assert moved["next_cursor"] != body["next_cursor"] and after["ETag"] != tag
        again = get(client, path, officer_token, **{"If-None-Match": after["ETag"]})
        assert_not_modified(again, after["ETag"])  # nothing more: the same body, the same tag
    finally:
        here.rollback()
        elsewhere.rollback()
        here.close()
        elsewhere.close()
