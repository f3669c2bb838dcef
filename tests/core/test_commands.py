"""The management commands a deployment script relies on: create_user, and manage.py check --deploy."""

import secrets
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core.models import User
from tests.processes import manage, subprocess_env

pytestmark = pytest.mark.django_db


def run(*args) -> list[str]:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().splitlines()


def test_create_user_with_password():
    lines = run("create_user", "lead", "--role", "admin", "--password", "a-long-enough-password")
    assert lines == ["Created user lead with role admin."]
    user = User.objects.get(username="lead")
    assert user.check_password("a-long-enough-password")
    assert user.role == "admin" and user.is_staff and not user.is_superuser


def test_create_user_without_password_prints_a_generated_one_last():
    lines = run("create_user", "ana", "--role", "analyst")
    user = User.objects.get(username="ana")
    assert lines[0] == "Created user ana with role analyst."
    assert user.check_password(lines[-1])
    assert len(lines[-1]) >= 16


def test_create_user_again_changes_the_role_and_keeps_the_password():
    run("create_user", "oli", "--role", "officer", "--password", "a-long-enough-password")
    lines = run("create_user", "oli", "--role", "analyst")
    assert lines == ["Updated user oli with role analyst."]
    user = User.objects.get(username="oli")
    assert user.role == "analyst" and user.check_password("a-long-enough-password")


def test_create_user_refuses_a_weak_password_and_unknown_role():
    with pytest.raises(CommandError, match="too short"):
        run("create_user", "weak", "--role", "officer", "--password", "abc")
    assert not User.objects.filter(username="weak").exists()
    with pytest.raises(CommandError):
        run("create_user", "who", "--role", "superhero")


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = subprocess_env(DEBUG="false", SECRET_KEY=None, DJANGO_SETTINGS_MODULE="hostage_tracker.settings")
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_check_deploy():
    env = subprocess_env(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        SECURE_SSL_REDIRECT=None,
        ALLOWED_HOSTS="tracker.example.org",
        DJANGO_SETTINGS_MODULE="hostage_tracker.settings",
    )
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_static_files_collect(tmp_path):
    """The production image runs collectstatic with the hashed-manifest storage, which refuses any
    asset that references a missing file (a vendored library's source map, say)."""
    env = subprocess_env(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        STATIC_ROOT=str(tmp_path),
        DJANGO_SETTINGS_MODULE="hostage_tracker.settings",
    )
    result = manage("collectstatic", "--no-input", "-v0", env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/htmx-2.0.11.min.js" in manifest and "css/app.css" in manifest
