"""python -m bench [--only AREA,…] [--target sqlite|postgresql] [--explain]

Without --target, runs each target (SQLite always, PostgreSQL when AFTERSALES_BENCH_POSTGRES_URL
is set) in its own process — settings are read once per process — and prints one table.
Environment: AFTERSALES_BENCH_REBUILD=1 rebuilds the cached load data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import subprocess
import sys
from typing import Any

from bench.database import log, targets
from bench.report import machine_info, print_table

# Measured areas: name → module with `run(ctx: Context) -> list[Figure]`. Add a module, add a line.
AREAS: dict[str, str] = {
    "lookup": "bench.lookup",
    "coverage": "bench.coverage",
    "clocks": "bench.clocks",
    "deadlines": "bench.deadlines",
    "service": "bench.service",
    "complaints": "bench.complaints",
    "share": "bench.share",
    "audit": "bench.audit",
    "workday": "bench.workday",
    "loop": "bench.loop",
    "stats": "bench.stats",
    "parts": "bench.parts",
    "parts_flow": "bench.parts_flow",
}
RESULT_MARK = "BENCH-RESULT "


def run_target(target: str, url: str, areas: list[str], explain: bool) -> dict[str, Any]:
    """In this process: set Django up on the bench database, load the data, run the areas."""
    from bench.database import setup_django

    setup_django(url)
    import django
    from django.db import connection

    from bench.context import make_context
    from bench.dataset import ensure_loaded

    meta = ensure_loaded()
    ctx = make_context(target, meta)
    if explain:
        from bench.lookup import explain as lookup_explain

        return {"explain": lookup_explain(ctx)}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
        else:
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
    figures = []
    for name in areas:
        log(f"{target}: {name} …")
        module = importlib.import_module(AREAS[name])
        figures += [f.as_dict() for f in module.run(ctx)]
    return {
        "info": {
            "database": version,
            "django": django.get_version(),
            "data": meta.get("counts"),
            "built": f"{meta.get('built_at')} in {meta.get('build_seconds')} s",
        },
        "figures": figures,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(AREAS), help=f"comma-separated areas ({', '.join(AREAS)})")
    parser.add_argument("--target", choices=["sqlite", "postgresql"], help="run one target in this process")
    parser.add_argument("--explain", action="store_true", help="print the lookup query plans instead")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # parent ↔ child protocol
    args = parser.parse_args(argv)
    areas = [a.strip() for a in args.only.split(",") if a.strip()]
    if unknown := [a for a in areas if a not in AREAS]:
        parser.error(f"unknown area(s): {', '.join(unknown)}")
    available = targets()

    if args.target:
        if args.target not in available:
            parser.error(f"target {args.target} is not configured (AFTERSALES_BENCH_POSTGRES_URL)")
        result = run_target(args.target, available[args.target], areas, args.explain)
        if args.json:
            print(RESULT_MARK + json.dumps(result, ensure_ascii=False), flush=True)
        else:
            print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0

    results: dict[str, dict[str, Any]] = {}
    for target in available:
        command = [sys.executable, "-m", "bench", "--target", target, "--only", ",".join(areas), "--json"]
        if args.explain:
            command.append("--explain")
        proc = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
        lines = [line for line in proc.stdout.splitlines() if line.startswith(RESULT_MARK)]
        if proc.returncode != 0 or not lines:
            print(f"bench: the {target} run failed (exit {proc.returncode})", file=sys.stderr)
            return proc.returncode or 1
        results[target] = json.loads(lines[-1][len(RESULT_MARK) :])

    if args.explain:
        for target, result in results.items():
            for query, item in result["explain"].items():
                print(f"== {target} — {query}\n{item['sql']}\n  " + "\n  ".join(item["plan"]) + "\n")
        return 0
    info = machine_info()
    print(f"aftersales bench — {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %z}")
    print(f"machine: nproc={info['nproc']}, {info['cpu']}, Python {info['python']}, {info['platform']}")
    for target, result in results.items():
        i = result["info"]
        print(f"{target}: {i['database']}, Django {i['django']}; data {i['data']}; built {i['built']}")
    print()
    print_table(results)
    missed = sum(1 for r in results.values() for f in r["figures"] if f["ok"] is False)
    print(f"\n{'all goals met' if not missed else f'{missed} goal(s) missed'} (✓ met, ✗ missed)")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
