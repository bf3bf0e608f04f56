from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from ehelsenord.public.services import join_requests_delete_personal_data


class Command(BaseCommand):
    help = (
        "Delete the personal data of join requests rejected more than JOIN_REQUEST_RETENTION_DAYS days ago "
        "(the rows stay, emptied, for the counts). Run it daily; running it twice deletes nothing twice."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = join_requests_delete_personal_data()
        days = settings.JOIN_REQUEST_RETENTION_DAYS
        self.stdout.write(f"Forespørsler tømt for personopplysninger: {count} (avvist for over {days} dager siden).")
