"""Record the sequence-to-sequence chapter's trainings (run on demand).

    make seq2seq        # = .venv/bin/python bench/record_seq2seq.py, writes bench/seq2seq.json

Trains the encoder-decoder of ``rnnbook.seq2seq`` without and with attention on
the Korean number words, once per seed of SEEDS, with the settings of SETTINGS,
and records each run's held-out exact-match accuracy and training time. The page
docs/*/seq2seq.md reads the JSON when the site is built;
tests/test_seq2seq.py re-runs one seed from the file's own parameters and checks
that it gives the recorded accuracies.
"""

from __future__ import annotations

import os

os.environ["OPENBLAS_NUM_THREADS"] = "1"  # one thread, as in the site build
os.environ["OMP_NUM_THREADS"] = "1"

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_rnn import load_average, machine_info  # noqa: E402
from rnnbook import seq2seq  # noqa: E402

SEEDS = [1, 2, 3, 4, 5]
SETTINGS = {"hidden_size": 32, "steps": 300, "batch_size": 32, "lr": 0.01,
            "split_seed": 0, "n_test": 100}


def run(attention, seed, settings=SETTINGS):
    """One training: (held-out accuracy, training seconds, final loss)."""
    s = settings
    numbers = np.random.default_rng(s["split_seed"]).permutation(np.arange(1, 1000))
    test, train = numbers[:s["n_test"]], numbers[s["n_test"]:]
    model = seq2seq.Seq2Seq(s["hidden_size"], attention=attention,
                            rng=np.random.default_rng(seed))
    start = time.perf_counter()
    losses = seq2seq.train(model, train, steps=s["steps"], batch_size=s["batch_size"],
                           lr=s["lr"], rng=np.random.default_rng(seed + 1))
    seconds = time.perf_counter() - start
    return seq2seq.accuracy(model, test), seconds, float(np.mean(losses[-20:]))


def main(path=HERE / "seq2seq.json"):
    record = {"command": ".venv/bin/python bench/record_seq2seq.py",
              "settings": SETTINGS, "seeds": SEEDS, "runs": [],
              "load_average_before": load_average(), "machine": machine_info()}
    for attention in (False, True):
        for seed in SEEDS:
            acc, seconds, loss = run(attention, seed)
            record["runs"].append({"attention": attention, "seed": seed,
                                   "accuracy": acc, "seconds": round(seconds, 2),
                                   "final_loss": loss})
            print(f"attention={attention!s:5} seed={seed} accuracy={acc:.2f} "
                  f"{seconds:.2f} s", flush=True)
    record["load_average_after"] = load_average()
    record["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    Path(path).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
