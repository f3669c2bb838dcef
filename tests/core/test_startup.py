"""Starting the production app (gunicorn, DEBUG off, hashed static files): it refuses to start
without collected static files, with a message that says what to run, and serves every page once
they are collected (the API docs answered 500 until `collectstatic` had been run by hand)."""

import os
import signal
import urllib.request

import pytest

from partners.services.tokens import token_issue
from tests.processes import child_database_url, free_port, gunicorn, manage, subprocess_env, wait_for_port

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def production_env(static_root) -> dict[str, str]:
    # The SECRET_KEY is the test process's own, so the tokens it issues are valid there.
    return subprocess_env(
        DJANGO_SETTINGS_MODULE="hostage_tracker.settings",
        DATABASE_URL=child_database_url(),
        REDIS_URL="",
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(static_root),
    )


def test_without_collected_static_files_it_refuses_to_start_and_says_why(tmp_path):
    server = gunicorn(production_env(tmp_path / "empty"), free_port(), output=True)
    try:
        output, _ = server.communicate(timeout=120)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    assert server.returncode != 0
    assert "static files are not collected" in output
    assert "manage.py collectstatic" in output


def test_with_collected_static_files_the_api_docs_answer(tmp_path, officer):
    env = production_env(tmp_path / "static")
    collected = manage("collectstatic", "--no-input", "-v0", env=env, timeout=300)
    assert collected.returncode == 0, collected.stderr
    token = token_issue(user=officer)[1]
    port = free_port()
    server = gunicorn(env, port)
    try:
        wait_for_port(port, timeout=120)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/docs/", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200
            page = response.read().decode()
        assert "/static/" in page
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@pytest.mark.django_db
def test_every_response_has_a_content_security_policy_and_is_not_stored(client, admin_user):
    """Probing found no CSP on any response, and nothing kept caches from storing personal data."""
    from tests.factories import PASSWORD

    client.login(username=admin_user.username, password=PASSWORD)
    for path in ("/", "/detainees/", "/admin/", "/api/v1/docs/", "/api/v1/detainees/", "/accounts/login/"):
        response = client.get(path)
        policy = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if " " in part.strip())
        assert "'unsafe-inline'" not in directives["script-src"], path
        assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'", path
        assert directives["frame-ancestors"] == "'none'" and directives["default-src"] == "'self'", path
        assert "no-store" in response["Cache-Control"], path
    docs = client.get("/api/v1/docs/").content.decode()
    assert "<script>" not in docs  # its script is a file of its own, as the policy wants
