"""Re-run the labs' checked claims under other seeds and tabulate them: `make claims`.

Usage: python scripts/claims_table.py [LAB ...] [--seeds 0 1 2] [--out results/claims.md]

Each lab runs once per seed in a temporary copy of labs/ and results/ (the stored outputs are
never touched), with RNNVIZ_SEED replacing the seed that `setup_lab` returns and
RNNVIZ_CLAIMS_LOG collecting every `rnnviz.claims.claim` the lab makes. The table has one
row per claim and one column per seed (the value and whether it holds); the raw records go
to a JSON file beside it. The exit status is 1 if any claim failed or any lab raised.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def run_lab(lab: Path, seed: int, workdir: Path) -> dict:
    """Execute a copy of `lab` under `seed`; return its claims, error (if any) and wall time."""
    log = workdir / f"{lab.stem}-seed{seed}.jsonl"
    nb = nbformat.read(workdir / "labs" / lab.name, as_version=4)
    client = NotebookClient(
        nb,
        timeout=1800,
        kernel_name="python3",
        store_widget_state=False,
        resources={"metadata": {"path": str(workdir / "labs")}},
    )
    saved = {key: os.environ.get(key) for key in ("RNNVIZ_SEED", "RNNVIZ_CLAIMS_LOG")}
    os.environ.update(RNNVIZ_SEED=str(seed), RNNVIZ_CLAIMS_LOG=str(log))
    start, error = time.perf_counter(), None
    try:
        client.execute()
    except Exception as err:  # a lab that raises is reported in the table, not fatal
        error = f"{type(err).__name__}: {str(err).strip().splitlines()[-1][:200]}"
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    claims = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return {
        "lab": lab.name,
        "seed": seed,
        "seconds": time.perf_counter() - start,
        "error": error,
        "claims": claims,
    }


def format_value(value) -> str:
    return value if isinstance(value, str) else f"{value:.4g}"


def table(runs: list, seeds: list) -> str:
    """Markdown: per lab, one row per claim (in the lab's order), one column per seed."""
    lines = []
    for lab in dict.fromkeys(run["lab"] for run in runs):
        lab_runs = {run["seed"]: run for run in runs if run["lab"] == lab}
        times = ", ".join(f"seed {s}: {lab_runs[s]['seconds']:.0f} s" for s in seeds)
        lines += ["", f"### {lab}", "", f"Wall time: {times}.", ""]
        for seed in seeds:
            if lab_runs[seed]["error"]:
                lines.append(f"**seed {seed} raised** {lab_runs[seed]['error']}  ")
        # A claim made more than once per run (one per marker, say) gets one row per occurrence.
        keys = []
        for seed in seeds:
            seen = {}
            for record in lab_runs[seed]["claims"]:
                key = (record["claim"], record["check"], seen.get(record["claim"], 0))
                seen[record["claim"]] = key[2] + 1
                if key not in keys:
                    keys.append(key)
        if not keys:
            lines.append("No claims.")
            continue
        lines.append("| claim | check | " + " | ".join(f"seed {s}" for s in seeds) + " | holds |")
        lines.append("| --- | --- | " + " | ".join("---" for _ in seeds) + " | --- |")
        for name, check, occurrence in keys:
            cells, holds = [], True
            for seed in seeds:
                records = [r for r in lab_runs[seed]["claims"] if r["claim"] == name]
                if occurrence < len(records):
                    record = records[occurrence]
                    holds &= record["holds"]
                    mark = "" if record["holds"] else " **FAILS**"
                    cells.append(format_value(record["value"]) + mark)
                else:
                    holds = False
                    cells.append("not reached")
            label = name if occurrence == 0 else f"{name} ({occurrence + 1})"
            lines.append(
                f"| {label} | {check} | "
                + " | ".join(cells)
                + f" | {'yes' if holds else '**no**'} |"
            )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "labs", nargs="*", type=Path, help="labs to run (default: every labs/*.ipynb)"
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "claims.md")
    args = parser.parse_args(argv)
    labs = [lab.resolve() for lab in args.labs] or sorted((ROOT / "labs").glob("*.ipynb"))
    runs = []
    with tempfile.TemporaryDirectory(prefix="rnnviz-claims-") as tmp:
        workdir = Path(tmp)
        shutil.copytree(ROOT / "labs", workdir / "labs")
        shutil.copytree(ROOT / "results", workdir / "results")
        for lab in labs:
            for seed in args.seeds:
                run = run_lab(lab, seed, workdir)
                failed = sum(not c["holds"] for c in run["claims"])
                print(
                    f"{lab.name} seed {seed}: {len(run['claims'])} claims, {failed} failed, "
                    f"{run['seconds']:.0f} s"
                    + (f", raised {run['error']}" if run["error"] else ""),
                    flush=True,
                )
                runs.append(run)
    failed = sum(not c["holds"] for run in runs for c in run["claims"])
    raised = sum(run["error"] is not None for run in runs)
    command = " ".join(
        ["python scripts/claims_table.py"]
        + [lab.name for lab in labs]
        + ["--seeds"]
        + [str(seed) for seed in args.seeds]
    )
    header = [
        f"# The labs' claims under seeds {', '.join(map(str, args.seeds))}",
        "",
        f"Made by `{command}` (`make claims`) on {time.strftime('%Y-%m-%d')}: every",
        "`rnnviz.claims.claim` the labs make, each lab run once per seed (RNNVIZ_SEED",
        "replaces the seed `setup_lab` returns: model weights, minibatches and sampled",
        "batches change; the data sets stay). Values at 4 significant digits.",
        "",
        f"**{sum(len(r['claims']) for r in runs)} claims checked, {failed} failed; "
        f"{raised} lab runs raised.**",
    ]
    text = "\n".join(header) + "\n" + table(runs, args.seeds) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text)
        args.out.with_suffix(".json").write_text(json.dumps(runs, indent=1) + "\n")
    return 1 if failed or raised else 0


if __name__ == "__main__":
    sys.exit(main())
