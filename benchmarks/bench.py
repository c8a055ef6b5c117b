"""`make bench`: every benchmark in one run; prints each table and writes one JSON file.

Runs benchmarks/bench_flow.py (gradient flow against the naive method and autograd),
bench_cells.py (training throughput against torch.nn), bench_widgets.py (kernel time of the
renderer's widgets), bench_latency.py (browser latency, JupyterLab + headless Chromium) and
bench_labs.py (each lab's run time and peak memory on one core), in that order. The machine's
load average is recorded with every part: timings on a shared machine move with it.
Run: python benchmarks/bench.py [--out benchmarks/results.json] [--only latency,widgets]
"""

import argparse
import importlib.util
import json
import os
import platform
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PARTS = ("flow", "cells", "widgets", "latency", "labs")


def load(name):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", HERE / f"bench_{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(HERE / "results.json"))
    parser.add_argument("--only", default=",".join(PARTS))
    args = parser.parse_args()
    results = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "platform": platform.platform()},
               "started": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
    for name in args.only.split(","):
        load_before = os.getloadavg()
        print(f"\n== bench_{name}.py  (load average {load_before})", flush=True)
        start = time.perf_counter()
        figures = load(name).main()
        results[name] = {"load_before": load_before, "load_after": os.getloadavg(),
                         "seconds": time.perf_counter() - start, **(figures or {})}
    Path(args.out).write_text(json.dumps(results, indent=1, default=float) + "\n")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
