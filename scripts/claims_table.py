"""Re-run the labs' checked claims under many seeds and both kernel paths: `make claims`.

Usage: python scripts/claims_table.py [LAB ...] [--seeds 0 1 2] [--kernels native default]
                                      [--jobs 2] [--out results/claims.md] [--resume]

Each (lab, seed, kernel path) runs once, in a temporary copy of labs/ and results/ of its own
(the stored outputs are never touched), with RNNVIZ_SEED replacing the seed that `setup_lab`
returns and RNNVIZ_CLAIMS_LOG collecting every `rnnviz.claims.claim` the lab makes. "native"
runs torch on the machine's own vectorised kernels; "default" sets ATEN_CPU_CAPABILITY=default,
torch's portable scalar kernels, which round as another CPU would. The runs go to `--jobs`
worker processes (one kernel each; default: one a core).

The table has one row per claim: its check and, for each kernel path, how many seeds it held
for, its worst value over the seeds and that value's margin to the bound (negative: missed).
The raw records go to a JSON file beside it; `rnnviz.claims` quotes the counts from it in a
student's notice. With --resume, the runs already in that JSON file are kept and only the
missing (lab, seed, kernel path) runs are made, so a long run can be done in parts. The exit
status is 1 if any claim failed or any lab raised.
"""

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KERNELS = {"native": None, "default": "default"}  # kernel path -> ATEN_CPU_CAPABILITY


def run_lab(lab: Path, seed: int, kernels: str) -> dict:
    """Execute a copy of `lab` under `seed` on `kernels`; return its claims, error and time."""
    import nbformat
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory(prefix="rnnviz-claims-") as tmp:
        workdir = Path(tmp)
        shutil.copytree(ROOT / "labs", workdir / "labs")
        shutil.copytree(ROOT / "results", workdir / "results")
        log = workdir / "claims.jsonl"
        nb = nbformat.read(workdir / "labs" / lab.name, as_version=4)
        client = NotebookClient(
            nb,
            timeout=1800,
            kernel_name="python3",
            store_widget_state=False,
            resources={"metadata": {"path": str(workdir / "labs")}},
        )
        # This worker's kernels inherit its environment.
        os.environ.update(RNNVIZ_SEED=str(seed), RNNVIZ_CLAIMS_LOG=str(log))
        os.environ.pop("ATEN_CPU_CAPABILITY", None)
        if KERNELS[kernels]:
            os.environ["ATEN_CPU_CAPABILITY"] = KERNELS[kernels]
        start, error = time.perf_counter(), None
        try:
            client.execute()
        except Exception as err:  # a lab that raises is reported in the table, not fatal
            error = f"{type(err).__name__}: {str(err).strip().splitlines()[-1][:200]}"
        claims = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return {
        "lab": lab.name,
        "seed": seed,
        "kernels": kernels,
        "seconds": time.perf_counter() - start,
        "error": error,
        "claims": claims,
    }


def margin(value, check: str) -> float:
    """How far `value` is inside the bound `check` (">= b", "<= b", "in [a, b]"); < 0 misses."""
    if isinstance(value, str):  # inf or nan, recorded as text
        value = float(value)
    if value != value:
        return float("-inf")
    numbers = [float(n) for n in re.findall(r"-?[\d.]+(?:e[-+]?\d+)?", check)]
    if check.startswith(">="):
        return value - numbers[0]
    if check.startswith("<="):
        return numbers[0] - value
    low, high = numbers
    return min(value - low, high - value)


def format_value(value) -> str:
    return value if isinstance(value, str) else f"{value:.4g}"


def summary(runs: list) -> list:
    """One row per (lab, claim, occurrence): per kernel path, seeds held, worst value, margin.

    A claim made more than once per run (one per marker, say) gets one row per occurrence; a
    run that never reached an occurrence counts as a miss.
    """
    rows = {}
    for run in runs:
        seen = {}
        for record in run["claims"]:
            occurrence = seen.get(record["claim"], 0)
            seen[record["claim"]] = occurrence + 1
            key = (run["lab"], record["claim"], record["check"], occurrence)
            rows.setdefault(key, {}).setdefault(run["kernels"], {})[run["seed"]] = record
    table = []
    for (lab, name, check, occurrence), by_kernels in rows.items():
        row = {"lab": lab, "claim": name, "check": check, "occurrence": occurrence, "paths": {}}
        for kernels in dict.fromkeys(run["kernels"] for run in runs):
            seeds = sorted({r["seed"] for r in runs if r["lab"] == lab and r["kernels"] == kernels})
            if not seeds:
                continue
            records = by_kernels.get(kernels, {})
            margins = {s: margin(records[s]["value"], check) for s in records}
            worst = min(margins, key=margins.get) if margins else None
            row["paths"][kernels] = {
                "seeds": len(seeds),
                "held": sum(records[s]["holds"] for s in records),
                "missing": [s for s in seeds if s not in records],
                "failed": sorted(s for s in records if not records[s]["holds"]),
                "worst": None if worst is None else records[worst]["value"],
                "worst_seed": worst,
                "margin": None if worst is None else margins[worst],
            }
        table.append(row)
    return table


def table(runs: list) -> str:
    """Markdown: per lab, its wall times, runs that raised, and one row per claim."""
    lines = []
    rows = summary(runs)
    paths = list(dict.fromkeys(run["kernels"] for run in runs))
    for lab in dict.fromkeys(run["lab"] for run in runs):
        lab_runs = [run for run in runs if run["lab"] == lab]
        times = ", ".join(
            f"{k} {min(r['seconds'] for r in lab_runs if r['kernels'] == k):.0f}-"
            f"{max(r['seconds'] for r in lab_runs if r['kernels'] == k):.0f} s"
            for k in paths
            if any(r["kernels"] == k for r in lab_runs)
        )
        lines += ["", f"### {lab}", "", f"Wall time a run: {times}.", ""]
        for run in sorted(lab_runs, key=lambda r: (r["kernels"], r["seed"])):
            if run["error"]:
                lines.append(f"**seed {run['seed']} ({run['kernels']}) raised** {run['error']}  ")
        lab_rows = [row for row in rows if row["lab"] == lab]
        if not lab_rows:
            lines.append("No claims.")
            continue
        header = "| claim | check | " + " | ".join(
            f"{k}: held | {k}: worst (seed) | {k}: margin" for k in paths
        )
        lines.append(header + " |")
        lines.append("| --- | --- |" + " --- | --- | --- |" * len(paths))
        for row in lab_rows:
            label = row["claim"] + ("" if row["occurrence"] == 0 else f" ({row['occurrence'] + 1})")
            cells = []
            for k in paths:
                p = row["paths"].get(k)
                if p is None:
                    cells += ["-", "-", "-"]
                    continue
                held = f"{p['held']}/{p['seeds']}"
                if p["held"] < p["seeds"]:
                    held = f"**{held}**"
                worst = (
                    "-" if p["worst"] is None else f"{format_value(p['worst'])} ({p['worst_seed']})"
                )
                cells += [held, worst, "-" if p["margin"] is None else f"{p['margin']:.3g}"]
            lines.append(f"| {label} | {row['check']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report(runs: list, labs: list, args, wall: float, done: bool, made: int) -> str:
    """The markdown page: how it was made, the counts, and the table."""
    failed = sum(not c["holds"] for run in runs for c in run["claims"])
    raised = sum(run["error"] is not None for run in runs)
    command = " ".join(
        ["python scripts/claims_table.py", *[lab.name for lab in labs]]
        + ["--seeds", *map(str, args.seeds), "--kernels", *args.kernels]
        + (["--resume"] if args.resume else [])
    )
    seeds = sorted({run["seed"] for run in runs})
    progress = "" if done else f" (in progress: {len(runs)} runs so far)"
    header = [
        f"# The labs' claims under seeds {', '.join(map(str, seeds))}{progress}",
        "",
        f"Made by `{command}` (`make claims`) on {time.strftime('%Y-%m-%d')}: "
        f"{len(runs)} lab runs, {made} of them by this command on {args.jobs} worker(s) in "
        f"{wall / 60:.1f} minutes (the rest recorded before, kept by --resume). Every",
        "`rnnviz.claims.claim` the labs make is listed, each lab run once per seed and kernel path",
        "(RNNVIZ_SEED replaces the seed `setup_lab` returns: model weights, minibatches and",
        "sampled batches change; the data sets stay. native: the machine's vectorised",
        "kernels; default: ATEN_CPU_CAPABILITY=default, torch's scalar kernels). For each",
        "claim: the seeds it held for, its worst value over the seeds (and that seed), and the",
        "worst value's margin to the bound. Values at 4 significant digits.",
        "",
        f"**{sum(len(r['claims']) for r in runs)} claims checked, {failed} failed; "
        f"{raised} lab runs raised.**",
    ]
    return "\n".join(header) + "\n" + table(runs) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labs", nargs="*", type=Path, help="labs to run (default: every lab)")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--kernels", nargs="+", choices=sorted(KERNELS), default=list(KERNELS))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "claims.md")
    parser.add_argument(
        "--resume", action="store_true", help="keep the runs already in the --out JSON file"
    )
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be >= 1, got {args.jobs}")
    labs = [lab.resolve() for lab in args.labs] or sorted((ROOT / "labs").glob("*.ipynb"))
    runs = []
    if args.resume and args.out.with_suffix(".json").exists():
        runs = json.loads(args.out.with_suffix(".json").read_text())
    done_before = {(r["lab"], r["kernels"], r["seed"]) for r in runs}
    # Seed by seed, so that a run stopped early has covered every lab for its first seeds.
    todo = [
        (lab, seed, k)
        for seed in args.seeds
        for k in args.kernels
        for lab in labs
        if (lab.name, k, seed) not in done_before
    ]
    print(f"{len(todo)} lab runs on {args.jobs} worker(s)", flush=True)
    start = time.perf_counter()

    def write(done: bool) -> str:
        runs.sort(key=lambda r: (r["lab"], r["kernels"] != args.kernels[0], r["seed"]))
        made = len(runs) - len(done_before)
        text = report(runs, labs, args, time.perf_counter() - start, done, made)
        if args.out:  # rewritten after every run: a run stopped early leaves its table
            args.out.write_text(text)
            args.out.with_suffix(".json").write_text(json.dumps(runs, indent=1) + "\n")
        return text

    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(run_lab, *job) for job in todo]
        for future in as_completed(futures):
            run = future.result()
            failed = sum(not c["holds"] for c in run["claims"])
            print(
                f"{run['lab']} seed {run['seed']} ({run['kernels']}): {len(run['claims'])} "
                f"claims, {failed} failed, {run['seconds']:.0f} s"
                + (f", raised {run['error']}" if run["error"] else ""),
                flush=True,
            )
            runs.append(run)
            write(done=False)
    print(write(done=True))
    wall = time.perf_counter() - start
    print(f"wall time: {wall:.0f} s for {len(runs)} lab runs on {args.jobs} worker(s)")
    failed = sum(not c["holds"] for run in runs for c in run["claims"])
    raised = sum(run["error"] is not None for run in runs)
    return 1 if failed or raised else 0


if __name__ == "__main__":
    sys.exit(main())
