from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.access import partner_scope
from core.models import User
from partners.services.partners import nationalities_parse, partner_ensure
from partners.services.tokens import token_issue


class Command(BaseCommand):
    help = (
        "Issue an API token for a user (acting with the user's role) or for a partner (read-only, "
        "scoped to nationalities). Prints the token once, alone on the last line."
    )

    def add_arguments(self, parser):
        owner = parser.add_mutually_exclusive_group(required=True)
        owner.add_argument("--user", help="Username of an existing user.")
        owner.add_argument("--partner", help="Partner name; created if --nationalities is given.")
        parser.add_argument("--nationalities", help="Comma-separated ISO 3166-1 codes of the partner's scope.")
        parser.add_argument(
            "--country",
            help="The state the partner represents (ISO 3166-1): citizenships withheld from it stay hidden.",
        )
        parser.add_argument("--name", default="", help="A label for the token.")
        parser.add_argument("--expires-days", type=int, help="Expire after this many days (default: never).")

    def handle(self, *args, user, partner, nationalities, country, name, expires_days, **options):
        expires_at = None
        if expires_days is not None:
            if expires_days < 1:
                raise CommandError("--expires-days must be at least 1")
            expires_at = timezone.now() + timedelta(days=expires_days)
        if user is not None:
            if nationalities or country:
                raise CommandError("--nationalities and --country go with --partner")
            owner = User.objects.filter(username=user, is_active=True).first()
            if owner is None:
                raise CommandError(f"No active user named {user!r}.")
            token, text = token_issue(user=owner, name=name, expires_at=expires_at)
            self.stdout.write(f"Token {token.prefix}… for user {owner.username} (role {owner.role}).")
        else:
            try:
                codes = nationalities_parse(nationalities) if nationalities else None
                owner, _ = partner_ensure(name=partner, nationalities=codes, country=country)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            token, text = token_issue(partner=owner, name=name, expires_at=expires_at)
            self.stdout.write(
                f"Token {token.prefix}… for partner {owner.name} (read-only; nationalities "
                f"{', '.join(partner_scope(owner))}"
                f"{f'; represents {owner.country.code}' if owner.country else ''})."
            )
        if expires_at:
            self.stdout.write(f"Expires {expires_at.isoformat()}.")
        self.stdout.write("The token, shown once:")
        self.stdout.write(text)
