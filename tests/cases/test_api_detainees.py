"""REST API v1, detainees: the representation, pagination, every filter, create and edit, partner
scope, query counts, and the protocol errors (404, 405, malformed JSON, 415).

DESIGN.md "REST API v1": fields, filters, `page_size` 1-500, unknown or invalid parameters a 400
problem naming the parameter; a partner sees only detainees holding one of its nationalities.
"""

import json
import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlparse
from uuid import UUID

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.choices import Status
from cases.demo.seed import demo_seed
from cases.models import Detainee
from cases.services.channels import channel_create
from cases.services.detainees import NameVariantInput, detainee_create, detainee_update
from cases.services.status_changes import status_change_record
from partners.services.partners import partner_ensure
from partners.services.tokens import token_issue
from tests.api_helpers import assert_names, assert_problem, bearer

pytestmark = pytest.mark.django_db

ABDUCTED = datetime(2023, 10, 7, 4, 0, tzinfo=UTC)
LIST = "/api/v1/detainees/"
DETAINEE_FIELDS = {
    "id",
    "case_ref",
    "full_name",
    "name_variants",
    "sex",
    "date_of_birth",
    "citizenships",
    "status",
    "status_since",
    "abducted_at",
    "abduction_place",
    "channels",
    "notes",
    "version",
    "updated_at",
    "groups",
    "last_proof_of_life",
    "open_claims",
    "in_conflict",
    "awaiting_confirmation",
    "withheld_until_family_informed",
}


# --- helpers ---------------------------------------------------------------------------------------


def write(client: Client, method: str, path: str, token: str, body, **extra):
    return getattr(client, method)(
        path, data=json.dumps(body), content_type="application/json", **bearer(token), **extra
    )


def names_field(body: dict, field: str) -> bool:
    """A problem names the field: in `errors` (possibly nested, e.g. name_variants[0].script) or its detail."""
    for error in body.get("errors", []):
        name = error.get("field", "")
        if name == field or name.startswith((f"{field}.", f"{field}[")):
            return True
    return re.search(rf"\b{re.escape(field)}\b", body.get("detail", "")) is not None


def parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, f"{value!r} has no UTC offset"
    return parsed


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def make(full_name: str, citizenships: list[str], variants=(), **kwargs) -> Detainee:
    kwargs.setdefault("abducted_at", ABDUCTED)
    return detainee_create(
        full_name=full_name,
        actor=None,
        citizenships=citizenships,
        name_variants=[NameVariantInput(name=n, script=s) for n, s in variants],
        **kwargs,
    )


def walk(client: Client, url: str, token: str, link: str = "next") -> list[list[str]]:
    """Follow `link` from `url` to the end; the pages of ids in the order they were read."""
    pages = []
    seen_urls = set()
    while url:
        assert url not in seen_urls, "a pagination link points back to a page already read"
        seen_urls.add(url)
        response = client.get(url, **bearer(token))
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append([row["id"] for row in body["results"]])
        url = body[link]
        assert len(pages) < 1000
    return pages


# --- fixtures --------------------------------------------------------------------------------------


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def people(officer):
    """A small registry: a Russian-Israeli, an Israeli, an American-German, a Russian, an Israeli-American."""
    aleksandr = make(
        "Aleksandr Lisovsky",
        ["RU", "IL"],
        [("Александр Лисовский", "Cyrl"), ("אלכסנדר ליסובסקי", "Hebr")],
        sex="male",
        date_of_birth=date(1980, 1, 2),
        abduction_place="Kibbutz Ein Hadar",
        notes="Family liaison: brother in Haifa",
    )
    michal = make("Michal Harel", ["IL"], [("מיכל הראל", "Hebr")], sex="female")
    jose = make("José Müller", ["US", "DE"], sex="male", abducted_at=None)
    yelena = make("Yelena Tikhonova", ["RU"], [("Елена Тихонова", "Cyrl")], sex="female")
    noa = make("Noa Cohen", ["IL", "US"], sex="female")
    status_change_record(detainee_id=michal.pk, to_status=Status.HELD, source="Video", actor=officer)
    status_change_record(detainee_id=noa.pk, to_status=Status.HELD, source="Video", actor=officer)
    status_change_record(detainee_id=noa.pk, to_status=Status.RELEASE_PENDING, source="Statement", actor=officer)
    channel = channel_create(
        actor=None,
        name="Moscow consultations",
        mediator="Russian MFA",
        counterpart="Hamas",
        members=[(aleksandr.pk, "requested"), (yelena.pk, "requested"), (michal.pk, "discussed")],
    )
    found = {
        key: Detainee.objects.get(pk=d.pk)
        for key, d in {"aleksandr": aleksandr, "michal": michal, "jose": jose, "yelena": yelena, "noa": noa}.items()
    }
    return {**found, "channel": channel}


@pytest.fixture
def officer_token(officer):
    return token_issue(user=officer)[1]


@pytest.fixture
def admin_token(admin_user):
    return token_issue(user=admin_user)[1]


@pytest.fixture
def analyst_token(analyst):
    return token_issue(user=analyst)[1]


@pytest.fixture
def moscow_token():
    partner, _ = partner_ensure(name="Moscow desk", nationalities=["RU"])
    return token_issue(partner=partner)[1]


# --- the representation ----------------------------------------------------------------------------


def test_list_shape_and_every_documented_field(client, people, officer_token):
    response = client.get(LIST, **bearer(officer_token))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"results", "next", "previous"}
    assert body["next"] is None and body["previous"] is None
    assert len(body["results"]) == 5

    row = next(r for r in body["results"] if r["full_name"] == "Aleksandr Lisovsky")
    assert set(row) == DETAINEE_FIELDS
    aleksandr = people["aleksandr"]
    assert row["id"] == str(aleksandr.pk) and UUID(row["id"])
    assert re.fullmatch(r"HC-\d{6}", row["case_ref"])
    assert row["case_ref"] == aleksandr.case_ref
    assert sorted(row["name_variants"], key=lambda v: v["script"]) == [
        {"name": "Александр Лисовский", "script": "Cyrl"},
        {"name": "אלכסנדר ליסובסקי", "script": "Hebr"},
    ]
    assert row["sex"] == "male"
    assert row["date_of_birth"] == "1980-01-02"
    assert row["citizenships"] == ["IL", "RU"]
    assert row["status"] == "missing"
    assert parse_time(row["status_since"]) == ABDUCTED
    assert parse_time(row["abducted_at"]) == ABDUCTED
    assert row["abduction_place"] == "Kibbutz Ein Hadar"
    assert row["channels"] == [{"id": str(people["channel"].pk), "name": "Moscow consultations", "role": "requested"}]
    assert row["notes"] == "Family liaison: brother in Haifa"
    assert isinstance(row["version"], int) and row["version"] == 1
    assert abs(parse_time(row["updated_at"]) - timezone.now()) < timedelta(minutes=5)


def test_nulls_and_sorted_citizenships(client, people, officer_token):
    response = client.get(f"{LIST}{people['jose'].pk}/", **bearer(officer_token))
    assert response.status_code == 200
    row = response.json()
    assert set(row) == DETAINEE_FIELDS
    assert row["citizenships"] == ["DE", "US"]
    assert row["date_of_birth"] is None
    assert row["abducted_at"] is None
    assert row["name_variants"] == []
    assert row["channels"] == []
    parse_time(row["status_since"])


def test_status_and_version_follow_the_history(client, people, officer_token):
    row = client.get(f"{LIST}{people['noa'].pk}/", **bearer(officer_token)).json()
    assert row["status"] == "release_pending"
    assert row["version"] == 3
    assert parse_time(row["status_since"]) == people["noa"].status_since


def test_detail_is_the_same_representation_as_the_list(client, people, officer_token):
    listed = {r["id"]: r for r in client.get(LIST, **bearer(officer_token)).json()["results"]}
    for detainee in Detainee.objects.all():
        detail = client.get(f"{LIST}{detainee.pk}/", **bearer(officer_token))
        assert detail.status_code == 200
        assert detail.json() == listed[str(detainee.pk)]


@pytest.mark.parametrize(("who", "reads_notes"), [("officer", True), ("admin", True), ("analyst", False)])
def test_notes_only_for_officers_and_admins(
    client, people, officer_token, admin_token, analyst_token, who, reads_notes
):
    token = {"officer": officer_token, "admin": admin_token, "analyst": analyst_token}[who]
    listed = client.get(LIST, **bearer(token)).json()["results"]
    detail = client.get(f"{LIST}{people['aleksandr'].pk}/", **bearer(token)).json()
    for row in [*listed, detail]:
        assert ("notes" in row) is reads_notes
    assert ("brother in Haifa" in json.dumps(detail, ensure_ascii=False)) is reads_notes


def test_partners_never_see_notes(client, people, moscow_token):
    listed = client.get(LIST, **bearer(moscow_token))
    detail = client.get(f"{LIST}{people['aleksandr'].pk}/", **bearer(moscow_token))
    for response in (listed, detail):
        assert response.status_code == 200
        assert "brother in Haifa" not in response.content.decode()
    assert all("notes" not in row for row in listed.json()["results"])
    assert "notes" not in detail.json()


def test_unknown_detainee_is_a_404_problem(client, people, officer_token):
    assert_problem(client.get(f"{LIST}00000000-0000-0000-0000-000000000000/", **bearer(officer_token)), 404)


# --- page size and cursor pagination -------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "501", "x", "-1", "1.5", "", "²", "1e2"])
def test_page_size_outside_1_to_500_is_a_400_naming_it(client, people, officer_token, value):
    assert_names(client.get(LIST, {"page_size": value}, **bearer(officer_token)), 400, "page_size")


@pytest.mark.parametrize("value", ["1", "500"])
def test_page_size_bounds_are_accepted(client, people, officer_token, value):
    response = client.get(LIST, {"page_size": value}, **bearer(officer_token))
    assert len(ids(response)) == min(int(value), 5)


def test_default_page_size_is_50(client, officer_token):
    demo_seed(detainees=60, seed=1)
    body = client.get(LIST, **bearer(officer_token)).json()
    assert len(body["results"]) == 50
    assert body["next"] is not None


def test_cursor_pagination_walks_every_row_exactly_once_and_back(client, officer_token):
    demo_seed(detainees=230, seed=1)
    pages = walk(client, f"{LIST}?page_size=17", officer_token)
    seen = [i for page in pages for i in page]
    assert len(seen) == len(set(seen)) == 230
    assert set(seen) == {str(pk) for pk in Detainee.objects.values_list("pk", flat=True)}
    assert seen == [str(pk) for pk in Detainee.objects.order_by("case_ref").values_list("pk", flat=True)]
    assert all(len(page) == 17 for page in pages[:-1]) and 0 < len(pages[-1]) <= 17

    # From the last page, `previous` leads back through the same pages to the first.
    last_url = f"{LIST}?page_size=17"
    for _ in range(len(pages) - 1):
        last_url = client.get(last_url, **bearer(officer_token)).json()["next"]
    last = client.get(last_url, **bearer(officer_token)).json()
    assert last["next"] is None
    backwards = walk(client, last["previous"], officer_token, link="previous")
    assert backwards == list(reversed(pages[:-1]))
    first = client.get(f"{LIST}?page_size=17", **bearer(officer_token)).json()
    assert first["previous"] is None


def test_pagination_keeps_filters_and_ordering(client, officer_token):
    demo_seed(detainees=230, seed=1)
    url = f"{LIST}?page_size=7&citizenship=IL&ordering=-status_since"
    pages = walk(client, url, officer_token)
    seen = [i for page in pages for i in page]
    expected = Detainee.objects.filter(citizenships__country="IL").distinct()
    assert len(seen) == len(set(seen)) == expected.count()
    assert set(seen) == {str(pk) for pk in expected.values_list("pk", flat=True)}
    since = dict(expected.values_list("pk", "status_since"))
    times = [since[UUID(i)] for i in seen]
    assert times == sorted(times, reverse=True)
    # The next links carry the filters.
    next_url = client.get(url, **bearer(officer_token)).json()["next"]
    query = parse_qs(urlparse(next_url).query)
    assert query["citizenship"] == ["IL"] and query["ordering"] == ["-status_since"] and query["page_size"] == ["7"]


def test_pagination_does_not_skip_or_repeat_when_rows_are_added_meanwhile(client, people, officer_token):
    first = client.get(LIST, {"page_size": 2}, **bearer(officer_token)).json()
    make("Zvi Late-Arrival", ["IL"])
    rest = walk(client, first["next"], officer_token)
    seen = [row["id"] for row in first["results"]] + [i for page in rest for i in page]
    assert len(seen) == len(set(seen)) == 6


def test_a_malformed_cursor_is_a_400_naming_it(client, people, officer_token):
    # Not base64; {"k": 1}; not even text; {"k": [null], "r": false}.
    for cursor in ["garbage", "eyJrIjogMX0", "!!!", "eyJrIjogW251bGxdLCAiciI6IGZhbHNlfQ"]:
        assert_names(client.get(LIST, {"cursor": cursor}, **bearer(officer_token)), 400, "cursor")


def test_query_count_does_not_grow_with_the_page_size(client, officer_token):
    demo_seed(detainees=230, seed=1)
    client.get(LIST, {"page_size": 5}, **bearer(officer_token))  # the token's first use records last_used_at
    counts = {}
    for size in (10, 100):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST, {"page_size": size}, **bearer(officer_token))
        assert len(response.json()["results"]) == size
        assert any(row["channels"] for row in response.json()["results"])
        counts[size] = len(queries.captured_queries)
    assert counts[10] == counts[100], counts

    for size in (10, 100):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST, {"page_size": size, "citizenship": "IL,RU"}, **bearer(officer_token))
        assert len(response.json()["results"]) == size
        counts[f"IL {size}"] = len(queries.captured_queries)
    assert counts["IL 10"] == counts["IL 100"], counts


def test_query_count_for_a_partner_does_not_grow_with_the_page_size(client):
    demo_seed(detainees=230, seed=1)
    partner, _ = partner_ensure(name="Tel Aviv desk", nationalities=["IL"])
    token = token_issue(partner=partner)[1]
    client.get(LIST, {"page_size": 5}, **bearer(token))
    counts = []
    for size in (10, 100):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST, {"page_size": size}, **bearer(token))
        assert len(response.json()["results"]) == size
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts


def _page_query(queries) -> str:
    return next(q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "cases_detainee"."id"'))


def test_a_partner_filtering_by_its_own_nationality_is_asked_its_scope_once(client):
    """The planner misjudged two identical EXISTS on citizenships and sorted every match (a partner's
    page of 100 RU took 23 ms instead of 7 ms): when the filter implies the scope it is not repeated,
    and when it does not, the scope still holds."""
    demo_seed(detainees=230, seed=1)
    partner, _ = partner_ensure(name="Tel Aviv desk", nationalities=["IL"])
    token = token_issue(partner=partner)[1]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"citizenship": "IL", "page_size": 500}, **bearer(token))
    assert response.status_code == 200
    assert _page_query(queries).count('"cases_citizenship"') == 1
    assert len(response.json()["results"]) == Detainee.objects.filter(citizenships__country="IL").count()

    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"citizenship": "IL,TH", "page_size": 500}, **bearer(token))
    assert _page_query(queries).count('"cases_citizenship"') == 2
    listed_ids = {row["id"] for row in response.json()["results"]}
    israelis = set(Detainee.objects.filter(citizenships__country="IL").values_list("pk", flat=True))
    assert listed_ids == {str(pk) for pk in israelis}  # Thai citizens without IL stay out of scope
    assert Detainee.objects.filter(citizenships__country="TH").exclude(pk__in=israelis).exists()


def test_a_304_on_a_list_builds_no_page_and_no_filters(client, officer_token):
    demo_seed(detainees=30, seed=1)
    query = {"citizenship": "IL", "status": "held,missing", "page_size": 10}
    first = client.get(LIST, query, **bearer(officer_token))
    with CaptureQueriesContext(connection) as queries:
        again = client.get(LIST, query, HTTP_IF_NONE_MATCH=first["ETag"], **bearer(officer_token))
    assert again.status_code == 304
    assert not any("cases_" in q["sql"] for q in queries.captured_queries), queries.captured_queries
    # A bad filter value is still a 400, whatever the client sends as its ETag.
    bad = client.get(LIST, query | {"status": "lost"}, HTTP_IF_NONE_MATCH=first["ETag"], **bearer(officer_token))
    assert_problem(bad, 400)


# --- filters ---------------------------------------------------------------------------------------


def listed(client, token, **params) -> set[str]:
    response = client.get(LIST, params, **bearer(token))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["next"] is None
    return {row["full_name"] for row in body["results"]}


def test_filter_citizenship_any_of_repeatable_and_comma_separated(client, people, officer_token):
    assert listed(client, officer_token, citizenship="RU") == {"Aleksandr Lisovsky", "Yelena Tikhonova"}
    both = {"Aleksandr Lisovsky", "Yelena Tikhonova", "José Müller", "Noa Cohen"}
    assert listed(client, officer_token, citizenship=["RU", "US"]) == both
    assert listed(client, officer_token, citizenship="RU,US") == both
    assert listed(client, officer_token, citizenship="DE") == {"José Müller"}


def test_filter_citizenship_all(client, people, officer_token):
    assert listed(client, officer_token, citizenship_all="RU,IL") == {"Aleksandr Lisovsky"}
    assert listed(client, officer_token, citizenship_all=["IL", "US"]) == {"Noa Cohen"}
    assert listed(client, officer_token, citizenship_all="IL") == {"Aleksandr Lisovsky", "Michal Harel", "Noa Cohen"}
    assert listed(client, officer_token, citizenship_all="RU,US") == set()


def test_filter_dual(client, people, officer_token):
    assert listed(client, officer_token, dual="true") == {"Aleksandr Lisovsky", "José Müller", "Noa Cohen"}
    assert listed(client, officer_token, dual="false") == {"Michal Harel", "Yelena Tikhonova"}
    assert listed(client, officer_token, dual="true", citizenship="IL") == {"Aleksandr Lisovsky", "Noa Cohen"}


def test_filter_status_any_of(client, people, officer_token):
    assert listed(client, officer_token, status="held") == {"Michal Harel"}
    assert listed(client, officer_token, status="held,release_pending") == {"Michal Harel", "Noa Cohen"}
    assert listed(client, officer_token, status=["held", "missing"]) == {
        "Michal Harel",
        "Aleksandr Lisovsky",
        "José Müller",
        "Yelena Tikhonova",
    }
    assert listed(client, officer_token, status="released") == set()


def test_filter_channel(client, people, officer_token):
    channel = people["channel"]
    assert listed(client, officer_token, channel=str(channel.pk)) == {
        "Aleksandr Lisovsky",
        "Yelena Tikhonova",
        "Michal Harel",
    }
    other = channel_create(actor=None, name="Empty channel", mediator="X", counterpart="Y")
    assert listed(client, officer_token, channel=str(other.pk)) == set()


def test_filter_updated_since(client, people, officer_token):
    since = timezone.now()
    detainee_update(detainee_id=people["jose"].pk, actor=None, abduction_place="Re'im")
    assert listed(client, officer_token, updated_since=since.isoformat()) == {"José Müller"}
    assert len(listed(client, officer_token, updated_since=(since - timedelta(days=1)).isoformat())) == 5
    assert listed(client, officer_token, updated_since=(since + timedelta(hours=1)).isoformat()) == set()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Aleksandr", {"Aleksandr Lisovsky"}),
        ("Alexandr", {"Aleksandr Lisovsky"}),
        ("Aleksander", {"Aleksandr Lisovsky"}),
        ("aLeXaNdR lIsOvSkIy", {"Aleksandr Lisovsky"}),
        ("Александр", {"Aleksandr Lisovsky"}),
        ("лисовский", {"Aleksandr Lisovsky"}),
        ("Lisovsky", {"Aleksandr Lisovsky"}),
        ("Jose", {"José Müller"}),
        ("JOSÉ MÜLLER", {"José Müller"}),
        ("muller", {"José Müller"}),
        ("Elena", {"Yelena Tikhonova"}),
        ("Елена", {"Yelena Tikhonova"}),
        ("Tikhonova", {"Yelena Tikhonova"}),
        ("Michal", {"Michal Harel"}),
        ("Zebulon", set()),
    ],
)
def test_filter_q_matches_names_across_scripts_case_accents_and_spellings(
    client, people, officer_token, query, expected
):
    assert listed(client, officer_token, q=query) == expected


def test_filter_q_finds_a_variant_added_later(client, people, officer_token):
    assert listed(client, officer_token, q="Sasha") == set()
    body = {"name_variants": [{"name": "Саша Лисовский", "script": "Cyrl"}]}
    response = write(client, "patch", f"{LIST}{people['aleksandr'].pk}/", officer_token, body)
    assert response.status_code == 200, response.content
    assert listed(client, officer_token, q="Саша") == {"Aleksandr Lisovsky"}
    assert listed(client, officer_token, q="Sasha") == {"Aleksandr Lisovsky"}


def test_filters_combine(client, people, officer_token):
    assert listed(client, officer_token, citizenship="IL", status="missing") == {"Aleksandr Lisovsky"}
    assert listed(client, officer_token, citizenship="RU", q="Yelena") == {"Yelena Tikhonova"}


def test_ordering(client, people, officer_token):
    by_ref = [str(pk) for pk in Detainee.objects.order_by("case_ref").values_list("pk", flat=True)]
    assert ids(client.get(LIST, **bearer(officer_token))) == by_ref
    assert ids(client.get(LIST, {"ordering": "case_ref"}, **bearer(officer_token))) == by_ref
    assert ids(client.get(LIST, {"ordering": "-case_ref"}, **bearer(officer_token))) == by_ref[::-1]
    by_name = [str(pk) for pk in Detainee.objects.order_by("full_name", "case_ref").values_list("pk", flat=True)]
    assert ids(client.get(LIST, {"ordering": "full_name"}, **bearer(officer_token))) == by_name
    walked = [i for page in walk(client, f"{LIST}?ordering=-full_name&page_size=2", officer_token) for i in page]
    assert walked == by_name[::-1]
    statuses = [
        r["status"] for r in client.get(LIST, {"ordering": "status"}, **bearer(officer_token)).json()["results"]
    ]
    assert statuses == sorted(statuses)


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("citizenship", "XX"),
        ("citizenship", "RU,XX"),
        ("citizenship", "Russia"),
        ("citizenship_all", "XX"),
        ("status", "kidnapped"),
        ("status", "held,kidnapped"),
        ("dual", "maybe"),
        ("channel", "not-a-uuid"),
        ("updated_since", "garbage"),
        ("updated_since", "2023-13-45"),
        ("ordering", "bogus"),
        ("ordering", "notes"),
        ("ordering", "-search_names"),
    ],
)
def test_an_invalid_filter_value_is_a_400_naming_the_parameter(client, people, officer_token, param, value):
    body = assert_names(client.get(LIST, {param: value}, **bearer(officer_token)), 400, param)
    assert "Aleksandr" not in json.dumps(body)


@pytest.mark.parametrize("param", ["citizenships", "nationality", "page", "limit", "search", "format"])
def test_an_unknown_query_parameter_is_a_400_naming_it(client, people, officer_token, param):
    assert_names(client.get(LIST, {param: "RU"}, **bearer(officer_token)), 400, param)


def test_the_detail_refuses_unknown_query_parameters(client, people, officer_token):
    path = f"{LIST}{people['aleksandr'].pk}/"
    assert_names(client.get(path, {"fields": "full_name"}, **bearer(officer_token)), 400, "fields")


def test_a_partner_typo_does_not_return_everyone(client, people, moscow_token):
    assert_names(client.get(LIST, {"citizenships": "RU"}, **bearer(moscow_token)), 400, "citizenships")


# --- create ----------------------------------------------------------------------------------------


def test_create_returns_the_new_detainee_missing_at_version_1(client, officer_token):
    body = {
        "full_name": "Liora Gefen",
        "name_variants": [{"name": "ליאורה גפן", "script": "Hebr"}, {"name": "Abigail Idan", "script": "Latn"}],
        "sex": "female",
        "date_of_birth": "2019-04-10",
        "citizenships": ["us", "IL"],
        "abducted_at": "2023-10-07T06:30:00+03:00",
        "abduction_place": "Nir Shalem",
        "notes": "Parents killed in the attack",
    }
    response = write(client, "post", LIST, officer_token, body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert set(created) == DETAINEE_FIELDS
    assert created["status"] == "missing"
    assert created["version"] == 1
    assert re.fullmatch(r"HC-\d{6}", created["case_ref"])
    assert created["citizenships"] == ["IL", "US"]
    assert created["full_name"] == "Liora Gefen"
    assert sorted(created["name_variants"], key=lambda v: v["script"]) == [
        {"name": "ליאורה גפן", "script": "Hebr"},
        {"name": "Abigail Idan", "script": "Latn"},
    ]
    assert created["date_of_birth"] == "2019-04-10"
    assert parse_time(created["abducted_at"]) == datetime(2023, 10, 7, 3, 30, tzinfo=UTC)
    # The initial `missing` dates from the abduction.
    assert parse_time(created["status_since"]) == datetime(2023, 10, 7, 3, 30, tzinfo=UTC)
    assert created["notes"] == "Parents killed in the attack"
    assert created["channels"] == []

    fetched = client.get(f"{LIST}{created['id']}/", **bearer(officer_token))
    assert fetched.json() == created
    history = client.get(f"{LIST}{created['id']}/status-changes/", **bearer(officer_token)).json()
    assert history["results"] == []


def test_create_without_abduction_time_dates_missing_from_creation(client, officer_token):
    before = timezone.now()
    response = write(client, "post", LIST, officer_token, {"full_name": "Unknown Person"})
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["abducted_at"] is None
    assert created["sex"] == "unknown"
    assert created["citizenships"] == [] and created["name_variants"] == []
    since = parse_time(created["status_since"])
    assert before - timedelta(seconds=1) <= since <= timezone.now() + timedelta(seconds=1)


def test_case_refs_are_unique(client, officer_token):
    refs = {
        write(client, "post", LIST, officer_token, {"full_name": f"Person {i}"}).json()["case_ref"] for i in range(3)
    }
    assert len(refs) == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "full_name"),
        ({"full_name": "   "}, "full_name"),
        ({"full_name": None}, "full_name"),
        ({"full_name": "A", "citizenships": ["XX"]}, "citizenships"),
        ({"full_name": "A", "citizenships": ["RUS"]}, "citizenships"),
        ({"full_name": "A", "citizenships": "RU"}, "citizenships"),
        ({"full_name": "A", "name_variants": [{"name": "Alex", "script": "Latin"}]}, "name_variants"),
        ({"full_name": "A", "name_variants": [{"name": "Alex"}]}, "name_variants"),
        ({"full_name": "A", "name_variants": [{"name": "Alex", "script": "Latn", "lang": "en"}]}, "name_variants"),
        ({"full_name": "A", "nickname": "Sasha"}, "nickname"),
        ({"full_name": "A", "status": "held"}, "status"),
        ({"full_name": "A", "version": 7}, "version"),
        ({"full_name": "A", "case_ref": "HC-999999"}, "case_ref"),
        ({"full_name": "A", "sex": "other"}, "sex"),
        ({"full_name": "A", "date_of_birth": "yesterday"}, "date_of_birth"),
        ({"full_name": "A", "abducted_at": "garbage"}, "abducted_at"),
    ],
)
def test_create_validation_errors_name_the_field(client, officer_token, body, field):
    assert_names(write(client, "post", LIST, officer_token, body), 400, field)
    assert not Detainee.objects.exists()


@pytest.mark.parametrize("value", ["2023-10-07T06:30:00", "2023-10-07 06:30"])
def test_create_refuses_a_time_without_an_offset(client, officer_token, value):
    """Times are ISO 8601 with offset: a time without one is ambiguous (Israel is UTC+2/+3), not UTC."""
    response = write(client, "post", LIST, officer_token, {"full_name": "A", "abducted_at": value})
    assert_names(response, 400, "abducted_at")
    assert not Detainee.objects.exists()


def test_create_with_a_json_array_body_is_a_400(client, officer_token):
    assert_problem(write(client, "post", LIST, officer_token, [{"full_name": "A"}]), 400)
    assert not Detainee.objects.exists()


# --- edit ------------------------------------------------------------------------------------------


def test_patch_edits_fields_and_bumps_the_version(client, people, officer_token):
    aleksandr = people["aleksandr"]
    path = f"{LIST}{aleksandr.pk}/"
    before = client.get(path, **bearer(officer_token)).json()
    body = {
        "full_name": "Alexander Lisovsky",
        "citizenships": ["RU", "IL", "UA"],
        "abduction_place": "Kfar Rimon",
        "date_of_birth": "1980-01-03",
        "sex": "male",
    }
    response = write(client, "patch", path, officer_token, body)
    assert response.status_code == 200, response.content
    after = response.json()
    assert after["full_name"] == "Alexander Lisovsky"
    assert after["citizenships"] == ["IL", "RU", "UA"]
    assert after["abduction_place"] == "Kfar Rimon"
    assert after["date_of_birth"] == "1980-01-03"
    assert after["version"] == before["version"] + 1
    assert parse_time(after["updated_at"]) >= parse_time(before["updated_at"])
    assert after["status"] == before["status"] and after["status_since"] == before["status_since"]
    assert after["name_variants"] == before["name_variants"]  # not given: untouched
    assert client.get(path, **bearer(officer_token)).json() == after

    again = write(client, "patch", path, officer_token, {"citizenships": ["RU"]}).json()
    assert again["citizenships"] == ["RU"] and again["version"] == after["version"] + 1


def test_patch_refuses_the_status(client, people, officer_token):
    path = f"{LIST}{people['aleksandr'].pk}/"
    assert_names(write(client, "patch", path, officer_token, {"status": "released"}), 400, "status")
    assert_names(
        write(client, "patch", path, officer_token, {"status_since": "2023-11-01T00:00:00Z"}), 400, "status_since"
    )
    row = client.get(path, **bearer(officer_token)).json()
    assert row["status"] == "missing" and row["version"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"full_name": ""}, "full_name"),
        ({"citizenships": ["ZZ"]}, "citizenships"),
        ({"name_variants": [{"name": "X", "script": "Grek"}]}, "name_variants"),
        ({"sex": "x"}, "sex"),
        ({"unknown_field": 1}, "unknown_field"),
        ({"version": 9}, "version"),
    ],
)
def test_patch_validation_errors_name_the_field_and_change_nothing(client, people, officer_token, body, field):
    path = f"{LIST}{people['aleksandr'].pk}/"
    assert_names(write(client, "patch", path, officer_token, body), 400, field)
    row = client.get(path, **bearer(officer_token)).json()
    assert row["version"] == 1 and row["full_name"] == "Aleksandr Lisovsky" and row["citizenships"] == ["IL", "RU"]


def test_patch_of_an_unknown_detainee_is_a_404(client, officer_token):
    path = f"{LIST}00000000-0000-0000-0000-000000000000/"
    assert_problem(write(client, "patch", path, officer_token, {"full_name": "X"}), 404)


# --- partner scope ---------------------------------------------------------------------------------


def test_a_partner_sees_only_detainees_holding_its_nationalities(client, people, moscow_token):
    rows = client.get(LIST, **bearer(moscow_token)).json()["results"]
    assert {r["full_name"] for r in rows} == {"Aleksandr Lisovsky", "Yelena Tikhonova"}
    # A visible dual citizen keeps both citizenships in the representation.
    assert next(r for r in rows if r["full_name"] == "Aleksandr Lisovsky")["citizenships"] == ["IL", "RU"]
    # Filters narrow the scope, never widen it.
    assert listed(client, moscow_token, citizenship="IL") == {"Aleksandr Lisovsky"}
    assert listed(client, moscow_token, citizenship="US") == set()
    assert listed(client, moscow_token, q="Michal") == set()
    assert listed(client, moscow_token, channel=str(people["channel"].pk)) == {"Aleksandr Lisovsky", "Yelena Tikhonova"}


def test_outside_a_partners_scope_is_404_everywhere(client, people, moscow_token):
    for name in ("michal", "jose", "noa"):
        detainee = people[name]
        assert_problem(client.get(f"{LIST}{detainee.pk}/", **bearer(moscow_token)), 404)
        assert_problem(client.get(f"{LIST}{detainee.pk}/status-changes/", **bearer(moscow_token)), 404)
    inside = people["aleksandr"]
    assert client.get(f"{LIST}{inside.pk}/", **bearer(moscow_token)).status_code == 200
    assert client.get(f"{LIST}{inside.pk}/status-changes/", **bearer(moscow_token)).status_code == 200


def test_an_out_of_scope_404_looks_like_a_missing_one(client, people, moscow_token):
    outside = assert_problem(client.get(f"{LIST}{people['michal'].pk}/", **bearer(moscow_token)), 404)
    missing = assert_problem(client.get(f"{LIST}00000000-0000-0000-0000-000000000000/", **bearer(moscow_token)), 404)
    assert outside == missing


def test_a_partners_channel_links_show_only_the_channel_and_role(client, people, moscow_token):
    row = client.get(f"{LIST}{people['yelena'].pk}/", **bearer(moscow_token)).json()
    assert row["channels"] == [{"id": str(people["channel"].pk), "name": "Moscow consultations", "role": "requested"}]


# --- protocol errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/api/v1/nothing/", "/api/v1/detainees/not-a-uuid/", "/api/v1/detainees/x/status-changes/", "/api/v2/detainees/"],
)
def test_an_unknown_api_url_is_a_404_problem(client, officer_token, path):
    assert_problem(client.get(path, **bearer(officer_token)), 404)


def test_delete_is_a_405_problem_and_deletes_nothing(client, people, admin_token):
    path = f"{LIST}{people['aleksandr'].pk}/"
    response = client.delete(path, **bearer(admin_token))
    assert_problem(response, 405)
    assert "PATCH" in response.get("Allow", "") and "DELETE" not in response.get("Allow", "")
    assert Detainee.objects.filter(pk=people["aleksandr"].pk).exists()
    assert_problem(client.put(path, data="{}", content_type="application/json", **bearer(admin_token)), 405)
    assert_problem(client.delete(LIST, **bearer(admin_token)), 405)
    assert_problem(client.delete(f"{path}status-changes/", **bearer(admin_token)), 405)


@pytest.mark.parametrize("payload", ['{"full_name": "A"', "{'full_name': 'A'}", "full_name=A", "\x00"])
def test_malformed_json_is_a_400_problem(client, officer_token, payload):
    response = client.post(LIST, data=payload, content_type="application/json", **bearer(officer_token))
    assert_problem(response, 400)
    assert not Detainee.objects.exists()


def test_malformed_json_in_a_patch_is_a_400_problem(client, people, officer_token):
    path = f"{LIST}{people['aleksandr'].pk}/"
    response = client.patch(path, data="{not json", content_type="application/json", **bearer(officer_token))
    assert_problem(response, 400)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_a_body_that_is_not_json_is_a_415_problem(client, officer_token, content_type):
    response = client.post(LIST, data="full_name=A", content_type=content_type, **bearer(officer_token))
    assert_problem(response, 415)
    assert not Detainee.objects.exists()


def test_bad_input_never_yields_a_5xx(client, people, officer_token):
    path = f"{LIST}{people['aleksandr'].pk}/"
    bodies = [
        {"full_name": "A" * 5000},
        {"full_name": ["A"]},
        {"full_name": {"a": 1}},
        {"full_name": "A", "citizenships": [1, 2]},
        {"full_name": "A", "citizenships": [None]},
        {"full_name": "A", "name_variants": "Alex"},
        {"full_name": "A", "name_variants": [None]},
        {"full_name": "A", "name_variants": [{"name": "N" * 500, "script": "Latn"}]},
        {"full_name": "A", "date_of_birth": "2023-02-30"},
        {"full_name": "A", "abducted_at": "2023-10-07T04:00:00"},
        {"full_name": "A", "abduction_place": "P" * 1000},
    ]
    for body in bodies:
        for method, target in (("post", LIST), ("patch", path)):
            response = write(client, method, target, officer_token, body)
            assert response.status_code < 500, (method, body, response.content)
    for params in (
        {"q": "!!!"},
        {"q": "%"},
        {"q": "   "},
        {"updated_since": "2023-10-07T04:00:00"},
        {"cursor": "a" * 300},
    ):
        response = client.get(LIST, params, **bearer(officer_token))
        assert response.status_code in (200, 400), (params, response.content)
