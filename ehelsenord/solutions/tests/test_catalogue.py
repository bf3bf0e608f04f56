import json
from pathlib import Path

import pytest

from ehelsenord.solutions.enums import SolutionKind, SolutionStatus
from ehelsenord.solutions.models import Phase, Solution
from ehelsenord.solutions.services import CATALOGUE_FILE, CatalogueError, catalogue_load

pytestmark = pytest.mark.django_db

REQUIRED = [
    "helsenettet",
    "helseid",
    "kjernejournal",
    "kjernejournal-pleie-og-omsorg",
    "pasientens-journaldokumenter",
    "e-resept",
    "pasientens-legemiddelliste",
    "elektronisk-multidose",
    "digital-dialog-fastlege",
    "digihelse",
    "digihelsestasjon",
    "plo-meldinger",
    "digital-hjemmeoppfolging",
    "velferdsteknologisk-knutepunkt",
    "digitalt-helsekort-gravide",
    "videokonsultasjon",
    "digital-trygghetsalarm",
    "lokaliseringsteknologi",
    "digitalt-tilsyn",
    "elektronisk-medisineringsstotte",
    "e-las",
    "responssenter",
]


def _prerequisites(slug: str) -> list[str]:
    return sorted(Solution.objects.get(slug=slug).prerequisites.values_list("slug", flat=True))


def test_catalogue_holds_every_required_solution_in_order() -> None:
    slugs = list(Solution.objects.values_list("slug", flat=True))
    assert [slug for slug in slugs if slug in REQUIRED] == REQUIRED


def test_catalogue_kinds_and_statuses() -> None:
    welfare = Solution.objects.filter(kind=SolutionKind.WELFARE_TECHNOLOGY).values_list("slug", flat=True)
    assert sorted(welfare) == sorted(REQUIRED[-6:])
    assert Solution.objects.get(slug="velferdsteknologisk-knutepunkt").status == SolutionStatus.PHASING_OUT
    assert "2026" in Solution.objects.get(slug="velferdsteknologisk-knutepunkt").status_note
    assert Solution.objects.get(slug="akson").status == SolutionStatus.HISTORICAL


def test_catalogue_prerequisites() -> None:
    assert _prerequisites("pasientens-legemiddelliste") == [
        "e-resept",
        "elektronisk-multidose",
        "helseid",
        "helsenettet",
        "kjernejournal",
    ]
    assert _prerequisites("helsenettet") == []
    for solution in Solution.objects.exclude(slug="helsenettet"):
        assert "helsenettet" in _prerequisites(solution.slug), solution.slug


def test_catalogue_default_template_has_the_standard_phases() -> None:
    phases = list(Phase.objects.filter(template__slug="standard").values_list("key", "stage"))
    assert phases == [
        ("ikke_startet", "not_started"),
        ("planlagt", "planned"),
        ("forberedelse", "preparing"),
        ("utproving", "piloting"),
        ("i_drift", "in_production"),
        ("gevinstrealisering", "realising_benefits"),
        ("ikke_aktuell", "not_relevant"),
    ]
    assert Solution.objects.get(slug="helsenettet").phase_template.slug == "medlemskap"


def test_catalogue_every_entry_has_description_owner_services_and_source() -> None:
    for solution in Solution.objects.all():
        assert solution.description and solution.owner and solution.source_url.startswith("https://"), solution.slug
        assert solution.services, solution.slug


def test_catalogue_load_twice_changes_nothing() -> None:
    before = list(Solution.objects.order_by("slug").values())
    assert catalogue_load() == Solution.objects.count()
    assert list(Solution.objects.order_by("slug").values()) == before


def test_catalogue_refuses_a_template_that_does_not_start_at_not_started(tmp_path: Path) -> None:
    data = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    data["phase_templates"][0]["phases"].reverse()
    broken = tmp_path / "catalogue.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CatalogueError, match="the first phase, and only it, must be 'not_started'"):
        catalogue_load(broken)
