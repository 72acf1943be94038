"""Packed sequences, LSTM projections and dropout against torch, number for number.

float64 throughout: packing matches ``torch.nn.utils.rnn`` exactly; the layers fed
a PackedSequence match torch.nn's outputs, final states, input gradient,
initial-state gradients and every parameter gradient to 1e-10 with random
weights and biases, a random initial state and random upstream gradients on the
output and the final state(s).
"""

import re
import zlib

import numpy as np
import pytest

import rnnbook
from rnnbook import (
    GRU,
    LSTM,
    RNN,
    PackedSequence,
    from_torch,
    pack_padded_sequence,
    pack_sequence,
    pad_packed_sequence,
    pad_sequence,
    to_torch,
)
from rnnbook.gradcheck import check_function, check_layer

D, H = 3, 4
LENGTHS = {"sorted": [5, 4, 4, 2, 1], "unsorted": [2, 5, 1, 4, 3]}
CELLS = {
    "rnn_tanh": lambda **kw: RNN(D, H, nonlinearity="tanh", **kw),
    "rnn_relu": lambda **kw: RNN(D, H, nonlinearity="relu", **kw),
    "lstm": lambda **kw: LSTM(D, H, **kw),
    "gru": lambda **kw: GRU(D, H, **kw),
}
TOL = dict(rtol=1e-10, atol=1e-12)


def raises(exc, *parts):
    """pytest.raises whose message must contain every part, in order."""
    return pytest.raises(exc, match=".*".join(re.escape(p) for p in parts))


def seeded(*key):
    return np.random.default_rng(zlib.crc32(str(key).encode()))


def randomize(layer, rng):
    """Random N(0, 0.5^2) weights and biases, larger than the default init."""
    for name, p in layer.params.items():
        layer.params[name] = 0.5 * rng.standard_normal(p.shape)


def padded_batch(rng, lengths, batch_first=False, features=D):
    """A padded batch with garbage (not zeros) in the padding: it must not matter."""
    T, B = max(lengths), len(lengths)
    x = rng.standard_normal((T, B, features))
    return x.transpose(1, 0, 2).copy() if batch_first else x


def state_like(layer, rng, B):
    """A random initial state in the caller's batch order."""
    n = layer.num_layers * (2 if layer.bidirectional else 1)
    if layer.mode == "LSTM":
        return (rng.standard_normal((n, B, layer.proj_size or H)),
                rng.standard_normal((n, B, H)))
    return rng.standard_normal((n, B, H))


# ------------------------------------------------------------ packing itself


@pytest.mark.parametrize("batch_first", [False, True], ids=["tmajor", "bfirst"])
@pytest.mark.parametrize("order", list(LENGTHS))
def test_packing_matches_torch(torch_single_thread, order, batch_first):
    torch = torch_single_thread
    U = torch.nn.utils.rnn
    lengths = LENGTHS[order]
    x = padded_batch(seeded(order, batch_first), lengths, batch_first)
    for enforce_sorted in ([True, False] if order == "sorted" else [False]):
        ours = pack_padded_sequence(x, lengths, batch_first, enforce_sorted)
        theirs = U.pack_padded_sequence(torch.tensor(x), lengths, batch_first,
                                        enforce_sorted)
        np.testing.assert_array_equal(ours.data, theirs.data.numpy())
        np.testing.assert_array_equal(ours.batch_sizes, theirs.batch_sizes.numpy())
        for field in ("sorted_indices", "unsorted_indices"):
            mine, want = getattr(ours, field), getattr(theirs, field)
            assert (mine is None) == (want is None), field
            if want is not None:
                np.testing.assert_array_equal(mine, want.numpy())
        for total_length in (None, 7):
            padded, lens = pad_packed_sequence(ours, batch_first, -1.5, total_length)
            t_padded, t_lens = U.pad_packed_sequence(theirs, batch_first, -1.5,
                                                     total_length)
            np.testing.assert_array_equal(padded, t_padded.numpy())
            np.testing.assert_array_equal(lens, t_lens.numpy())


@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_pack_sequence_and_pad_sequence_match_torch(torch_single_thread,
                                                    enforce_sorted):
    torch = torch_single_thread
    U = torch.nn.utils.rnn
    rng = np.random.default_rng(0)
    lengths = [4, 3, 3, 1] if enforce_sorted else [1, 4, 2, 3]
    seqs = [rng.standard_normal((L, 2)) for L in lengths]
    t_seqs = [torch.tensor(s) for s in seqs]
    ours = pack_sequence(seqs, enforce_sorted)
    theirs = U.pack_sequence(t_seqs, enforce_sorted)
    np.testing.assert_array_equal(ours.data, theirs.data.numpy())
    np.testing.assert_array_equal(ours.batch_sizes, theirs.batch_sizes.numpy())
    for batch_first in (False, True):
        np.testing.assert_array_equal(
            pad_sequence(seqs, batch_first, 9.0),
            U.pad_sequence(t_seqs, batch_first, 9.0).numpy())


def test_packing_by_hand():
    """The docstring's picture: lengths 3, 1, 2 are packed as 3 + 2 + 1 rows."""
    x = np.array([[0.0, 10.0, 20.0], [1.0, 11.0, 21.0], [2.0, 12.0, 22.0]])  # (T, B)
    packed = pack_padded_sequence(x[..., None], [3, 1, 2], enforce_sorted=False)
    np.testing.assert_array_equal(packed.data[:, 0], [0.0, 20.0, 10.0, 1.0, 21.0, 2.0])
    np.testing.assert_array_equal(packed.batch_sizes, [3, 2, 1])
    np.testing.assert_array_equal(packed.sorted_indices, [0, 2, 1])
    np.testing.assert_array_equal(packed.unsorted_indices, [0, 2, 1])


# ------------------------------------------------------------ layers on packed input


def run_packed_parity(torch, layer, x, lengths, batch_first, enforce_sorted, rng,
                      with_hx=True):
    """Run the layer and torch on the same packed batch; compare everything.

    Returns the largest absolute difference seen.
    """
    from torch_reference import close_state_and_param_grads, torch_module_like, torch_state

    U = torch.nn.utils.rnn
    is_lstm = layer.mode == "LSTM"
    module = torch_module_like(torch, layer)
    B = len(lengths)
    hx = state_like(layer, rng, B) if with_hx else None

    packed = pack_padded_sequence(x, lengths, batch_first, enforce_sorted)
    output, state = layer(packed, hx)

    tx = torch.tensor(x, requires_grad=True)
    t_packed = U.pack_padded_sequence(tx, lengths, batch_first, enforce_sorted)
    t_hx = torch_state(torch, hx, is_lstm)
    t_output, t_state = module(t_packed, t_hx)

    worst = [0.0]

    def close(name, got, want):
        want = want.detach().numpy()
        np.testing.assert_allclose(got, want, err_msg=name, **TOL)
        worst[0] = max(worst[0], float(np.max(np.abs(got - want))))

    assert isinstance(output, PackedSequence)
    np.testing.assert_array_equal(output.batch_sizes, packed.batch_sizes)
    close("output", output.data, t_output.data)
    states = state if is_lstm else (state,)
    t_states = t_state if is_lstm else (t_state,)
    for i, (s, ts) in enumerate(zip(states, t_states)):
        close(f"final state {i}", s, ts)

    # random upstream gradients on the packed output and on the final state(s)
    g_data = rng.standard_normal(output.data.shape)
    g_states = [rng.standard_normal(s.shape) for s in states]
    loss = (t_output.data * torch.tensor(g_data)).sum()
    for ts, g in zip(t_states, g_states):
        loss = loss + (ts * torch.tensor(g)).sum()
    loss.backward()
    grad_input, grad_hx, grads = layer.backward(
        output._replace(data=g_data), tuple(g_states) if is_lstm else g_states[0])

    # the input gradient has the input's structure; padding gets zero gradient
    assert isinstance(grad_input, PackedSequence)
    for field in ("batch_sizes", "sorted_indices", "unsorted_indices"):
        mine, want = getattr(grad_input, field), getattr(packed, field)
        assert mine is want or np.array_equal(mine, want), field
    padded, _ = pad_packed_sequence(grad_input, batch_first, total_length=x.shape[
        1 if batch_first else 0])
    close("grad_input", padded, tx.grad)
    close_state_and_param_grads(close, module, is_lstm, hx, t_hx, grad_hx, grads)
    return worst[0]


@pytest.mark.parametrize("order", list(LENGTHS))
@pytest.mark.parametrize("batch_first", [False, True], ids=["tmajor", "bfirst"])
@pytest.mark.parametrize("bidirectional", [False, True], ids=["uni", "bi"])
@pytest.mark.parametrize("cell", list(CELLS))
def test_packed_parity(torch_single_thread, cell, bidirectional, batch_first, order):
    rng = seeded(cell, bidirectional, batch_first, order)
    layer = CELLS[cell](num_layers=2, bidirectional=bidirectional,
                        batch_first=batch_first, rng=rng)
    randomize(layer, rng)
    lengths = LENGTHS[order]
    x = padded_batch(rng, lengths, batch_first)
    run_packed_parity(torch_single_thread, layer, x, lengths, batch_first,
                      enforce_sorted=order == "sorted", rng=rng)


@pytest.mark.parametrize("cell", list(CELLS))
def test_packed_parity_without_initial_state_and_equal_lengths(torch_single_thread,
                                                               cell):
    rng = seeded("equal", cell)
    layer = CELLS[cell](bidirectional=True, rng=rng)
    randomize(layer, rng)
    lengths = [4, 4, 4]
    x = padded_batch(rng, lengths)
    run_packed_parity(torch_single_thread, layer, x, lengths, False, True, rng,
                      with_hx=False)


@pytest.mark.parametrize("cell", list(CELLS))
def test_h_n_is_each_sequences_last_real_step(cell):
    """h_n of the packed batch = h_n of each sequence run alone, while a padded
    batch's output[-1] (and h_n) has also run over the padding."""
    rng = seeded("last", cell)
    layer = CELLS[cell](bidirectional=True, rng=rng)
    lengths = LENGTHS["unsorted"]
    x = padded_batch(rng, lengths)
    _, state = layer(pack_padded_sequence(x, lengths, enforce_sorted=False))
    h_n = state[0] if cell == "lstm" else state
    _, padded_state = layer(x)
    padded_h_n = padded_state[0] if cell == "lstm" else padded_state
    for b, L in enumerate(lengths):
        _, alone = layer(x[:L, b])  # unbatched, its real steps only
        alone_h = alone[0] if cell == "lstm" else alone
        np.testing.assert_allclose(h_n[:, b], alone_h, rtol=1e-12, atol=1e-14)
        if L < len(x):
            assert not np.allclose(padded_h_n[0, b], alone_h[0])


def test_packed_finite_differences():
    """Gradient check of a bidirectional 2-layer LSTM on an unsorted packed batch."""
    rng = np.random.default_rng(11)
    layer = LSTM(D, H, num_layers=2, bidirectional=True, rng=rng)
    lengths = [2, 4, 1]
    packed = pack_padded_sequence(padded_batch(rng, lengths), lengths,
                                  enforce_sorted=False)
    data = packed.data.copy()
    hx = state_like(layer, rng, 3)
    output, (h_n, c_n) = layer(packed._replace(data=data), hx)
    G, G_h, G_c = (rng.standard_normal(a.shape) for a in (output.data, h_n, c_n))

    def loss():
        out, (h, c) = layer(packed._replace(data=data), hx)
        return np.sum(G * out.data) + np.sum(G_h * h) + np.sum(G_c * c)

    loss()
    grad_input, (dh0, dc0), grads = layer.backward(output._replace(data=G), (G_h, G_c))
    errors = check_function(
        loss, {"data": data, "h0": hx[0], "c0": hx[1], **layer.params},
        {"data": grad_input.data, "h0": dh0, "c0": dc0, **grads})
    assert max(errors.values()) < 1e-7, errors


def test_packed_float32_stays_float32_and_agrees_with_float64():
    rng = np.random.default_rng(13)
    lengths = LENGTHS["unsorted"]
    x = padded_batch(rng, lengths)
    layer64 = LSTM(D, H, num_layers=2, bidirectional=True, proj_size=2, rng=rng)
    layer32 = LSTM(D, H, num_layers=2, bidirectional=True, proj_size=2,
                   dtype=np.float32)
    layer32.params = {k: v.astype(np.float32) for k, v in layer64.params.items()}
    out64, _ = layer64(pack_padded_sequence(x, lengths, enforce_sorted=False))
    out32, (h32, c32) = layer32(pack_padded_sequence(x.astype(np.float32), lengths,
                                                     enforce_sorted=False))
    assert out32.data.dtype == h32.dtype == c32.dtype == np.float32
    np.testing.assert_allclose(out32.data, out64.data, rtol=1e-4, atol=1e-5)
    grad_input, _, grads = layer32.backward(out32)
    assert grad_input.data.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads.values())


def test_packed_gru_reset_before_finite_differences():
    """The d2l / Cho et al. v3 GRU (no torch counterpart) on a packed batch."""
    rng = np.random.default_rng(14)
    layer = GRU(D, H, bidirectional=True, reset_after=False, rng=rng)
    lengths = [1, 3, 2]
    packed = pack_padded_sequence(padded_batch(rng, lengths), lengths,
                                  enforce_sorted=False)
    data = packed.data.copy()
    output, h_n = layer(packed)
    G, G_h = rng.standard_normal(output.data.shape), rng.standard_normal(h_n.shape)

    def loss():
        out, h = layer(packed._replace(data=data))
        return np.sum(G * out.data) + np.sum(G_h * h)

    loss()
    grad_input, _, grads = layer.backward(output._replace(data=G), G_h)
    errors = check_function(loss, {"data": data, **layer.params},
                            {"data": grad_input.data, **grads})
    assert max(errors.values()) < 1e-7, errors


# ------------------------------------------------------------ LSTM projections


@pytest.mark.parametrize("packed", [False, True], ids=["padded", "packed"])
@pytest.mark.parametrize("batch_first", [False, True], ids=["tmajor", "bfirst"])
@pytest.mark.parametrize("bidirectional", [False, True], ids=["uni", "bi"])
def test_proj_size_parity(torch_single_thread, parity, bidirectional, batch_first,
                          packed):
    rng = seeded("proj", bidirectional, batch_first, packed)
    layer = LSTM(D, H, num_layers=2, bidirectional=bidirectional,
                 batch_first=batch_first, proj_size=2, rng=rng)
    assert layer.params["weight_hr_l1"].shape == (2, H)
    assert layer.params["weight_hh_l0"].shape == (4 * H, 2)
    randomize(layer, rng)
    lengths = LENGTHS["unsorted"]
    x = padded_batch(rng, lengths, batch_first)
    if packed:
        run_packed_parity(torch_single_thread, layer, x, lengths, batch_first, False,
                          rng)
    else:
        parity(layer, x, state_like(layer, rng, len(lengths)), rng)


def test_proj_size_finite_differences():
    rng = np.random.default_rng(12)
    layer = LSTM(D, H, num_layers=2, bidirectional=True, proj_size=3, rng=rng)
    errors = check_layer(layer, rng.standard_normal((5, 2, D)), rng=rng)
    assert "weight_hr_l1_reverse" in errors
    assert max(errors.values()) < 1e-7, errors


# ------------------------------------------------------------ dropout


@pytest.mark.parametrize("cell", list(CELLS))
def test_dropout_in_eval_mode_equals_torch(torch_single_thread, parity, cell):
    rng = seeded("eval", cell)
    layer = CELLS[cell](num_layers=3, bidirectional=True, dropout=0.5, rng=rng).eval()
    randomize(layer, rng)
    x = rng.standard_normal((6, 2, D))
    parity(layer, x, state_like(layer, rng, 2), rng)


def test_train_and_eval_return_the_layer_and_set_the_mode():
    layer = GRU(D, H, num_layers=2, dropout=0.3)
    assert layer.training
    assert layer.eval() is layer and not layer.training
    assert layer.train() is layer and layer.training


def torch_stack_with_masks(torch, layer, x, hx, masks):
    """The layer's computation rebuilt from one-layer torch modules and the
    rnnbook layer's dropout masks: out_k = module_k(out_{k-1} ⊙ mask_k)."""
    from torch_reference import torch_module_like

    dirs = 2 if layer.bidirectional else 1
    is_lstm = layer.mode == "LSTM"
    inp = torch.tensor(x, requires_grad=True)
    t_hx = tuple(torch.tensor(s, requires_grad=True) for s in hx)
    out, finals, modules = inp, [], []
    for k in range(layer.num_layers):
        kwargs = dict(bidirectional=layer.bidirectional)
        if layer.mode.startswith("RNN"):
            kwargs["nonlinearity"] = layer.nonlinearity
        single = type(layer)(layer.input_size if k == 0 else dirs * H, H,
                             rng=np.random.default_rng(0), **kwargs)
        for name in single.params:
            single.params[name] = layer.params[name.replace("_l0", f"_l{k}")]
        module = torch_module_like(torch, single)
        modules.append((k, module))
        if k > 0:
            out = out * torch.tensor(masks[k])
        rows = slice(k * dirs, (k + 1) * dirs)
        state = tuple(s[rows] for s in t_hx)
        out, fin = module(out, state if is_lstm else state[0])
        finals.append(fin if is_lstm else (fin,))
    final = [torch.cat([f[i] for f in finals]) for i in range(len(finals[0]))]
    return inp, t_hx, out, final, modules


@pytest.mark.parametrize("cell", list(CELLS))
def test_dropout_in_training_mode_uses_the_layers_masks(torch_single_thread, cell):
    """Training mode: the output is the layer-by-layer computation with inverted
    dropout masks between the layers, and backward goes through the same masks."""
    torch = torch_single_thread
    p = 0.4
    rng = seeded("train", cell)
    layer = CELLS[cell](num_layers=3, bidirectional=True, dropout=p, rng=rng)
    randomize(layer, rng)
    x = rng.standard_normal((6, 5, D))
    hx = state_like(layer, rng, 5)
    hx = hx if cell == "lstm" else (hx,)
    output, state = layer(x, hx if cell == "lstm" else hx[0])
    masks = layer._cache.masks
    assert masks[0] is None and len(masks) == 3
    for m in masks[1:]:
        # inverted dropout: values 0 or 1 / (1 - p), about a fraction p of zeros
        assert set(np.unique(m)) == {0.0, 1 / (1 - p)}
        assert abs(np.mean(m == 0) - p) < 0.15

    inp, t_hx, t_out, t_final, modules = torch_stack_with_masks(torch, layer, x, hx,
                                                                masks)
    np.testing.assert_allclose(output, t_out.detach().numpy(), **TOL)
    states = state if cell == "lstm" else (state,)
    for s, ts in zip(states, t_final):
        np.testing.assert_allclose(s, ts.detach().numpy(), **TOL)

    g_out = rng.standard_normal(output.shape)
    g_states = [rng.standard_normal(s.shape) for s in states]
    loss = (t_out * torch.tensor(g_out)).sum() + sum(
        (ts * torch.tensor(g)).sum() for ts, g in zip(t_final, g_states))
    loss.backward()
    grad_input, grad_hx, grads = layer.backward(
        g_out, tuple(g_states) if cell == "lstm" else g_states[0])
    np.testing.assert_allclose(grad_input, inp.grad.numpy(), **TOL)
    for g, t in zip(grad_hx if cell == "lstm" else (grad_hx,), t_hx):
        np.testing.assert_allclose(g, t.grad.numpy(), **TOL)
    for k, module in modules:
        for name, prm in module.named_parameters():
            np.testing.assert_allclose(grads[name.replace("_l0", f"_l{k}")],
                                       prm.grad.numpy(), err_msg=name, **TOL)


class FixedMasks:
    """A layer whose dropout generator restarts from one seed at every call, so
    every forward pass draws the same masks (for finite differences)."""

    def __init__(self, layer, seed):
        self._layer, self._seed = layer, seed

    def __getattr__(self, name):
        return getattr(self._layer, name)

    def __call__(self, x, hx=None):
        self._layer.rng = np.random.default_rng(self._seed)
        return self._layer(x, hx)


@pytest.mark.parametrize("cell", list(CELLS))
def test_dropout_finite_differences_with_fixed_masks(cell):
    rng = seeded("fd-dropout", cell)
    layer = CELLS[cell](num_layers=2, bidirectional=True, dropout=0.3, rng=rng)
    errors = check_layer(FixedMasks(layer, 5), rng.standard_normal((4, 2, D)),
                         rng=rng)
    assert max(errors.values()) < 1e-7, errors
    assert np.any(layer._cache.masks[1] == 0)  # dropout did act


def test_dropout_masks_differ_between_calls_and_need_training_mode():
    layer = GRU(D, H, num_layers=2, dropout=0.5, rng=np.random.default_rng(0))
    x = np.random.default_rng(1).standard_normal((4, 2, D))
    first, second = layer(x)[0], layer(x)[0]
    assert not np.allclose(first, second)
    layer.eval()
    np.testing.assert_array_equal(layer(x)[0], layer(x)[0])


# ------------------------------------------------------------ torch bridge


@pytest.mark.parametrize("training", [True, False])
def test_bridge_carries_proj_size_dropout_and_mode(torch_single_thread, training):
    torch = torch_single_thread
    module = torch.nn.LSTM(D, 5, num_layers=2, proj_size=2, dropout=0.25,
                           bidirectional=True, dtype=torch.float64).train(training)
    layer = from_torch(module)
    assert (layer.proj_size, layer.dropout, layer.training) == (2, 0.25, training)
    back = to_torch(layer)
    assert str(back) == str(module) and back.training == training
    for (n1, p1), (n2, p2) in zip(module.named_parameters(), back.named_parameters()):
        assert n1 == n2 and torch.equal(p1, p2)
    if not training:
        x = np.random.default_rng(0).standard_normal((4, 3, D))
        with torch.no_grad():
            want = module(torch.tensor(x))[0].numpy()
        np.testing.assert_allclose(layer(x)[0], want, **TOL)


def test_dropout_with_one_layer_warns_like_torch():
    with pytest.warns(UserWarning, match="num_layers=1 does nothing"):
        layer = RNN(D, H, dropout=0.5)
    x = np.random.default_rng(0).standard_normal((3, 2, D))
    np.testing.assert_array_equal(layer(x)[0], layer(x)[0])  # no dropout applied


# ------------------------------------------------------------ bad input


def test_bad_lengths_are_clear_errors():
    x = np.zeros((4, 3, D))
    with raises(ValueError, "lengths: expected every length >= 1, got 0 at index 1"):
        pack_padded_sequence(x, [4, 0, 2], enforce_sorted=False)
    with raises(ValueError, "lengths: expected every length <= T = 4",
                "got 5 at index 0"):
        pack_padded_sequence(x, [5, 3, 2])
    with raises(ValueError, "lengths: expected lengths sorted in decreasing order "
                "with enforce_sorted=True, got [2, 4, 1]", "enforce_sorted=False"):
        pack_padded_sequence(x, [2, 4, 1])
    with raises(ValueError, "lengths: expected 3 lengths", "got 2"):
        pack_padded_sequence(x, [4, 2])
    with raises(TypeError, "lengths: expected a list or 1-D integer array of 3",
                "got ndarray of dtype float64"):
        pack_padded_sequence(x, np.array([4.0, 3.0, 2.0]))
    with raises(TypeError, "input: expected a numpy.ndarray (T, B, *)", "got list"):
        pack_padded_sequence([[1.0]], [1])


def test_other_bad_packing_input():
    packed = pack_sequence([np.ones((3, D)), np.ones((2, D))])
    with raises(ValueError, "total_length: expected at least the longest length 3",
                "got 2"):
        pad_packed_sequence(packed, total_length=2)
    with raises(TypeError, "sequence: expected an rnnbook.PackedSequence",
                "got ndarray"):
        pad_packed_sequence(np.ones((3, 2)))
    with raises(ValueError, "sequence.data: expected sum(batch_sizes) = 5 rows",
                "got shape (4, 3)"):
        pad_packed_sequence(packed._replace(data=np.ones((4, D))))
    with raises(ValueError, "sequences[1]: expected shape (L, 3)",
                "got shape (2, 2)"):
        pack_sequence([np.ones((3, D)), np.ones((2, 2))])
    with raises(ValueError, "sequence.unsorted_indices: expected the inverse of "
                "sorted_indices, array([1, 0])", "got None"):
        pad_packed_sequence(packed._replace(sorted_indices=np.array([1, 0])))
    with raises(ValueError, "input: expected at least one sequence",
                "got shape (3, 0, 2)"):
        pack_padded_sequence(np.ones((3, 0, 2)), [])


def test_layers_reject_mismatched_packed_input_and_gradients():
    layer = LSTM(D, H, rng=np.random.default_rng(0))
    packed = pack_sequence([np.ones((3, D)), np.ones((1, D))])
    with raises(ValueError, "x.data: expected shape (N, 3)", "got (4, 2)"):
        layer(pack_sequence([np.ones((3, 2)), np.ones((1, 2))]))
    with raises(ValueError, "hx[0] (h_0): expected shape (1, 2, 4)", "got (1, 3, 4)"):
        layer(packed, (np.zeros((1, 3, H)), np.zeros((1, 3, H))))
    output, _ = layer(packed)
    with raises(TypeError, "grad_output: expected an rnnbook.PackedSequence",
                "got ndarray"):
        layer.backward(np.ones((3, 2, H)))
    other = pack_sequence([np.ones((2, D)), np.ones((2, D))])
    with raises(ValueError, "grad_output.batch_sizes: expected the output's",
                "got array([2, 2])"):
        layer.backward(other._replace(data=np.ones((4, H))))
    with raises(ValueError, "proj_size: expected 0 <= proj_size < hidden_size = 4",
                "got 4"):
        LSTM(D, H, proj_size=4)
    with raises(ValueError, "dropout: expected a probability in [0, 1], got 1.5"):
        GRU(D, H, num_layers=2, dropout=1.5)


def test_new_names_are_exported():
    for name in ("PackedSequence", "pack_padded_sequence", "pad_packed_sequence",
                 "pack_sequence", "pad_sequence"):
        assert getattr(rnnbook, name) is getattr(rnnbook.packing, name)
        assert name in rnnbook.__all__
