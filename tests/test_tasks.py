"""Tests of rnnbook.tasks: the long-dependency data sets and the readout model."""

import numpy as np
import pytest

from rnnbook.gradcheck import check_function
from rnnbook.tasks import (
    ReadoutModel,
    adding_problem,
    copy_task,
    first_symbol_task,
    run_experiment,
    train_readout,
)


def _gen(seed=0):
    return np.random.default_rng(seed)


# --- adding problem -------------------------------------------------------------


def test_adding_problem_shapes_and_targets():
    n, T = 50, 12
    x, y = adding_problem(n, T, rng=_gen())
    assert x.shape == (T, n, 2) and y.shape == (n, 1)
    assert x.dtype == y.dtype == np.float64
    values, markers = x[:, :, 0], x[:, :, 1]
    assert np.all((0 <= values) & (values < 1))
    assert set(np.unique(markers)) == {0.0, 1.0}
    for i in range(n):  # recompute every target with a plain loop
        marked = [t for t in range(T) if markers[t, i] == 1.0]
        assert len(marked) == 2
        assert marked[0] < T // 2 <= marked[1]
        assert y[i, 0] == pytest.approx(values[marked[0], i] + values[marked[1], i])


def test_adding_problem_seeding_and_dtype():
    a = adding_problem(4, 8, rng=_gen(1))
    b = adding_problem(4, 8, rng=_gen(1))
    c = adding_problem(4, 8, rng=_gen(2))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])
    x, y = adding_problem(4, 8, rng=_gen(), dtype=np.float32)
    assert x.dtype == y.dtype == np.float32


def test_adding_problem_baseline_is_one_sixth():
    _, y = adding_problem(20000, 4, rng=_gen())
    assert np.mean((y - 1.0) ** 2) == pytest.approx(1 / 6, rel=0.03)


# --- copy task ----------------------------------------------------------------------


def test_copy_task_layout():
    n, T, S, K = 6, 5, 3, 4
    x, y, ids = copy_task(n, T, n_symbols=S, n_copy=K, rng=_gen())
    L = T + 2 * K
    assert x.shape == (L, n, S + 2) and y.shape == ids.shape == (L, n)
    assert y.dtype == ids.dtype == np.int64
    np.testing.assert_array_equal(x.argmax(axis=-1), ids)
    np.testing.assert_array_equal(x.sum(axis=-1), np.ones((L, n)))
    for i in range(n):
        seq, target = list(ids[:, i]), list(y[:, i])
        data = seq[:K]
        assert all(1 <= s <= S for s in data)
        assert seq[K:K + T - 1] == [0] * (T - 1)        # the wait
        assert seq[K + T - 1] == S + 1                  # the delimiter
        assert seq[K + T:] == [0] * K
        assert target == [0] * (T + K) + data           # repeat after the delimiter


def test_copy_task_seeding():
    a = copy_task(3, 4, rng=_gen(5))
    b = copy_task(3, 4, rng=_gen(5))
    np.testing.assert_array_equal(a[2], b[2])
    assert a[0].shape == (4 + 20, 3, 10)  # defaults: 8 symbols, copy 10


# --- remember the first symbol --------------------------------------------------------


def test_first_symbol_task_targets():
    n, T = 40, 9
    x, y = first_symbol_task(n, T, n_symbols=3, n_noise=5, rng=_gen())
    assert x.shape == (T, n, 8) and y.shape == (n,) and y.dtype == np.int64
    ids = x.argmax(axis=-1)  # (T, n)
    np.testing.assert_array_equal(x.sum(axis=-1), np.ones((T, n)))
    for i in range(n):
        assert y[i] == ids[0, i] and 0 <= y[i] < 3
        assert all(3 <= s < 8 for s in ids[1:, i])
    np.testing.assert_array_equal(first_symbol_task(n, T, rng=_gen(3))[1],
                                  first_symbol_task(n, T, rng=_gen(3))[1])


# --- readout model --------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_readout_gradients_match_finite_differences(cell, loss):
    rng = _gen()
    if loss == "mse":
        x, y = adding_problem(3, 5, rng=rng)
        model = ReadoutModel(cell, 2, 4, 1, loss=loss, rng=rng)
    else:
        x, y = first_symbol_task(3, 5, n_symbols=3, n_noise=2, rng=rng)
        model = ReadoutModel(cell, 5, 4, 3, loss=loss, rng=rng)
    value, grads = model.loss(x, y)
    assert list(grads) == list(model.params)
    errors = check_function(lambda: model.loss(x, y)[0], model.params, grads)
    assert max(errors.values()) < 1e-6, errors
    assert model.predict(x).shape == (3, model.head["bias_y"].size)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_gate_bias_shifts_the_keep_gate_only(cell):
    plain = ReadoutModel(cell, 2, 3, 1, rng=_gen())
    biased = ReadoutModel(cell, 2, 3, 1, gate_bias=2.0, rng=_gen())
    shift = biased.params["bias_ih_l0"] - plain.params["bias_ih_l0"]
    # rows [i f g o] for the LSTM, [r z n] for the GRU: the 2nd block is f or z
    expected = np.zeros_like(shift)
    expected[3:6] = 2.0
    np.testing.assert_allclose(shift, expected)
    rnn_plain = ReadoutModel("rnn", 2, 3, 1, rng=_gen())
    rnn_biased = ReadoutModel("rnn", 2, 3, 1, gate_bias=2.0, rng=_gen())
    np.testing.assert_array_equal(rnn_biased.params["bias_ih_l0"],
                                  rnn_plain.params["bias_ih_l0"])


def test_mse_loss_value():
    model = ReadoutModel("gru", 2, 3, 1, rng=_gen())
    x, y = adding_problem(5, 4, rng=_gen(1))
    loss, _ = model.loss(x, y)
    assert loss == pytest.approx(np.mean((model.predict(x) - y) ** 2))


def test_train_readout_learns_a_short_first_symbol_task():
    rng = _gen()
    model = ReadoutModel("gru", 6, 12, 3, loss="cross_entropy", rng=rng)

    def batch(rng):
        return first_symbol_task(16, 3, n_symbols=3, n_noise=3, rng=rng)

    losses = train_readout(model, batch, steps=60, lr=0.05, rng=rng)
    assert len(losses) == 60
    assert np.mean(losses[-10:]) < 0.3 * np.log(3)


def test_a_plain_rnn_learns_the_adding_problem_at_a_short_length():
    result = run_experiment("adding", "rnn", 5, steps=400, n_test=200, seed=0)
    assert result["test_loss"] < 0.2 * result["baseline"]


def test_run_experiment_is_seeded():
    a = run_experiment("adding", "rnn", 6, hidden_size=4, steps=3, seed=1, n_test=20)
    b = run_experiment("adding", "rnn", 6, hidden_size=4, steps=3, seed=1, n_test=20)
    assert a == b
    assert a["baseline"] == pytest.approx(1 / 6) and len(a["losses"]) == 3
    c = run_experiment("first_symbol", "lstm", 4, hidden_size=4, steps=2, n_test=20)
    assert c["baseline"] == pytest.approx(np.log(4)) and 0 <= c["accuracy"] <= 1


# --- bad input 


def test_generators_reject_bad_input():
    with pytest.raises(ValueError, match="T: expected an int >= 2, got 1"):
        adding_problem(3, 1)
    with pytest.raises(ValueError, match="n: expected a positive int, got 0"):
        adding_problem(0, 5)
    with pytest.raises(TypeError, match="rng: expected numpy.random.Generator"):
        adding_problem(2, 5, rng=3)
    with pytest.raises(TypeError, match="dtype: expected float32 or float64"):
        adding_problem(2, 5, dtype=int)
    with pytest.raises(
        TypeError, match="n_symbols: expected a positive int, got float"
    ):
        copy_task(2, 5, n_symbols=2.0)
    with pytest.raises(ValueError, match="n_symbols: expected an int >= 2, got 1"):
        first_symbol_task(2, 5, n_symbols=1)
    with pytest.raises(TypeError, match="T: expected a positive int, got str"):
        first_symbol_task(2, "5")


def test_readout_rejects_bad_input():
    with pytest.raises(
        ValueError, match=r"cell: expected one of \['rnn', 'lstm', 'gru'\]"
    ):
        ReadoutModel("cnn", 2, 3, 1)
    with pytest.raises(
        ValueError, match=r"loss: expected one of \['mse', 'cross_entropy'\]"
    ):
        ReadoutModel("rnn", 2, 3, 1, loss="l1")
    model = ReadoutModel("rnn", 2, 3, 1, rng=_gen())
    x, y = adding_problem(4, 5, rng=_gen())
    with pytest.raises(
        ValueError, match=r"y: expected 2 dimensions with shape \(4, 1\)"
    ):
        model.loss(x, y[:, 0])
    classifier = ReadoutModel("rnn", 2, 3, 2, loss="cross_entropy", rng=_gen())
    with pytest.raises(TypeError, match="y: expected an integer dtype"):
        classifier.loss(x, y[:, 0])
    with pytest.raises(TypeError, match="gate_bias: expected a number, got str"):
        ReadoutModel("lstm", 2, 3, 1, gate_bias="high")
    with pytest.raises(ValueError, match="gate_bias: expected a finite number"):
        ReadoutModel("lstm", 2, 3, 1, gate_bias=np.inf)
    with pytest.raises(TypeError, match="make_batch: expected a callable"):
        train_readout(model, (x, y), steps=1)
    with pytest.raises(TypeError, match="model: expected a ReadoutModel"):
        train_readout("model", lambda rng: (x, y), steps=1)
    with pytest.raises(
        ValueError, match=r"task: expected one of \['adding', 'first_symbol'\]"
    ):
        run_experiment("copy", "rnn", 5)
