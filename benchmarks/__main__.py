"""``python -m benchmarks [--quick] [--only M,C] [--json PATH] [--markdown PATH]``."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

from benchmarks.harness import Settings
from benchmarks.report import describe_environment, environment, load_average, markdown, table
from benchmarks.runner import WORKLOADS, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="chainrule against micrograd, plain floats, numpy and torch, side by side.",
        epilog="workloads: " + "; ".join(f"{k} = {d}" for k, (d, _) in WORKLOADS.items()),
    )
    parser.add_argument("--quick", action="store_true", help="a short run (under a minute)")
    parser.add_argument("--only", metavar="IDS", help="comma-separated workload ids, e.g. M,C,BM")
    parser.add_argument("--json", metavar="PATH", type=Path, help="also save the results as JSON")
    parser.add_argument("--markdown", metavar="PATH", type=Path, help="also save a Markdown table")
    parser.add_argument(
        "--unpinned",
        action="store_true",
        help="leave BLAS threads and malloc thresholds at their defaults (pinned: 1 thread)",
    )
    parser.add_argument(
        "--cpu-time",
        action="store_true",
        help="time with the process's CPU time, not the wall clock (for a loaded machine)",
    )
    args = parser.parse_args(argv)

    settings = Settings.quick() if args.quick else Settings.full()
    if args.cpu_time:
        settings = dataclasses.replace(settings, cpu_time=True)
    only = args.only.split(",") if args.only else None
    info = environment()
    print(f"chainrule benchmarks ({settings.name} run)")
    print(describe_environment(info))
    print(
        f"  method          warm-up, median of {settings.repeats} repetitions "
        f"(each ≥ {settings.min_time:g} s), gc on, gc.collect() between repetitions, "
        + ("CPU time (process_time)" if settings.cpu_time else "wall time (perf_counter)")
    )
    print(
        "  note            micrograd's recursive topological sort runs with a raised "
        "recursion limit; nothing else does\n",
        flush=True,
    )
    start = time.perf_counter()
    pinning: dict[str, str] = {}
    try:
        rows = run(
            settings,
            only,
            progress=lambda msg: print(msg, file=sys.stderr, flush=True),
            threads=None if args.unpinned else 1,
            info=pinning,
        )
    except ValueError as exc:
        parser.error(str(exc))
    elapsed = time.perf_counter() - start
    info.update(pinning)
    print("\n".join(f"  {key:<15} {value}" for key, value in pinning.items()))
    print(table(rows))
    print(f"total time {elapsed:.1f} s; load average at the end {load_average()}")
    if args.json:
        payload = {"settings": settings.__dict__, "environment": info, "seconds": elapsed,
                   "rows": [row.as_dict() for row in rows]}  # fmt: skip
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    if args.markdown:
        args.markdown.write_text(markdown(rows) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
