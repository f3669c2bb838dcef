"""The change feed's events as a typed catalogue in the OpenAPI schema: `Event` is a union
discriminated by `type`, each type with a schema of its own `data`; and a partner's client generated
from the live schema by openapi-python-client reads the feed into typed events (before, `data` was
an untyped dict in every generated client)."""

import importlib
import json
import subprocess
import sys
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.test import Client

from alerts.choices import EventType
from cases.services.detainees import detainee_create, detainee_update
from cases.services.status_changes import status_change_record
from partners.services.partners import partner_ensure
from partners.services.tokens import token_issue

GENERATOR = Path(sys.executable).parent / "openapi-python-client"
ABDUCTED = datetime(2023, 10, 7, 6, 30, tzinfo=UTC)


@pytest.mark.django_db
def test_every_event_type_has_its_own_typed_data_in_the_schema(officer):
    client = Client()
    client.force_login(officer)
    schemas = client.get("/api/v1/schema/").json()["components"]["schemas"]
    union = schemas["Event"]
    assert union["discriminator"]["propertyName"] == "type"
    assert set(union["discriminator"]["mapping"]) == set(EventType.values)
    assert len(union["oneOf"]) == len(EventType.values)

    def component(prop: dict) -> dict:
        ref = prop["$ref"] if "$ref" in prop else prop["allOf"][0]["$ref"]
        return schemas[ref.rsplit("/", 1)[1]]

    changed = schemas["DetaineeStatusChangedEvent"]
    assert changed["properties"]["type"]["enum"] == ["detainee.status_changed"]
    status_change = component(component(changed["properties"]["data"])["properties"]["status_change"])
    assert "held" in status_change["properties"]["to_status"]["enum"]
    assert component(schemas["DetaineeLeftScopeEvent"]["properties"]["data"]) == schemas["LeftScopeData"]
    feed = schemas["ChangeFeed"]["properties"]["results"]
    assert feed["items"]["$ref"].endswith("/Event")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_generated_client_reads_the_feed_as_typed_events(live_server, officer, tmp_path, monkeypatch):
    partner, _ = partner_ensure(name="Moscow desk", nationalities=["RU"])
    token = token_issue(partner=partner)[1]
    gromov = detainee_create(full_name="Ilya Gromov", actor=officer, citizenships=["RU"], abducted_at=ABDUCTED)
    status_change_record(detainee_id=gromov.pk, to_status="held", source="Video", actor=officer)
    cohen = detainee_create(full_name="Yael Cohen", actor=officer, citizenships=["IL"], abducted_at=ABDUCTED)
    detainee_update(detainee_id=cohen.pk, actor=officer, citizenships=["IL", "RU"])

    request = urllib.request.Request(f"{live_server.url}/api/v1/schema/", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        (tmp_path / "schema.json").write_bytes(response.read())
    package = tmp_path / "tracker_client"
    generated = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(tmp_path / "schema.json"),
            "--output-path",
            str(package),
            "--meta",
            "none",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": f"{GENERATOR.parent}:/usr/bin:/bin", "HOME": str(tmp_path)},
        cwd=tmp_path,
    )
    assert generated.returncode == 0 and (package / "models" / "change_feed.py").exists(), generated.stdout[-3000:]
    monkeypatch.syspath_prepend(str(tmp_path))
    client_module = importlib.import_module("tracker_client.client")
    changes_list = importlib.import_module("tracker_client.api.changes.changes_list")
    models = importlib.import_module("tracker_client.models")

    api = client_module.AuthenticatedClient(base_url=live_server.url, token=token)
    feed = changes_list.sync(client=api, limit=100)
    kinds = [type(event).__name__ for event in feed.results]
    assert kinds == ["DetaineeCreatedEvent", "DetaineeStatusChangedEvent", "DetaineeEnteredScopeEvent"], kinds
    held = feed.results[1]
    assert isinstance(held, models.DetaineeStatusChangedEvent)
    assert held.data.status_change.to_status.value == "held" and held.data.detainee.citizenships == ["RU"]
    entered = feed.results[2]
    assert entered.data.detainee.full_name == "Yael Cohen" and entered.data.detainee.citizenships == ["IL", "RU"]
    assert json.dumps(held.to_dict()["data"]["status_change"]["source"]) == '"Video"'
