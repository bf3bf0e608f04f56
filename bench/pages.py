"""Benchmark: server time and query count of the main pages on the national data set.

Builds 357 municipalities × the whole catalogue, with five years of monthly history per record,
in a separate database, then measures 20 requests per page through Django's test client
(server time only: no network, no browser), and the export and import of the region's records.
Prints a table and, on its last line, one JSON object.

    .venv/bin/python bench/pages.py                  # a fresh SQLite file under bench/results/
    BENCH_DATABASE_URL=postgres://…/ehelsenord_bench .venv/bin/python bench/pages.py

The PostgreSQL database's name must contain "bench": it is emptied first.
"""

from __future__ import annotations

import io
import json
import os
import platform
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from benchdb import analyze, fresh_database, setup

DB_FILE = setup("pages")

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

REQUESTS = 20
HISTORY_MONTHS = 60


def build_dataset() -> dict[str, int]:
    from ehelsenord.accounts.enums import Role
    from ehelsenord.accounts.models import User
    from ehelsenord.municipalities.models import Municipality
    from ehelsenord.rollout.enums import ChangeSource, Evidence, TrafficLight
    from ehelsenord.rollout.models import Implementation, ImplementationChange
    from ehelsenord.solutions.selectors import solution_list

    fresh_database(DB_FILE)
    user = User.objects.create_user("bench@ehelsenord.example", "bench-password-123", full_name="Bench Koordinator")
    user.role = Role.EHEALTH_CONTACT
    user.save()
    rng = random.Random(357)
    now = datetime(2026, 11, 27, 12, tzinfo=UTC)
    records = []
    solutions = solution_list()
    for municipality in Municipality.objects.all():
        for solution in solutions:
            phases = list(solution.phase_template.phases.all())
            phase = phases[rng.randrange(len(phases))]
            records.append(
                Implementation(
                    municipality=municipality,
                    solution=solution,
                    phase=phase,
                    traffic_light=rng.choice(TrafficLight.values),
                    note=f"Notat {rng.randrange(1000)}",
                    target_date=date(2027, rng.randrange(1, 13), 1),
                    evidence=rng.choice(Evidence.values),
                    public=rng.random() < 0.9,
                    updated_by=user,
                    updated_at=now - timedelta(days=rng.randrange(365)),
                )
            )
    Implementation.objects.bulk_create(records, batch_size=2000)
    # Each record reached its phase step by step over the last two years: one phase change per
    # step (at most three), so the divide's trend and the public embargo have history to rebuild.
    phase_changes = []
    templates = {solution.pk: list(solution.phase_template.phases.all()) for solution in solutions}
    for pk, solution_id, phase_id in Implementation.objects.values_list("pk", "solution_id", "phase_id"):
        phases = templates[solution_id]
        index = next(i for i, phase in enumerate(phases) if phase.pk == phase_id)
        moments = sorted(rng.randrange(1, 730) for _ in range(min(index, 3)))
        for step, days_ago in enumerate(moments):
            phase_changes.append(
                ImplementationChange(
                    implementation_id=pk,
                    changed_at=now - timedelta(days=days_ago, minutes=rng.randrange(1440)),
                    changed_by=user,
                    source=ChangeSource.IMPORT,
                    field="phase",
                    old_value=phases[index - step - 1].key,
                    new_value=phases[index - step].key,
                )
            )
    ImplementationChange.objects.bulk_create(phase_changes, batch_size=5000)
    changes = []
    for record in Implementation.objects.only("pk"):
        for month in range(HISTORY_MONTHS):
            changes.append(
                ImplementationChange(
                    implementation_id=record.pk,
                    # Spread over the month, as real edits are (not all records at the same instant).
                    changed_at=now - timedelta(days=30 * month, minutes=rng.randrange(43_000)),
                    changed_by=user,
                    source=ChangeSource.IMPORT,
                    field="note",
                    old_value=f"Notat {month + 1}",
                    new_value=f"Notat {month}",
                )
            )
        if len(changes) >= 50_000:
            ImplementationChange.objects.bulk_create(changes, batch_size=5000)
            changes = []
    ImplementationChange.objects.bulk_create(changes, batch_size=5000)
    return {
        "municipalities": Municipality.objects.count(),
        "solutions": len(solutions),
        "records": Implementation.objects.count(),
        "history_entries": ImplementationChange.objects.count(),
    }


def measure(client: Client, url: str) -> dict[str, float | int]:
    client.get(url)  # warm-up: template loading, caches
    timings = []
    queries = 0
    for _ in range(REQUESTS):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = max(queries, len(captured))
    timings.sort()
    return {
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        "queries": queries,
    }


def measure_report(client: Client, url: str, runs: int = 3) -> dict[str, float | int]:
    """The leader report: wall-clock and CPU seconds per PDF (it takes seconds, so fewer runs)."""
    client.get(url)  # warm-up: fonts, templates
    walls, cpus = [], []
    size = 0
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        assert response.status_code == 200, (url, response.status_code)
        size = len(response.content)
    return {
        "median_s": round(statistics.median(walls), 2),
        "max_s": round(max(walls), 2),
        "cpu_median_s": round(statistics.median(cpus), 2),
        "bytes": size,
    }


def measure_exchange(client: Client) -> dict[str, float | int]:
    from ehelsenord.rollout.models import ImplementationChange

    start = time.perf_counter()
    response = client.get("/regneark/eksport/", {"format": "xlsx", "omrade": "region"})
    export_ms = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.status_code
    content = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]

    # Change every row's note so the import really writes (and records history for) every record.
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    note_column = header.index("notat") + 1
    rows = sheet.max_row - 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=note_column, value=f"Importert {row}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "region.xlsx"
    before = ImplementationChange.objects.count()
    start = time.perf_counter()
    response = client.post("/regneark/import/", {"fil": buffer})
    import_ms = (time.perf_counter() - start) * 1000
    written = ImplementationChange.objects.count() - before
    assert response.status_code in (200, 302), response.status_code
    assert written >= rows * 0.9, (written, rows)
    return {
        "export_ms": round(export_ms, 1),
        "import_ms": round(import_ms, 1),
        "rows": rows,
        "history_written": written,
    }


def main() -> None:
    from ehelsenord.accounts.models import User

    setup_test_environment()
    started = time.perf_counter()
    dataset = build_dataset()
    analyze()
    build_s = round(time.perf_counter() - started, 1)
    client = Client()
    client.force_login(User.objects.get(email="bench@ehelsenord.example"))
    pages = {
        "oversikt": "/",
        "matrix_region": "/status/",
        "matrix_national": "/status/?omrade=norge",
        "kommune_bodo": "/kommuner/1804/",
        "forskjeller_region": "/forskjeller/?omrade=region",
        "forskjeller_national": "/forskjeller/?omrade=norge",
        "kart_region": "/forskjeller/kart/?omrade=region",
        "kart_national": "/forskjeller/kart/?omrade=norge",
        "utvikling_region": "/forskjeller/utvikling/?omrade=region",
        "utvikling_national": "/forskjeller/utvikling/?omrade=norge",
        "kommunestatus": "/kommunestatus/",
        "apne_data_json": "/apne-data/status.json",
    }
    results: dict[str, object] = {name: measure(client, url) for name, url in pages.items()}
    results["report_pdf_region"] = measure_report(client, "/forskjeller/rapport.pdf?omrade=region")
    results["exchange_region"] = measure_exchange(client)
    summary = {
        "bench": "pages",
        "date": date.today().isoformat(),
        "machine": f"{platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "database": connection.vendor,
        "dataset": dataset,
        "build_s": build_s,
        "requests_per_page": REQUESTS,
        **results,
    }
    print(f"{'page':<18}{'median ms':>12}{'p95 ms':>10}{'queries':>9}")
    for name in pages:
        figures = results[name]
        assert isinstance(figures, dict)
        print(f"{name:<18}{figures['median_ms']:>12}{figures['p95_ms']:>10}{figures['queries']:>9}")
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
