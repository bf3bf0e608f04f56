"""What every bench script shares: its own database, emptied and loaded with the reference data.

Import it first thing: it points Django at bench/results/<name>.sqlite3 (or BENCH_DATABASE_URL,
which must name a database with "bench" in its name, since it is emptied) and sets Django up.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "")


def setup(name: str) -> Path:
    """Configure the database for the bench script `name` and set Django up; return the SQLite file."""
    sys.path.insert(0, str(ROOT))
    RESULTS.mkdir(parents=True, exist_ok=True)
    db_file = RESULTS / f"{name}.sqlite3"
    if BENCH_DATABASE_URL and "bench" not in BENCH_DATABASE_URL.rsplit("/", 1)[-1]:
        # The benchmark empties the database it is given: refuse anything not named as a benchmark's.
        sys.exit("BENCH_DATABASE_URL must name a database with 'bench' in its name; it will be emptied.")
    os.environ["DATABASE_URL"] = BENCH_DATABASE_URL or f"sqlite:///{db_file}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    os.environ["DATABASE_CONN_MAX_AGE"] = "0"
    import django

    django.setup()
    return db_file


def fresh_database(db_file: Path) -> None:
    """An empty, migrated database with the reference data (counties, municipalities, catalogue)."""
    from django.core.management import call_command

    if db_file.exists() and not BENCH_DATABASE_URL:
        db_file.unlink()
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("load_reference_data", verbosity=0)


def analyze() -> None:
    """On PostgreSQL, give the planner statistics for the data just loaded, as autovacuum does in
    production a while after a load (without them it misjudges the joins of the history).
    SQLite is left as a deployment leaves it: without ANALYZE."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
