from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from ehelsenord.municipalities.services import geography_load
from ehelsenord.solutions.services import catalogue_load


class Command(BaseCommand):
    help = "Load counties, municipalities (2024 structure), the region and the solution catalogue. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        result = geography_load()
        solutions = catalogue_load()
        self.stdout.write(
            f"Reference data: {result.created} created, {result.updated} updated, {result.unchanged} unchanged "
            f"(counties and municipalities); region {settings.REGION_NAME} = counties "
            f"{', '.join(settings.REGION_COUNTIES)}; {solutions} solutions in the catalogue."
        )
