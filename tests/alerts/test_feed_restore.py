"""The change feed after a backup is restored onto a new PostgreSQL cluster (a lost server, a
major-version upgrade by dump and restore, a failover to a logical replica).

Done the way an operator does it: pg_dump of the live database, a second cluster initdb'd by the
test on another port, pg_restore, the app started on it, then writes there and partners polling with
the cursors they held from before the backup and from scratch.
"""

import json
import os
import signal
import urllib.error
import urllib.request

import pytest

from cases.services.detainees import detainee_create
from partners.services.partners import partner_ensure
from partners.services.tokens import token_issue
from tests.processes import child_database_url, free_port, gunicorn, subprocess_env, wait_for_port
from tests.stack import PostgresCluster, pg_dump

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


class App:
    """The app under gunicorn on a given database, talked to with bearer tokens."""

    def __init__(self, database_url: str):
        self.port = free_port()
        env = subprocess_env(
            DATABASE_URL=database_url, REDIS_URL="", DJANGO_SETTINGS_MODULE="hostage_tracker.test_settings"
        )
        self.proc = gunicorn(env, self.port, output=True)
        wait_for_port(self.port, timeout=120)

    def call(self, method: str, path: str, token: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            # What the server logged says why (a 500's traceback), not only that it failed.
            self.stop()
            raise AssertionError(f"{method} {path}: HTTP {exc.code}\n{self.output}") from exc

    def feed(self, token: str, after: str | None) -> tuple[list[str], str]:
        """Every event after `after`, page by page, as a partner's sync loop reads them."""
        ids, cursor = [], after
        while True:
            page = self.call("GET", "/api/v1/changes/?limit=2" + (f"&after={cursor}" if cursor else ""), token)
            ids += [event["id"] for event in page["results"]]
            cursor = page["next_cursor"]
            if not page["has_more"]:
                return ids, cursor

    output = ""

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.output = self.proc.communicate(timeout=30)[0] or ""


@pytest.fixture
def new_server():
    cluster = PostgresCluster().start()
    yield cluster
    cluster.stop()


def test_after_a_restore_onto_a_new_cluster_every_event_is_seen_exactly_once(officer, new_server, tmp_path):
    partner, _ = partner_ensure(name="Moscow desk", nationalities=["RU"])
    partner_token = token_issue(partner=partner)[1]
    officer_token = token_issue(user=officer)[1]
    for name in ("Pavel Orlov", "Irina Sokolova", "Yosef Alon"):
        detainee_create(full_name=name, actor=None, citizenships=["RU", "IL"])

    old = App(child_database_url())
    try:
        before, cursor_at_end = old.feed(partner_token, None)
        first_only = old.call("GET", "/api/v1/changes/?limit=1", partner_token)["next_cursor"]
    finally:
        old.stop()
    assert len(before) == 3

    dump = pg_dump(url=child_database_url(), to=tmp_path / "backup.dump")
    new_server.restore(dump=dump, database="restored")
    app = App(new_server.url("restored"))
    try:
        created = app.call(
            "POST", "/api/v1/detainees/", officer_token, {"full_name": "Lev Arbel", "citizenships": ["RU"]}
        )
        from_scratch, _ = app.feed(partner_token, None)
        after_first, _ = app.feed(partner_token, first_only)
        after_all, cursor = app.feed(partner_token, cursor_at_end)
        app.call("PATCH", f"/api/v1/detainees/{created['id']}/", officer_token, {"abduction_place": "Kibbutz Be'eri"})
        next_page, _ = app.feed(partner_token, cursor)
    finally:
        app.stop()

    assert len(from_scratch) == 4 and from_scratch[:3] == before  # the restored events are visible again
    assert after_first == before[1:] + from_scratch[3:]
    assert len(after_all) == 1  # exactly the one written after the restore
    assert len(next_page) == 1 and next_page[0] not in from_scratch
