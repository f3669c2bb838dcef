import secrets

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.choices import Role
from core.models import User
from core.services import user_provision


class Command(BaseCommand):
    help = (
        "Create a user with a role, or give an existing user that role. A new user without --password "
        "gets a random password, printed once on the last line."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--password", help="Set this password; without it a new user gets a random one.")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, role, password, email, **options):
        generated = None
        if password is None and not User.objects.filter(username=username).exists():
            generated = password = secrets.token_urlsafe(15)
        try:
            user, created = user_provision(username=username, role=role, password=password, email=email)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} user {user.username} with role {role}.")
        if generated:
            self.stdout.write("Password (shown once):")
            self.stdout.write(generated)
