"""Time one training step of the experiments chapter's models (run on demand).

    .venv/bin/python bench/bench_experiments.py     # writes bench/experiments.json

The experiments page (docs/*/experiments.md) shows the results of the
trainings recorded by record_experiments.py (make experiments). Its learning
curves are reproducible; timings are not, and a page must come out
byte-identical from two builds. So the page shows the time per training step
from this file, measured here with the recorded experiment's cells, lengths,
hidden size and batch size, one BLAS thread (as in the build), and the
machine's description.
"""

from __future__ import annotations

import json
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as in the site build
os.environ.setdefault("OMP_NUM_THREADS", "1")

import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_rnn import machine_info  # noqa: E402
from record_experiments import CELLS, LENGTHS, SETTINGS  # noqa: E402
from rnnbook.tasks import run_experiment  # noqa: E402

# the settings of the recorded experiment; fewer steps, only to time them
H, BATCH = SETTINGS["hidden_size"], SETTINGS["batch_size"]
STEPS = 200
REPEATS = 5  # the fastest run counts: load from other processes only slows runs down


def ms_per_step(cell, T):
    """Fastest of REPEATS runs: (wall time of one run) / STEPS, in ms."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        run_experiment("adding", cell, T, hidden_size=H, steps=STEPS,
                       batch_size=BATCH, lr=SETTINGS["lr"], clip=SETTINGS["clip"],
                       n_test=500, seed=0)
        times.append(1e3 * (time.perf_counter() - start) / STEPS)
    return min(times)


def main():
    results = {f"{cell} {T}": round(ms_per_step(cell, T), 3)
               for T in LENGTHS for cell in CELLS}
    out = {"machine": machine_info(), "load_average": os.getloadavg(),
           "settings": {"hidden_size": H, "steps": STEPS, "batch_size": BATCH,
                        "repeats": REPEATS, "statistic": "min", "blas_threads": 1},
           "ms_per_step": results}
    path = HERE / "experiments.json"
    path.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    for key, value in results.items():
        print(f"{key:10} {value:8.2f} ms/step")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
