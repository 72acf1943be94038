"""Synthetic long-dependency tasks, and a tiny model to train on them.

Each task shows (part of) the answer early in a sequence and asks for it at
the end, so a model must carry information across many steps. A plain RNN's
gradient shrinks (or grows) by a factor at every step, so for large ``T`` it
fails; the additive cell path of an LSTM and the update gate of a GRU let the
gradient through.

All arrays are time-major, as the layers expect: x is (T, n, D) for n examples.
Everything is seeded through a numpy Generator, so a chapter's numbers repeat.
"""

from __future__ import annotations

import numpy as np

from ._validate import (
    check_array,
    check_choice,
    check_float_dtype,
    check_int_array,
    check_positive_float,
    check_positive_int,
    check_rng,
)
from .charlm import one_hot, softmax_cross_entropy
from .layers import GRU, LSTM, RNN
from .optim import Adam, clip_grad_norm

_CELLS = {"rnn": RNN, "lstm": LSTM, "gru": GRU}


def _check_real(name, value):
    """A finite real number (any sign)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"{name}: expected a number, got {type(value).__name__}")
    if not np.isfinite(value):
        raise ValueError(f"{name}: expected a finite number, got {value}")
    return float(value)


def _check_length(name, T, minimum):
    T = check_positive_int(name, T)
    if T < minimum:
        raise ValueError(f"{name}: expected an int >= {minimum}, got {T}")
    return T


def adding_problem(n, T, *, rng=None, dtype=np.float64):
    """The adding problem, in the variant of Le et al. (2015) and Arjovsky et al. (2016).

    Each step carries a random value in [0, 1) and a marker in {0, 1}. Exactly
    two steps are marked, one in the first half and one in the second half;
    the target is the sum of their two values:

        y = x[t1, 0] + x[t2, 0],  t1 < T // 2 <= t2

    Always predicting the mean (1.0) gives a mean squared error of 1/6;
    remembering only the second marked value (predicting x[t2, 0] + 0.5)
    gives 1/12, half of it.

    Hochreiter & Schmidhuber's original (1997, Experiment 4) differs: values
    in [-1, 1], the first mark among the first 10 steps and the second among
    the first T/2 - 1, random lengths in [T, 1.1 T], target 0.5 + (X1 + X2)/4.
    There both marks lie early; here the second one may be 1 step from the end.

    Args:
        n: number of examples, >= 1.
        T: sequence length, >= 2.
        rng: numpy Generator (None: a fresh one).
        dtype: float64 or float32.

    Returns:
        (x, y): x of shape (T, n, 2) (value, marker); y of shape (n, 1).

    Raises:
        TypeError, ValueError: bad arguments.

    Examples:
        >>> x, y = adding_problem(3, 10, rng=np.random.default_rng(0))
        >>> x.shape, y.shape
        ((10, 3, 2), (3, 1))
        >>> bool(np.all(x[:, :, 1].sum(axis=0) == 2))     # two markers each
        True
    """
    n = check_positive_int("n", n)
    T = _check_length("T", T, 2)
    rng = check_rng("rng", rng)
    dtype = check_float_dtype("dtype", dtype)
    cols = np.arange(n)
    values = rng.uniform(0.0, 1.0, (T, n))  # (T, n)
    t1 = rng.integers(0, T // 2, n)  # (n,) first marked step
    t2 = rng.integers(T // 2, T, n)  # (n,) second marked step
    markers = np.zeros((T, n))  # (T, n)
    markers[t1, cols] = 1.0
    markers[t2, cols] = 1.0
    x = np.stack([values, markers], axis=-1).astype(dtype)  # (T, n, 2)
    # y = x[t1, 0] + x[t2, 0]
    y = (values[t1, cols] + values[t2, cols])[:, None].astype(dtype)  # (n, 1)
    return x, y


def copy_task(n, T, *, n_symbols=8, n_copy=10, rng=None, dtype=np.float64):
    """The copy task (Arjovsky et al. 2016): repeat symbols after a long wait.

    Ids: 0 is blank, 1..n_symbols are data symbols, n_symbols + 1 is the
    delimiter. The input is ``n_copy`` random data symbols, ``T - 1`` blanks,
    the delimiter, then ``n_copy`` blanks; the target is blank everywhere
    except the last ``n_copy`` steps, which must repeat the data symbols.
    Sequence length L = T + 2 * n_copy. It needs an output at every step.

    Args:
        n: number of examples, >= 1.
        T: the wait between the symbols and the delimiter, >= 1.
        n_symbols: size of the data alphabet, >= 1.
        n_copy: how many symbols to copy, >= 1.
        rng: numpy Generator (None: a fresh one).
        dtype: float dtype of the one-hot input.

    Returns:
        (x, y, ids): x one-hot of shape (L, n, n_symbols + 2); y int64 target
        ids (L, n); ids int64 input ids (L, n).

    Raises:
        TypeError, ValueError: bad arguments.

    Examples:
        >>> x, y, ids = copy_task(2, 5, n_symbols=3, n_copy=4,
        ...                       rng=np.random.default_rng(0))
        >>> x.shape, y.shape
        ((13, 2, 5), (13, 2))
        >>> bool(np.all(y[-4:] == ids[:4]))
        True
    """
    n = check_positive_int("n", n)
    T = check_positive_int("T", T)
    n_symbols = check_positive_int("n_symbols", n_symbols)
    n_copy = check_positive_int("n_copy", n_copy)
    rng = check_rng("rng", rng)
    L = T + 2 * n_copy
    data = rng.integers(1, n_symbols + 1, (n_copy, n))  # (n_copy, n)
    ids = np.zeros((L, n), dtype=np.int64)  # (L, n) blanks
    ids[:n_copy] = data
    ids[n_copy + T - 1] = n_symbols + 1  # the delimiter: "now repeat"
    y = np.zeros((L, n), dtype=np.int64)  # (L, n)
    y[-n_copy:] = data
    x = one_hot(ids, n_symbols + 2, dtype)  # (L, n, n_symbols + 2)
    return x, y, ids


def first_symbol_task(n, T, *, n_symbols=4, n_noise=4, rng=None, dtype=np.float64):
    """Remember the first symbol ("Tom ... Mary said hi to ?" in miniature).

    Step 0 shows one of ``n_symbols`` symbols (ids 0..n_symbols-1); steps 1..T-1
    show random noise symbols (ids n_symbols..n_symbols+n_noise-1). The target
    is the first symbol, asked for after the last step. Guessing gives a
    cross-entropy of ln(n_symbols) and accuracy 1/n_symbols.

    Args:
        n: number of examples, >= 1.
        T: sequence length, >= 1 (the answer is T - 1 steps back).
        n_symbols: number of classes, >= 2.
        n_noise: number of distractor symbols, >= 1.
        rng: numpy Generator (None: a fresh one).
        dtype: float dtype of the one-hot input.

    Returns:
        (x, y): x one-hot of shape (T, n, n_symbols + n_noise); y int64 (n,).

    Raises:
        TypeError, ValueError: bad arguments.

    Examples:
        >>> x, y = first_symbol_task(3, 6, rng=np.random.default_rng(0))
        >>> x.shape, y.shape
        ((6, 3, 8), (3,))
        >>> bool(np.all(x[0].argmax(axis=-1) == y))
        True
    """
    n = check_positive_int("n", n)
    T = check_positive_int("T", T)
    n_symbols = _check_length("n_symbols", n_symbols, 2)
    n_noise = check_positive_int("n_noise", n_noise)
    rng = check_rng("rng", rng)
    y = rng.integers(0, n_symbols, n)  # (n,) the symbol to remember
    noise = rng.integers(n_symbols, n_symbols + n_noise, (T - 1, n))  # (T-1, n)
    ids = np.concatenate([y[None, :], noise])  # (T, n)
    x = one_hot(ids, n_symbols + n_noise, dtype)  # (T, n, n_symbols + n_noise)
    return x, y.astype(np.int64)


class ReadoutModel:
    """A recurrent layer read out once, at the last step, by a linear layer.

        h_1..h_T = cell(x_1..x_T)          cell: RNN, LSTM or GRU
        out      = h_T W_hy^T + b_y        (n, O)

    Loss "mse": mean((out - y)^2), for regression such as the adding problem.
    Loss "cross_entropy": softmax cross-entropy against int labels y (n,).

    Args:
        cell: "rnn", "lstm" or "gru".
        input_size: D.
        hidden_size: H.
        output_size: O (1 for adding, the number of classes otherwise).
        loss: "mse" or "cross_entropy".
        gate_bias: added at init to the bias of the gate that keeps the old
            state: the LSTM forget gate f, the GRU update gate z (z weights the
            old state in PyTorch's convention). A positive value makes a fresh
            cell remember by default (Keras adds 1 to the LSTM forget bias);
            the plain RNN has no gate and ignores it.
        rng: numpy Generator for the initial weights (None: a fresh one).
        dtype: float64 (default) or float32.

    Raises:
        TypeError, ValueError: bad arguments.

    Examples:
        >>> model = ReadoutModel("gru", 2, 8, 1, rng=np.random.default_rng(0))
        >>> x, y = adding_problem(4, 10, rng=np.random.default_rng(1))
        >>> model.predict(x).shape
        (4, 1)
    """

    def __init__(self, cell, input_size, hidden_size, output_size, *, loss="mse",
                 gate_bias=0.0, rng=None, dtype=np.float64):
        check_choice("cell", cell, _CELLS)
        D = check_positive_int("input_size", input_size)
        H = check_positive_int("hidden_size", hidden_size)
        O = check_positive_int("output_size", output_size)
        self.loss_kind = check_choice("loss", loss, ("mse", "cross_entropy"))
        self.dtype = check_float_dtype("dtype", dtype)
        gate_bias = _check_real("gate_bias", gate_bias)
        rng = check_rng("rng", rng)
        self.cell = cell
        self.layer = _CELLS[cell](D, H, dtype=self.dtype, rng=rng)
        if cell != "rnn":
            # LSTM rows [i f g o], GRU rows [r z n]: the 2nd block is f or z,
            # the gate that keeps the old cell state / hidden state.
            self.layer.params["bias_ih_l0"][H : 2 * H] += gate_bias
        k = 1.0 / np.sqrt(H)
        self.head = {
            "weight_hy": rng.uniform(-k, k, (O, H)).astype(self.dtype),  # (O, H)
            "bias_y": rng.uniform(-k, k, O).astype(self.dtype),  # (O,)
        }

    @property
    def params(self):
        """All parameters: the recurrent layer's, then "weight_hy", "bias_y"."""
        return {**self.layer.params, **self.head}

    def predict(self, x):
        """The output at the last step, (n, O), for input x of shape (T, n, D)."""
        hs, _ = self.layer(x)  # (T, n, H)
        # out = h_T W_hy^T + b_y
        return hs[-1] @ self.head["weight_hy"].T + self.head["bias_y"]  # (n, O)

    def loss(self, x, y):
        """Loss on a batch and the gradient of every parameter.

        Args:
            x: input (T, n, D).
            y: targets (n, O) floats for "mse"; (n,) int labels for
                "cross_entropy".

        Returns:
            (loss, grads): a float, and a dict with the keys of ``params``.

        Raises:
            TypeError, ValueError: bad shapes or types.
        """
        W_hy = self.head["weight_hy"]
        hs, _ = self.layer(x)  # (T, n, H)
        h_T = hs[-1]  # (n, H)
        out = h_T @ W_hy.T + self.head["bias_y"]  # (n, O)
        if self.loss_kind == "mse":
            check_array("y", y, (h_T.shape[0], W_hy.shape[0]))
            # loss = mean((out - y)^2) ;  dloss/dout = 2 (out - y) / out.size
            loss = float(np.mean((out - y) ** 2))
            dout = 2.0 * (out - y) / out.size
        else:
            check_int_array("y", y, 1, high=W_hy.shape[0])
            loss, dout = softmax_cross_entropy(out, y)
        # dL/dW_hy = dout^T h_T ;  dL/db_y = sum_n dout_n ;  dL/dh_T = dout W_hy
        grads = {"weight_hy": dout.T @ h_T, "bias_y": dout.sum(axis=0)}
        dhs = np.zeros_like(hs)  # (T, n, H): only the last step gets a gradient
        dhs[-1] = dout @ W_hy
        _, _, layer_grads = self.layer.backward(dhs)
        return loss, {**layer_grads, **grads}


def train_readout(model, make_batch, *, steps, lr=1e-2, clip=1.0, rng=None,
                  callback=None):
    """Train a ReadoutModel with Adam on fresh batches, clipping the gradient norm.

    Args:
        model: a ``ReadoutModel``.
        make_batch: function ``rng -> (x, y)`` returning a new training batch,
            e.g. ``lambda rng: adding_problem(32, 50, rng=rng)``.
        steps: number of updates, >= 1.
        lr: Adam learning rate, > 0.
        clip: maximum gradient norm, or None for no clipping.
        rng: numpy Generator passed to ``make_batch`` (None: a fresh one).
        callback: None, or a function ``(step, model) -> None`` called after
            every update (step = 1, 2, ..., steps), e.g. to measure the model
            during training. It must not draw from ``rng``.

    Returns:
        list of ``steps`` floats: the training loss at each step.

    Raises:
        TypeError, ValueError: bad arguments.
    """
    if not isinstance(model, ReadoutModel):
        raise TypeError(f"model: expected a ReadoutModel, got {type(model).__name__}")
    if not callable(make_batch):
        raise TypeError(
            f"make_batch: expected a callable, got {type(make_batch).__name__}"
        )
    if callback is not None and not callable(callback):
        raise TypeError(
            f"callback: expected a callable or None, got {type(callback).__name__}"
        )
    steps = check_positive_int("steps", steps)
    if clip is not None:
        check_positive_float("clip", clip)
    rng = check_rng("rng", rng)
    optimizer = Adam(lr)
    losses = []
    for step in range(1, steps + 1):
        x, y = make_batch(rng)
        loss, grads = model.loss(x, y)
        if clip is not None:
            clip_grad_norm(grads, clip)
        optimizer.step(model.params, grads)
        losses.append(loss)
        if callback is not None:
            callback(step, model)
    return losses


def marked_value_gradients(model, x):
    """How much the output moves with each marked value of the adding problem.

        g1[b] = d yhat_b / d v_{t1}     g2[b] = d yhat_b / d v_{t2}

    A model that solves the task has g1 = g2 = 1 (y = v_{t1} + v_{t2}); a
    model whose gradient never reaches t1 has g1 near 0.

    Args:
        model: a ``ReadoutModel`` with input_size 2 and output_size 1.
        x: adding-problem input (T, n, 2), exactly two markers per example.

    Returns:
        (g1, g2): two float arrays of shape (n,).

    Raises:
        TypeError, ValueError: bad model or input.

    Examples:
        >>> model = ReadoutModel("lstm", 2, 8, 1, rng=np.random.default_rng(0))
        >>> x, _ = adding_problem(5, 10, rng=np.random.default_rng(1))
        >>> tuple(g.shape for g in marked_value_gradients(model, x))
        ((5,), (5,))
    """
    if not isinstance(model, ReadoutModel):
        raise TypeError(f"model: expected a ReadoutModel, got {type(model).__name__}")
    W_hy = model.head["weight_hy"]  # (1, H)
    if W_hy.shape[0] != 1 or model.layer.input_size != 2:
        raise ValueError(
            "model: expected input_size 2 and output_size 1 (the adding problem), "
            f"got input_size {model.layer.input_size} and output_size {W_hy.shape[0]}"
        )
    x = check_array("x", x, ("T", "n", 2))
    marked_t, marked_b = np.nonzero(x[:, :, 1] == 1.0)  # sorted by t
    n = x.shape[1]
    if marked_t.size != 2 * n or np.any(np.bincount(marked_b, minlength=n) != 2):
        raise ValueError("x: expected exactly two markers (x[t, b, 1] == 1) per example")
    hs, _ = model.layer(x)  # (T, n, H)
    dhs = np.zeros_like(hs)  # (T, n, H)
    dhs[-1] = W_hy  # d yhat / d h_T = W_hy, for every example
    grad_x, _, _ = model.layer.backward(dhs)  # (T, n, 2)
    order = np.argsort(marked_b, kind="stable")  # each example's two marks, t1 first
    t = marked_t[order].reshape(n, 2)  # (n, 2): t1, t2
    cols = np.arange(n)
    return grad_x[t[:, 0], cols, 0], grad_x[t[:, 1], cols, 0]


def run_experiment(task, cell, T, *, hidden_size=16, steps=1000, batch_size=16,
                   lr=0.02, clip=1.0, gate_bias=0.0, n_test=500, seed=0,
                   loss_every=1, probe_every=0, n_probe=256):
    """Train one cell on one task at one length and measure it on fresh data.

    The experiments chapter reads runs of this function recorded by
    ``bench/record_experiments.py`` (``make experiments``) in
    ``bench/adding_problem.json``.

    Args:
        task: "adding" (MSE, baseline 1/6) or "first_symbol" (4 classes,
            cross-entropy, baseline ln 4, chance accuracy 0.25).
        cell: "rnn", "lstm" or "gru".
        T: sequence length.
        hidden_size: H.
        steps: training steps.
        batch_size: examples per step.
        lr: Adam learning rate.
        clip: maximum gradient norm.
        gate_bias: see ``ReadoutModel``.
        n_test: number of held-out test examples.
        seed: seeds everything (weights, batches, test set, probe batch).
        loss_every: k >= 1; "losses" holds the mean training loss of each
            block of k steps (1: every step's loss).
        probe_every: for "adding", every this many steps measure
            ``marked_value_gradients`` on a fixed probe batch (0: never). The
            probe batch has its own generator, so the training is unchanged.
        n_probe: examples in the probe batch.

    Returns:
        dict with "losses" (training curve), "test_loss", "baseline" (the loss
        of the best constant guess), "test_ratio" (test_loss / baseline), for
        "first_symbol" "accuracy", and with probe_every > 0 "probe": a dict of
        lists "step", "g1", "g2" (the mean of g1 and of g2 over the batch).

    Raises:
        TypeError, ValueError: bad arguments.

    Examples:
        >>> result = run_experiment("first_symbol", "lstm", 5, steps=5, seed=0)
        >>> sorted(result)
        ['accuracy', 'baseline', 'losses', 'test_loss', 'test_ratio']
    """
    check_choice("task", task, ("adding", "first_symbol"))
    batch_size = check_positive_int("batch_size", batch_size)
    n_test = check_positive_int("n_test", n_test)
    loss_every = check_positive_int("loss_every", loss_every)
    if isinstance(probe_every, bool) or not isinstance(probe_every, (int, np.integer)) \
            or probe_every < 0:
        raise ValueError(f"probe_every: expected an int >= 0, got {probe_every!r}")
    if probe_every and task != "adding":
        raise ValueError(f"probe_every: only for task 'adding', got task {task!r}")
    n_probe = check_positive_int("n_probe", n_probe)
    rng = np.random.default_rng(seed)
    if task == "adding":
        make = lambda n, rng: adding_problem(n, T, rng=rng)  # noqa: E731
        model = ReadoutModel(cell, 2, hidden_size, 1, loss="mse",
                             gate_bias=gate_bias, rng=rng)
        baseline = 1.0 / 6.0  # variance of the sum of two U(0, 1) values
    else:
        make = lambda n, rng: first_symbol_task(n, T, rng=rng)  # noqa: E731
        model = ReadoutModel(cell, 8, hidden_size, 4, loss="cross_entropy",
                             gate_bias=gate_bias, rng=rng)
        baseline = float(np.log(4))  # a uniform guess over 4 classes
    callback, probe = None, None
    if probe_every:
        # a separate stream: drawing the probe batch leaves `rng` untouched
        x_probe, _ = make(n_probe, np.random.default_rng([seed, 1]))
        probe = {"step": [], "g1": [], "g2": []}

        def callback(step, model):
            if step % probe_every == 0:
                g1, g2 = marked_value_gradients(model, x_probe)
                probe["step"].append(step)
                probe["g1"].append(float(np.mean(g1)))
                probe["g2"].append(float(np.mean(g2)))

    losses = train_readout(model, lambda rng: make(batch_size, rng), steps=steps,
                           lr=lr, clip=clip, rng=rng, callback=callback)
    if loss_every > 1:  # mean of each block of loss_every steps (the last may be short)
        losses = [float(np.mean(losses[i:i + loss_every]))
                  for i in range(0, len(losses), loss_every)]
    x, y = make(n_test, rng)
    test_loss = model.loss(x, y)[0]
    result = {"losses": losses, "test_loss": test_loss, "baseline": baseline,
              "test_ratio": test_loss / baseline}
    if task == "first_symbol":
        result["accuracy"] = float(np.mean(model.predict(x).argmax(axis=1) == y))
    if probe is not None:
        result["probe"] = probe
    return result
