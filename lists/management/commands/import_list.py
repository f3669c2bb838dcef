"""manage.py import_list: upload a delivered list from a file, as the browser and the API do."""

from datetime import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.errors import Conflict
from lists.choices import Direction
from lists.services.imports import list_upload


class Command(BaseCommand):
    help = (
        "Import a list of names delivered through a channel (CSV, XLSX or PFIF XML); matching runs in the background."
    )

    def add_arguments(self, parser):
        parser.add_argument("--channel", required=True, help="the channel's id")
        parser.add_argument("--file", required=True, type=Path)
        parser.add_argument("--delivered-by", required=True, help="who handed the list over")
        parser.add_argument("--direction", default=Direction.TO_COUNTERPART, choices=Direction.values)
        parser.add_argument("--delivered-at", type=datetime.fromisoformat, help="ISO time with its offset")

    def handle(self, *args, channel, file, delivered_by, direction, delivered_at, **options):
        if not file.is_file():
            raise CommandError(f"No file {file}.")
        try:
            delivered = list_upload(
                channel_id=channel,
                direction=direction,
                delivered_by=delivered_by,
                delivered_at=delivered_at,
                file_name=file.name,
                content=file.read_bytes(),
                actor=None,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
        except Conflict as exc:
            raise CommandError(exc.message) from exc
        delivered.refresh_from_db()
        self.stdout.write(f"list {delivered.pk}: {delivered.row_count} rows, {delivered.status}")
