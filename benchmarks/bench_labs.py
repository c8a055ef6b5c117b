"""Each lab's run time and peak memory, executed as a student's kernel runs it, on one core.

Every lab runs in a fresh `jupyter nbconvert --execute` (output to a temporary file, so the
committed notebooks are untouched) pinned to CPU 0 with `taskset`. Figures: wall seconds,
CPU seconds of the finished process tree, and the peak resident memory of its largest process
(the kernel), read from /proc while it runs. Targets: <= 60 s and <= 1 GB each (a
Binder pod has 1-2 GB). Run: python benchmarks/bench_labs.py [labs/04_*.ipynb ...]
"""

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_S, TARGET_MB = 60.0, 1024.0


def run_lab(lab: Path, folder: Path) -> dict:
    """Execute one lab in `folder` (a copy of labs/ and results/); return its figures."""
    jupyter = Path(sys.executable).parent / "jupyter"
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    command = [
        *pin,
        str(jupyter),
        "nbconvert",
        "--to",
        "notebook",
        "--execute",
        "--ExecutePreprocessor.timeout=900",
        "--ExecutePreprocessor.store_widget_state=False",
        "--output",
        str(folder / "out.ipynb"),
        str(folder / "labs" / lab.name),
    ]
    start = time.perf_counter()
    child = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=dict(os.environ, OMP_NUM_THREADS="1", RNNVIZ_STRICT_CLAIMS="1"),
    )
    peaks = {}  # pid -> its peak resident memory (VmHWM), read while it runs
    while child.poll() is None:
        for pid in _tree(child.pid):
            peaks[pid] = max(peaks.get(pid, 0), _peak_kb(pid))
        time.sleep(0.1)
    wall = time.perf_counter() - start
    _, stderr = child.communicate()
    error = stderr.decode()[-2000:] if child.returncode else ""
    cpu = _children_cpu()
    return {
        "lab": lab.name,
        "wall_s": wall,
        "cpu_s": cpu - run_lab.cpu_before,
        "peak_rss_mb": max(peaks.values(), default=0) / 1024,
        "ok": child.returncode == 0,
        "error": error,
        "pinned_to_one_core": bool(pin),
    }


def _children_cpu() -> float:
    """CPU seconds of every finished child process tree so far (user + system)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _tree(pid: int) -> list:
    """pid and its descendants, from /proc."""
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


def _peak_kb(pid: int) -> int:
    """A process's peak resident memory (VmHWM, KB), 0 if it has gone. Measured per process:
    a forked child's rusage would start from this (large) benchmark process's memory."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main(labs=None) -> dict:
    labs = [Path(p) for p in labs] if labs else sorted((REPO / "labs").glob("*.ipynb"))
    results = {
        "target_s": TARGET_S,
        "target_mb": TARGET_MB,
        "load_before": os.getloadavg(),
        "labs": [],
    }
    with tempfile.TemporaryDirectory(prefix="rnnviz-labs-") as tmp:
        folder = Path(tmp)
        for sub in ("labs", "results"):
            if (REPO / sub).is_dir():
                shutil.copytree(REPO / sub, folder / sub)
        print(f"  {'lab':<36} {'wall s':>8} {'cpu s':>8} {'peak MB':>8}")
        for lab in labs:
            # A child's resource usage includes its own children only once they are reaped:
            # run each lab in its own child so the figures are per lab.
            run_lab.cpu_before = _children_cpu()
            r = run_lab(lab, folder)
            results["labs"].append(r)
            flag = "" if r["ok"] else "  FAILED"
            over = [
                name
                for name, v, t in (
                    ("time", r["wall_s"], TARGET_S),
                    ("memory", r["peak_rss_mb"], TARGET_MB),
                )
                if v > t
            ]
            over = f"  over target: {', '.join(over)}" if over else ""
            print(
                f"  {r['lab']:<36} {r['wall_s']:8.1f} {r['cpu_s']:8.1f} "
                f"{r['peak_rss_mb']:8.0f}{flag}{over}"
            )
    results["load_after"] = os.getloadavg()
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
