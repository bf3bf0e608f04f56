"""Benchmark: the buddy-network optimizer on the region and on all of Norway.

Builds two instances from the project's own reference data (ehelsenord/municipalities/data/
municipalities.csv and health_communities.csv): the region (counties 18, 55 and 56, 80
municipalities) and all 357 municipalities of Norway. Every municipality is a participant and
none is in production with the solution, so only the population threshold makes a lead; the
settings are the defaults except the time limit. Each instance is solved with
`optimizer.solve` and with the greedy baseline `optimizer.greedy`. No database is used.
Prints a table and, on its last line, one JSON object. Wall-clock and CPU times are both given:
HiGHS runs on one thread here, so the CPU time shows what other work on the machine added to
the wall-clock time (the load average is printed).

    .venv/bin/python bench/networks.py

Targets: the region proven optimal within 5 s; all of Norway proven optimal or within 1 % of the
bound within 30 s.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "ehelsenord" / "municipalities" / "data"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from ehelsenord.networks import optimizer  # noqa: E402

REGION_COUNTIES = {"18", "55", "56"}
INSTANCES = (("region", 20.0, 5.0), ("national", 28.0, 30.0))  # name, time limit, target seconds
NATIONAL_GAP_TARGET = 0.01


def participants(counties: set[str] | None) -> tuple[optimizer.Participant, ...]:
    """Every municipality of the given counties (all when None), none in production, none marked."""
    with (DATA / "health_communities.csv").open(encoding="utf-8") as file:
        communities = {row["municipality_number"]: row["health_community"] for row in csv.DictReader(file)}
    with (DATA / "municipalities.csv").open(encoding="utf-8") as file:
        rows = [row for row in csv.DictReader(file) if counties is None or row["county_number"] in counties]
    return tuple(
        optimizer.Participant(
            number=row["number"],
            name=row["name_nb"],
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            population=int(row["population"]),
            county=row["county_number"],
            community=communities.get(row["number"], ""),
        )
        for row in rows
    )


def measure(name: str, time_limit: float, target_s: float) -> dict[str, Any]:
    people = participants(REGION_COUNTIES if name == "region" else None)
    instance = optimizer.Instance(participants=people, settings=replace(optimizer.Settings(), time_limit=time_limit))
    start, start_cpu = time.perf_counter(), time.process_time()
    result = optimizer.solve(instance)
    solve_s, solve_cpu_s = time.perf_counter() - start, time.process_time() - start_cpu
    assert result.objective is not None and result.bound is not None, result.problems
    assert not optimizer.violations(instance, result.assignment)
    start = time.perf_counter()
    baseline = optimizer.greedy(instance)
    greedy_s = time.perf_counter() - start
    greedy_objective = optimizer.objective(instance, baseline) if baseline is not None else None
    gap = result.gap or 0.0
    if name == "region":
        within_target = result.proven_optimal and solve_s <= target_s
    else:
        within_target = (result.proven_optimal or gap <= NATIONAL_GAP_TARGET) and solve_s <= target_s
    return {
        "participants": len(people),
        "eligible_leads": sum(optimizer.is_eligible(p, instance.settings) for p in people),
        "networks": len(set(result.assignment.values())),
        "time_limit_s": time_limit,
        "solve_s": round(solve_s, 2),
        "solve_cpu_s": round(solve_cpu_s, 2),
        "objective": round(result.objective, 1),
        "bound": round(result.bound, 1),
        "gap_percent": round(gap * 100, 3),
        "proven_optimal": result.proven_optimal,
        "greedy_objective": round(greedy_objective, 1) if greedy_objective is not None else None,
        "greedy_s": round(greedy_s, 3),
        "better_than_greedy_percent": (
            round((greedy_objective - result.objective) / greedy_objective * 100, 1) if greedy_objective else None
        ),
        "target_s": target_s,
        "within_target": within_target,
    }


def main() -> None:
    figures = {name: measure(name, limit, target) for name, limit, target in INSTANCES}
    summary = {
        "bench": "networks",
        "date": date.today().isoformat(),
        "machine": f"{platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "settings": "defaults except time_limit; nobody in production, nobody marked",
        **figures,
        "total_s": round(sum(f["solve_s"] for f in figures.values()), 2),
        "load_average": [round(load, 1) for load in os.getloadavg()],
    }
    rows = [
        ("participants", "participants", "{}"),
        ("eligible leads", "eligible_leads", "{}"),
        ("networks", "networks", "{}"),
        ("solve time (wall)", "solve_s", "{} s"),
        ("solve time (CPU)", "solve_cpu_s", "{} s"),
        ("objective", "objective", "{}"),
        ("bound", "bound", "{}"),
        ("gap", "gap_percent", "{} %"),
        ("proven optimal", "proven_optimal", "{}"),
        ("greedy objective", "greedy_objective", "{}"),
        ("greedy time", "greedy_s", "{} s"),
        ("better than greedy", "better_than_greedy_percent", "{} %"),
        ("target (wall)", "target_s", "≤ {} s"),
        ("within target", "within_target", "{}"),
    ]
    print(f"{'':<22}{'region':>16}{'all of Norway':>16}")
    for label, key, template in rows:
        cells = [template.format(figures[name][key]) for name, _limit, _target in INSTANCES]
        print(f"{label:<22}{cells[0]:>16}{cells[1]:>16}")
    print(f"total solve time {summary['total_s']} s (target ≤ 30 s); load average {summary['load_average']}")
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
