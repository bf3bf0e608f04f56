"""Loading the catalogue of solutions and phase templates from data/catalogue.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from ehelsenord.solutions.enums import STAGE_ORDER, Stage
from ehelsenord.solutions.models import Phase, PhaseTemplate, Solution

CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "catalogue.json"


class CatalogueError(ValueError):
    pass


def _check_template(template: dict[str, Any]) -> None:
    stages = [Stage(phase["stage"]) for phase in template["phases"]]
    if not stages or stages[0] != Stage.NOT_STARTED or stages.count(Stage.NOT_STARTED) != 1:
        raise CatalogueError(f"Template {template['slug']}: the first phase, and only it, must be 'not_started'.")
    if Stage.IN_PRODUCTION not in stages:
        raise CatalogueError(f"Template {template['slug']}: needs an 'in_production' phase.")
    if [STAGE_ORDER[stage] for stage in stages] != sorted(STAGE_ORDER[stage] for stage in stages):
        raise CatalogueError(f"Template {template['slug']}: phases must follow the order of the stages.")


@transaction.atomic
def catalogue_load(path: Path = CATALOGUE_FILE) -> int:
    """Create or update phase templates and solutions; idempotent. Returns the number of solutions."""
    data = json.loads(path.read_text(encoding="utf-8"))
    templates: dict[str, PhaseTemplate] = {}
    for template_data in data["phase_templates"]:
        _check_template(template_data)
        template, _created = PhaseTemplate.objects.update_or_create(
            slug=template_data["slug"], defaults={"name": template_data["name"]}
        )
        templates[template.slug] = template
        keys = [phase["key"] for phase in template_data["phases"]]
        # Move positions out of the way first so that reordering never breaks the unique constraint.
        existing = list(template.phases.all())
        for phase in existing:
            phase.position += 1000
        Phase.objects.bulk_update(existing, ["position"])
        for position, phase_data in enumerate(template_data["phases"]):
            Phase.objects.update_or_create(
                template=template,
                key=phase_data["key"],
                defaults={"name": phase_data["name"], "stage": phase_data["stage"], "position": position},
            )
        stale = template.phases.exclude(key__in=keys)
        if stale.exists():
            raise CatalogueError(
                f"Template {template.slug}: phases {sorted(stale.values_list('key', flat=True))} are no longer "
                "in the file; move records off them before removing them."
            )

    solutions: dict[str, Solution] = {}
    for position, entry in enumerate(data["solutions"]):
        solution, _created = Solution.objects.update_or_create(
            slug=entry["slug"],
            defaults={
                "name": entry["name"],
                "short_name": entry["short_name"],
                "kind": entry["kind"],
                "description": entry["description"],
                "owner": entry["owner"],
                "services": entry["services"],
                "statutory": entry["statutory"],
                "statutory_note": entry["statutory_note"],
                "source_url": entry["source_url"],
                "status": entry["status"],
                "status_note": entry["status_note"],
                "phase_template": templates[entry["phase_template"]],
                "position": position,
            },
        )
        solutions[solution.slug] = solution
    for entry in data["solutions"]:
        unknown = set(entry["prerequisites"]) - set(solutions)
        if unknown:
            raise CatalogueError(f"Solution {entry['slug']}: unknown prerequisites {sorted(unknown)}.")
        solutions[entry["slug"]].prerequisites.set([solutions[slug] for slug in entry["prerequisites"]])
    return len(solutions)
