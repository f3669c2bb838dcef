"""Helpers shared by the API tests: problem-details assertions and bearer headers."""

import re
from datetime import datetime

PROBLEM = "application/problem+json"


def assert_names(response, status: int, field: str) -> dict:
    body = assert_problem(response, status)
    assert names_field(body, field), body
    return body


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].split(";")[0].strip() == PROBLEM
    body = response.json()
    assert body["status"] == status
    for member in ("type", "title", "detail"):
        assert isinstance(body[member], str) and body[member], member
    return body


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def names_field(body: dict, field: str) -> bool:
    for error in body.get("errors", []):
        name = error.get("field", "")
        if name == field or name.startswith((f"{field}.", f"{field}[")):
            return True
    return re.search(rf"\b{re.escape(field)}\b", body.get("detail", "")) is not None


def parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None
    return parsed
