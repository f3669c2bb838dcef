"""Roles are Django groups, created by a migration, with exactly the permissions DESIGN.md gives them."""

import pytest
from django.contrib.auth.models import Group

from core.choices import Role
from core.services import user_provision

pytestmark = pytest.mark.django_db


def perms(role: str) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name=role).permissions.all()}


def test_the_migration_created_the_three_roles():
    assert set(Group.objects.values_list("name", flat=True)) >= {"admin", "officer", "analyst"}


def test_analyst_reads_and_exports_but_writes_nothing():
    analyst = perms(Role.ANALYST)
    assert {"cases.view_detainee", "cases.view_statuschange", "cases.view_negotiationchannel"} <= analyst
    assert "cases.export_detainees" in analyst
    assert not {p for p in analyst if p.split(".")[1].startswith(("add_", "change_", "delete_"))}
    assert "cases.view_internal_notes" not in analyst
    assert "partners.view_partner" not in analyst


def test_officer_edits_cases_and_records_changes_but_not_corrections():
    officer = perms(Role.OFFICER)
    assert {
        "cases.add_detainee",
        "cases.change_detainee",
        "cases.add_citizenship",
        "cases.add_namevariant",
        "cases.add_negotiationchannel",
        "cases.add_channelevent",
        "cases.add_statuschange",
        "cases.import_lists",
        "cases.view_internal_notes",
    } <= officer
    assert "cases.correct_statuschange" not in officer
    assert "cases.delete_detainee" not in officer
    assert not {p for p in officer if p.endswith("_user") or p.endswith("_partner")}


def test_admin_corrects_and_manages_users_and_partners():
    admin = perms(Role.ADMIN)
    assert perms(Role.OFFICER) <= admin
    assert {"cases.correct_statuschange", "core.add_user", "core.change_user", "partners.add_partner"} <= admin


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OFFICER, Role.ANALYST])
def test_no_role_may_edit_or_delete_history(role):
    assert not {"cases.change_statuschange", "cases.delete_statuschange"} & perms(role)


def test_user_permissions_follow_the_role():
    analyst, _ = user_provision(username="ana", role=Role.ANALYST, password="a-long-enough-password")
    officer, _ = user_provision(username="oli", role=Role.OFFICER, password="a-long-enough-password")
    assert analyst.role == Role.ANALYST and officer.role == Role.OFFICER
    assert analyst.has_perm("cases.view_detainee") and not analyst.has_perm("cases.add_statuschange")
    assert officer.has_perm("cases.add_statuschange") and not officer.has_perm("cases.correct_statuschange")
    assert not analyst.is_staff and not officer.is_staff


def test_changing_role_replaces_the_old_one():
    user, created = user_provision(username="sam", role=Role.OFFICER, password="a-long-enough-password")
    assert created
    user, created = user_provision(username="sam", role=Role.ANALYST)
    assert not created
    assert list(user.groups.values_list("name", flat=True)) == [Role.ANALYST]
    assert user.check_password("a-long-enough-password")  # untouched without --password


def test_every_permission_named_in_the_role_table_exists():
    from django.contrib.auth.models import Permission

    from core.roles import ROLE_PERMISSIONS

    existing = {f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.select_related("content_type")}
    for role, codenames in ROLE_PERMISSIONS.items():
        assert codenames <= existing, (role, codenames - existing)
        assert perms(role) == codenames


def test_a_person_without_a_role_sees_nothing_of_the_cell(client, db, roles):
    """Probing found an account created in the admin and never given a role could read the detainee
    list, case pages, channels, the dashboard, and the API's schema and docs."""
    from core.models import User
    from tests.factories import PASSWORD

    user = User.objects.create_user(username="newcomer", password=PASSWORD)  # as the admin's "add user" does
    assert user.role is None
    client.login(username="newcomer", password=PASSWORD)
    for path in ("/", "/detainees/", "/channels/", "/lists/", "/notifications/", "/subscriptions/"):
        page = client.get(path)
        assert page.status_code == 403, path
        assert "no role yet" in page.content.decode() and 'aria-label="Main"' not in page.content.decode()
    for path in ("/api/v1/detainees/", "/api/v1/schema/", "/api/v1/docs/"):
        assert client.get(path).status_code == 403, path
    assert client.post("/accounts/logout/").status_code == 302
