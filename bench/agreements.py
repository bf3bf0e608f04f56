"""Benchmark: an agreement round for the whole region, its 80 PDF letters, and sending them.

Creates a round (the demo round's five solutions and letter) for the region's 80 municipalities
with `round_create`, renders every municipality's letter as PDF the way an e-mail attaches it
(`letters.letter_pdf(content.agreement_content(agreement))`), then sends the whole round with
`round_send` through Django's in-memory mail backend (one contact per municipality, each e-mail
with its PDF). Everything runs in a separate database. Prints a table and, on its last line, one
JSON object. Wall-clock and CPU times are both given: rendering is CPU-bound, so the CPU time
shows what other work on the machine added to the wall-clock time (the load average is printed).

    .venv/bin/python bench/agreements.py                  # a fresh SQLite file under bench/results/
    BENCH_DATABASE_URL=postgres://…/ehelsenord_bench .venv/bin/python bench/agreements.py

The PostgreSQL database's name must contain "bench": it is emptied first.
Target: the round and its 80 letters within 30 s.
"""

from __future__ import annotations

import io
import json
import os
import platform
import statistics
import time
from datetime import date

from benchdb import fresh_database, setup

DB_FILE = setup("agreements")

from django.core import mail  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

TARGET_S = 30.0


def build_dataset() -> dict[str, int]:
    """The reference data, a coordinator and one municipality contact per municipality of the region."""
    from ehelsenord.accounts.enums import Role
    from ehelsenord.accounts.models import User
    from ehelsenord.municipalities.models import Municipality

    fresh_database(DB_FILE)
    User.objects.create_user(
        "bench@ehelsenord.example", "bench-password-123", full_name="Bench Koordinator", role=Role.EHEALTH_CONTACT
    )
    region = list(Municipality.objects.filter(county__in_region=True).order_by("number"))
    for municipality in region:
        contact = User.objects.create_user(
            f"kontakt-{municipality.number}@ehelsenord.example",
            "bench-password-123",
            full_name=f"Kontakt {municipality.name}",
            role=Role.MUNICIPALITY_CONTACT,
        )
        contact.municipalities.set([municipality])
    return {"municipalities": len(region), "contacts": len(region)}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share + 0.5) - 1)]


def main() -> None:
    from django.utils import timezone
    from pypdf import PdfReader

    from ehelsenord.accounts.models import User
    from ehelsenord.agreements.content import agreement_content
    from ehelsenord.agreements.letters import letter_pdf
    from ehelsenord.agreements.models import IntentAgreement
    from ehelsenord.agreements.selectors import agreement_get
    from ehelsenord.agreements.services import OfferInput, RoundInput, round_create, round_send
    from ehelsenord.demo.plan import plan_round
    from ehelsenord.solutions.models import Solution

    setup_test_environment()  # the in-memory mail backend (mail.outbox)
    started = time.perf_counter()
    dataset = build_dataset()
    build_s = time.perf_counter() - started
    coordinator = User.objects.get(email="bench@ehelsenord.example")
    plan = plan_round(today=timezone.localdate(), contacts={}, creator="")
    solutions = {s.slug: s for s in Solution.objects.filter(slug__in=[o.slug for o in plan.offers])}
    data = RoundInput(
        name=plan.name,
        period_start=plan.period_start,
        period_end=plan.period_end,
        answer_deadline=plan.answer_deadline,
        letter_nb=plan.letter_nb,
        letter_nn=plan.letter_nn,
        offers=[OfferInput(solutions[o.slug], o.reason, o.national_deadline) for o in plan.offers],
    )

    # 1. The round: one draft agreement per municipality of the region.
    start = time.perf_counter()
    round_ = round_create(by=coordinator, data=data)
    round_s = time.perf_counter() - start
    agreements = list(
        IntentAgreement.objects.filter(round=round_).order_by("municipality").values_list("pk", flat=True)
    )

    # 2. Every letter as PDF, each timed from loading the agreement to the PDF's bytes.
    letter_ms: list[float] = []
    pdfs: list[bytes] = []
    start, start_cpu = time.perf_counter(), time.process_time()
    for pk in agreements:
        letter_start = time.perf_counter()
        pdfs.append(letter_pdf(agreement_content(agreement_get(pk))))
        letter_ms.append((time.perf_counter() - letter_start) * 1000)
    letters_s, letters_cpu_s = time.perf_counter() - start, time.process_time() - start_cpu
    sizes = [len(pdf) for pdf in pdfs]
    pages = [len(PdfReader(io.BytesIO(pdf)).pages) for pdf in pdfs]
    round_and_letters_s = round_s + letters_s

    # 3. Sending the round: every e-mail with its letter, through the in-memory backend.
    mail.outbox = []
    start, start_cpu = time.perf_counter(), time.process_time()
    result = round_send(round_=round_, by=coordinator)
    send_s, send_cpu_s = time.perf_counter() - start, time.process_time() - start_cpu
    assert not result.error and not result.without_recipients, result
    assert len(result.sent) == len(mail.outbox) == len(agreements), (len(result.sent), len(mail.outbox))
    attachments = [len(message.attachments) for message in mail.outbox]
    assert attachments == [1] * len(agreements), attachments

    summary = {
        "bench": "agreements",
        "date": date.today().isoformat(),
        "machine": f"{platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "database": connection.vendor,
        "dataset": dataset,
        "offers": len(plan.offers),
        "build_s": round(build_s, 1),
        "round_create_s": round(round_s, 2),
        "letters": len(letter_ms),
        "letters_s": round(letters_s, 2),
        "letters_cpu_s": round(letters_cpu_s, 2),
        "letter_first_ms": round(letter_ms[0], 1),
        "letter_median_ms": round(statistics.median(letter_ms), 1),
        "letter_p95_ms": round(percentile(letter_ms, 0.95), 1),
        "letter_pages": sorted(set(pages)),
        "letter_bytes_median": int(statistics.median(sizes)),
        "letter_bytes_max": max(sizes),
        "round_and_letters_s": round(round_and_letters_s, 2),
        "target_s": TARGET_S,
        "within_target": round_and_letters_s <= TARGET_S,
        "round_send_s": round(send_s, 2),
        "round_send_cpu_s": round(send_cpu_s, 2),
        "load_average": [round(load, 1) for load in os.getloadavg()],
        "sent": len(result.sent),
    }
    print(f"{'step':<34}{'time':>12}")
    print(f"{'round_create (80 agreements)':<34}{round_s:>10.2f} s")
    print(f"{'80 PDF letters':<34}{letters_s:>10.2f} s  (CPU {letters_cpu_s:.2f} s)")
    print(f"{'  per letter, median / p95':<34}{summary['letter_median_ms']:>7} / {summary['letter_p95_ms']} ms")
    print(f"{'round + letters (target 30 s)':<34}{round_and_letters_s:>10.2f} s")
    print(f"{'round_send (80 e-mails with PDF)':<34}{send_s:>10.2f} s  (CPU {send_cpu_s:.2f} s)")
    print(f"pages per letter: {summary['letter_pages']}, bytes median {summary['letter_bytes_median']}")
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
