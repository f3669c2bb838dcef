"""The OpenAPI schema describes what the API really does: schemathesis drives every operation with
generated requests (valid and invalid) and checks each response against the schema."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cases.demo.seed import demo_seed
from partners.services.tokens import token_issue
from tests.factories import PASSWORD

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
    ]
)


def test_schema_and_docs_need_authentication(client, analyst):
    assert client.get("/api/v1/schema/").status_code in (401, 403)
    assert client.get("/api/v1/docs/").status_code in (401, 403)
    client.login(username=analyst.username, password=PASSWORD)
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200 and schema["Content-Type"].startswith("application/json")
    document = json.loads(schema.content)
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) >= {
        "/api/v1/detainees/",
        "/api/v1/detainees/{id}/",
        "/api/v1/detainees/{id}/status-changes/",
        "/api/v1/channels/",
        "/api/v1/channels/{id}/",
        "/api/v1/channels/{id}/events/",
        "/api/v1/changes/",
        "/api/v1/stats/",
    }
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    listing = document["paths"]["/api/v1/detainees/"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {
        "citizenship",
        "citizenship_all",
        "dual",
        "status",
        "channel",
        "updated_since",
        "q",
        "ordering",
        "page_size",
        "cursor",
        "If-None-Match",
    }
    assert "ETag" in listing["responses"]["200"]["headers"] and "304" in listing["responses"]
    assert "application/problem+json" in listing["responses"]["400"]["content"]

    docs = client.get("/api/v1/docs/").content.decode()
    assert "swagger" in docs.lower()
    assert "http://" not in docs.replace("http://testserver", "") and "https://" not in docs


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_every_operation_conforms_to_the_schema(live_server, make_user, tmp_path):
    demo_seed(detainees=40, seed=7)
    admin = make_user("admin")
    _, token = token_issue(user=admin, name="schemathesis")
    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{live_server.url}/api/v1/schema/",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            CHECKS,
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            "15",
            "--seed",
            "1",
            "--workers",
            "1",
            "--no-color",
            "--generation-database",
            "none",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert "Tested: 46" in output  # every operation: lists, PFIF, the disclosure log and webhook self-service too
