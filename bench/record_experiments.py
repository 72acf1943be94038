"""Record the experiments chapter's trainings on the adding problem (run on demand).

    make experiments                                  # = the line below
    .venv/bin/python bench/record_experiments.py      # writes bench/adding_problem.json
    .venv/bin/python bench/record_experiments.py --quick            # tiny, writes nothing
    .venv/bin/python bench/record_experiments.py --lengths 10 --seeds 0 --json /tmp/a.json

Trains a plain RNN, an LSTM and a GRU on the adding problem at every length of
LENGTHS with every seed of SEEDS, with the settings of SETTINGS, each run through
``rnnbook.tasks.run_experiment``. The page docs/*/experiments.md reads the JSON when
the site is built; tests/test_experiment_record.py re-runs the cheapest runs from
the file's own parameters and checks that they give the recorded numbers.

Everything is seeded: a run depends only on its parameters (and on the code). One
BLAS thread per process (set before NumPy is imported), at most --workers
processes (default 2).
"""

from __future__ import annotations

import os

os.environ["OPENBLAS_NUM_THREADS"] = "1"  # one thread per worker, as in the site build
os.environ["OMP_NUM_THREADS"] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_rnn import load_average, machine_info  # noqa: E402
from rnnbook.tasks import run_experiment  # noqa: E402

CELLS = ["rnn", "lstm", "gru"]
LENGTHS = [10, 30, 100]
SEEDS = [0, 1, 2, 3, 4]
# Adam with clipping, PyTorch's default initialisation (gate_bias 0)
SETTINGS = {"hidden_size": 16, "steps": 3000, "batch_size": 32, "lr": 1e-2,
            "clip": 1.0, "n_test": 1000, "loss_every": 25, "probe_every": 50,
            "n_probe": 256}
OUT = HERE / "adding_problem.json"
# rough cost of one step relative to a plain RNN step (for scheduling only)
_COST = {"rnn": 1, "lstm": 3, "gru": 3}


def one_run(cell, T, seed, settings):
    """Train one run; the record of it (the schema of adding_problem.json)."""
    start = time.perf_counter()
    r = run_experiment("adding", cell, T, seed=seed, **settings)
    seconds = time.perf_counter() - start
    return {"cell": cell, "T": T, "seed": seed, **settings,
            "test_loss": r["test_loss"], "test_ratio": r["test_ratio"],
            "losses": r["losses"], "probe": r["probe"],
            "seconds": round(seconds, 2)}


def _versions():
    import numpy

    import rnnbook
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=HERE, text=True,
                                capture_output=True, check=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "rnnbook"],
                                    cwd=HERE.parent, text=True, capture_output=True,
                                    check=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        commit, dirty = None, None
    return {"python": sys.version.split()[0], "numpy": numpy.__version__,
            "rnnbook": getattr(rnnbook, "__version__", None),
            "git_commit": commit, "rnnbook_modified_since_commit": dirty}


def to_json(out):
    """The results as JSON text: the header indented, then one line per run."""
    head = json.dumps({k: v for k, v in out.items() if k != "runs"}, indent=1)
    runs = ",\n  ".join(json.dumps(run) for run in out["runs"])
    return head[:-2] + ',\n "runs": [\n  ' + runs + "\n ]\n}\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cells", nargs="+", default=CELLS, choices=CELLS)
    parser.add_argument("--lengths", nargs="+", type=int, default=LENGTHS)
    parser.add_argument("--seeds", nargs="+", type=int, default=SEEDS)
    parser.add_argument("--steps", type=int, default=SETTINGS["steps"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true",
                        help="T = 5, 100 steps, one seed; writes no file unless --json")
    parser.add_argument("--json", type=Path, default=None,
                        help=f"results file (default {OUT.relative_to(HERE.parent)})")
    args = parser.parse_args(argv)
    settings = {**SETTINGS, "steps": args.steps}
    lengths, seeds = args.lengths, args.seeds
    if args.quick:
        lengths, seeds = [5], [0]
        settings.update(steps=100, probe_every=50)
    path = args.json or (None if args.quick else OUT)
    jobs = [(cell, T, seed) for T in lengths for cell in args.cells for seed in seeds]
    jobs.sort(key=lambda job: -job[1] * _COST[job[0]])  # longest first
    print(f"{len(jobs)} runs, {args.workers} workers, settings {settings}", flush=True)
    load_before = load_average()
    start = time.perf_counter()
    runs = []
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        futures = [pool.submit(one_run, cell, T, seed, settings)
                   for cell, T, seed in jobs]
        for future in futures:
            run = future.result()
            runs.append(run)
            print(f"{run['cell']:5} T={run['T']:4} seed {run['seed']}  "
                  f"test/baseline {run['test_ratio']:.4f}  {run['seconds']:6.1f} s",
                  flush=True)
    wall = time.perf_counter() - start
    runs.sort(key=lambda run: (args.cells.index(run["cell"]), run["T"], run["seed"]))
    out = {"command": "make experiments (.venv/bin/python bench/record_experiments.py)",
           "task": "adding", "baseline": 1 / 6,
           "cells": args.cells, "lengths": lengths, "seeds": seeds,
           "settings": settings, "workers": args.workers,
           "wall_seconds": round(wall, 1), "load_average_before": load_before,
           "load_average_after": load_average(),
           "date": time.strftime("%Y-%m-%d", time.gmtime()),
           "machine": machine_info(), "versions": _versions(), "runs": runs}
    print(f"wall time {wall:.1f} s")
    if path is not None:
        path.write_text(to_json(out), encoding="utf-8")
        print(f"wrote {path}")
    return out


if __name__ == "__main__":
    main()
