"""The recorded experiments (bench/adding_problem.json) come from this code and
cover what the experiments page talks about.

- The cheapest recorded run of each cell is trained again from the file's own
  parameters; it must give the recorded curve, probe and test error.
- The page (docs/ko and docs/en experiments.md) declares in its code the cells,
  lengths and seeds it reads (CELLS, LENGTHS, SEEDS); the record must hold one
  run with the record's settings for every combination.
- What the record measures is right: marked_value_gradients against central
  differences; probing and block-averaged losses do not change the training.
"""

import ast
import json
import re
import textwrap
from pathlib import Path

import numpy as np
import pytest

from rnnbook.tasks import (
    ReadoutModel,
    adding_problem,
    marked_value_gradients,
    run_experiment,
    train_readout,
)

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "bench" / "adding_problem.json"
PAGES = [ROOT / "docs" / lang / "experiments.md" for lang in ("ko", "en")]
RUN_KEYS = {"cell", "T", "seed", "steps", "hidden_size", "batch_size", "lr", "clip",
            "test_ratio", "losses"}
# the arguments of run_experiment a run records
TRAIN_KEYS = ["hidden_size", "steps", "batch_size", "lr", "clip", "n_test",
              "loss_every", "probe_every", "n_probe"]


def load_record():
    return json.loads(RECORD.read_text(encoding="utf-8"))


def page_constants(path, names=("CELLS", "LENGTHS", "SEEDS")):
    """The values the page's code assigns to ``names`` (top-level ``NAME = [...]``)."""
    found = {}
    text = path.read_text("utf-8")
    for _, block in re.findall(r"^( *)```python[^\n]*\n(.*?)^\1```", text,
                               flags=re.S | re.M):
        for node in ast.parse(textwrap.dedent(block)).body:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name)
                    and node.targets[0].id in names):
                value = ast.literal_eval(node.value)
                name = node.targets[0].id
                assert found.get(name, value) == value, f"{path}: {name} assigned twice"
                found[name] = value
    missing = set(names) - set(found)
    assert not missing, f"{path}: the page's code does not assign {sorted(missing)}"
    return found


def coverage_problems(record, cells, lengths, seeds):
    """What is wrong with the record for these cells, lengths and seeds ([] if nothing)."""
    problems = []
    runs = {}
    for i, run in enumerate(record["runs"]):
        missing = RUN_KEYS - set(run)
        if missing:
            problems.append(f"run {i}: missing keys {sorted(missing)}")
            continue
        key = (run["cell"], run["T"], run["seed"])
        if key in runs:
            problems.append(f"run {key} recorded twice")
        runs[key] = run
        other = {k: run[k] for k in TRAIN_KEYS if run.get(k) != record["settings"][k]}
        if other:
            problems.append(f"run {key}: settings {other} differ from the record's")
    for cell in cells:
        for T in lengths:
            for seed in seeds:
                if (cell, T, seed) not in runs:
                    problems.append(f"no run for cell {cell!r}, T = {T}, seed {seed}")
    return problems


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.parent.name)
def test_the_record_covers_what_the_page_talks_about(page):
    wanted = page_constants(page)
    record = load_record()
    assert coverage_problems(record, wanted["CELLS"], wanted["LENGTHS"],
                             wanted["SEEDS"]) == []
    # the minimum: three cells, 3+ lengths with one >= 50, 3+ seeds
    assert sorted(wanted["CELLS"]) == ["gru", "lstm", "rnn"]
    assert len(wanted["LENGTHS"]) >= 3 and max(wanted["LENGTHS"]) >= 50
    assert len(wanted["SEEDS"]) >= 3


def test_both_languages_talk_about_the_same_runs():
    assert page_constants(PAGES[0]) == page_constants(PAGES[1])


def test_coverage_check_finds_a_missing_run_and_changed_settings():
    record = load_record()
    cells, lengths, seeds = record["cells"], record["lengths"], record["seeds"]
    assert coverage_problems(record, cells, lengths, seeds) == []
    dropped = {**record, "runs": record["runs"][1:]}
    first = record["runs"][0]
    assert coverage_problems(dropped, cells, lengths, seeds) == [
        f"no run for cell {first['cell']!r}, T = {first['T']}, seed {first['seed']}"]
    changed = {**record, "runs": [{**first, "steps": first["steps"] // 2}]
               + record["runs"][1:]}
    assert len(coverage_problems(changed, cells, lengths, seeds)) == 1
    assert coverage_problems(record, cells, lengths + [1000], seeds) != []


def test_recorded_numbers_are_consistent():
    record = load_record()
    for run in record["runs"]:
        assert run["test_ratio"] == pytest.approx(run["test_loss"] / record["baseline"],
                                                  rel=1e-12)
        blocks = -(-run["steps"] // run["loss_every"])  # ceil
        assert len(run["losses"]) == blocks
        assert run["probe"]["step"] == list(range(run["probe_every"], run["steps"] + 1,
                                                  run["probe_every"]))


def _cheapest_runs():
    """The cheapest recorded run of each cell: the shortest length, the first seed."""
    runs = load_record()["runs"]
    picked = {}
    for run in sorted(runs, key=lambda r: (r["T"], r["seed"])):
        picked.setdefault(run["cell"], run)
    return list(picked.values())


@pytest.mark.parametrize("run", _cheapest_runs(),
                         ids=lambda r: f"{r['cell']}-T{r['T']}-seed{r['seed']}")
def test_a_recorded_run_is_reproduced_by_this_code(run):
    again = run_experiment("adding", run["cell"], run["T"], seed=run["seed"],
                           **{k: run[k] for k in TRAIN_KEYS})
    np.testing.assert_allclose(again["losses"], run["losses"], rtol=1e-9, atol=0)
    np.testing.assert_allclose(again["probe"]["g1"], run["probe"]["g1"],
                               rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(again["probe"]["g2"], run["probe"]["g2"],
                               rtol=1e-9, atol=1e-15)
    assert again["test_ratio"] == pytest.approx(run["test_ratio"], rel=1e-9)


# --- the measurements the record holds ------------------------------------------


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_marked_value_gradients_match_central_differences(cell):
    model = ReadoutModel(cell, 2, 6, 1, rng=np.random.default_rng(3))
    x, _ = adding_problem(4, 9, rng=np.random.default_rng(4))
    g1, g2 = marked_value_gradients(model, x)
    eps = 1e-6
    for b in range(x.shape[1]):
        t1, t2 = np.nonzero(x[:, b, 1] == 1.0)[0]
        for t, g in [(t1, g1[b]), (t2, g2[b])]:
            plus, minus = x.copy(), x.copy()
            plus[t, b, 0] += eps
            minus[t, b, 0] -= eps
            # d yhat_b / d v_t = (yhat_b(v + eps) - yhat_b(v - eps)) / (2 eps)
            numeric = (model.predict(plus)[b, 0] - model.predict(minus)[b, 0]) / (2 * eps)
            assert g == pytest.approx(numeric, rel=1e-6, abs=1e-10)


def test_probing_and_block_means_leave_the_training_unchanged():
    kwargs = dict(hidden_size=5, steps=12, batch_size=8, lr=1e-2, n_test=50, seed=7)
    plain = run_experiment("adding", "gru", 8, **kwargs)
    probed = run_experiment("adding", "gru", 8, loss_every=4, probe_every=3, **kwargs)
    assert probed["test_loss"] == plain["test_loss"]
    np.testing.assert_allclose(probed["losses"],
                               np.mean(np.reshape(plain["losses"], (3, 4)), axis=1),
                               rtol=1e-12)
    assert probed["probe"]["step"] == [3, 6, 9, 12]
    assert probed["test_ratio"] == pytest.approx(plain["test_loss"] * 6, rel=1e-12)


def test_measurements_reject_bad_input():
    model = ReadoutModel("lstm", 2, 3, 1, rng=np.random.default_rng(0))
    x, _ = adding_problem(3, 6, rng=np.random.default_rng(0))
    three = x.copy()
    three[0, 0, 1] = three[1, 0, 1] = three[5, 0, 1] = 1.0
    with pytest.raises(ValueError, match="x: expected exactly two markers"):
        marked_value_gradients(model, three)
    with pytest.raises(ValueError, match="model: expected input_size 2 and output_size 1"):
        marked_value_gradients(ReadoutModel("gru", 2, 3, 2, rng=np.random.default_rng(0)), x)
    with pytest.raises(TypeError, match="model: expected a ReadoutModel"):
        marked_value_gradients("model", x)
    with pytest.raises(ValueError, match="probe_every: only for task 'adding'"):
        run_experiment("first_symbol", "gru", 4, steps=2, probe_every=1)
    with pytest.raises(ValueError, match="probe_every: expected an int >= 0, got -1"):
        run_experiment("adding", "gru", 4, steps=2, probe_every=-1)
    with pytest.raises(ValueError, match="loss_every: expected a positive int, got 0"):
        run_experiment("adding", "gru", 4, steps=2, loss_every=0)
    with pytest.raises(TypeError, match="callback: expected a callable or None"):
        train_readout(model, lambda rng: adding_problem(2, 6, rng=rng), steps=1,
                      callback=3)
