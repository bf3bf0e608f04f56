from typing import Any

from django.core.management.base import BaseCommand

from ehelsenord.agreements.services import agreements_remind_and_expire


class Command(BaseCommand):
    help = (
        "E-mail the contacts of unanswered intent agreements on the days before the answer deadline "
        "(AGREEMENT_REMINDER_DAYS), and mark agreements past the deadline as expired. Run it daily; "
        "running it twice on the same day sends nothing twice."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        run = agreements_remind_and_expire()
        self.stdout.write(f"Påminnelser sendt: {run.reminded}. Utløpt: {run.expired}.")
