from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.access import partner_scope
from partners.services.partners import nationalities_parse, partner_ensure, webhook_endpoint_create


class Command(BaseCommand):
    help = (
        "Register a partner's webhook URL. Prints the signing secret (whsec_...) once, alone on the last "
        "line. An unknown partner is created when --nationalities is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--partner", required=True, help="The partner's name.")
        parser.add_argument("--url", required=True, help="https URL that receives the signed events.")
        parser.add_argument("--nationalities", help="Comma-separated ISO codes, to create the partner, e.g. RU,IL.")

    def handle(self, *args, partner: str, url: str, nationalities: str | None, **options):
        try:
            codes = nationalities_parse(nationalities) if nationalities else None
            owner, created = partner_ensure(name=partner, nationalities=codes)
            endpoint = webhook_endpoint_create(partner=owner, url=url)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if created:
            self.stdout.write(f"Created partner {owner.name} (nationalities {', '.join(partner_scope(owner))}).")
        self.stdout.write(
            f"Webhook {endpoint.id} for {owner.name} -> {endpoint.url} "
            f"(scope: {', '.join(partner_scope(owner))}). Signing secret, shown once:"
        )
        self.stdout.write(endpoint.secret)
