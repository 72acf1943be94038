"""rnnbook.RNN/LSTM/GRU against torch.nn, number for number.

float64: outputs, final states, the input gradient, the initial-state gradient(s)
and every parameter gradient agree to 1e-10 relative, for every combination of
cell, num_layers, bidirectional, bias, batch_first and batched/unbatched input,
with random biases, a non-zero initial state and random upstream gradients on
both the output and the final state(s). float32 agrees at float32 precision.
"""

import zlib

import numpy as np
import pytest

import rnnbook
from rnnbook import GRU, LSTM, RNN, from_torch, to_torch

T, B, D, H = 5, 3, 4, 5

CELLS = {
    "rnn_tanh": lambda **kw: RNN(D, H, nonlinearity="tanh", **kw),
    "rnn_relu": lambda **kw: RNN(D, H, nonlinearity="relu", **kw),
    "lstm": lambda **kw: LSTM(D, H, **kw),
    "gru": lambda **kw: GRU(D, H, **kw),
}


def randomize_params(layer, rng, scale=0.5):
    """Replace every parameter (biases included) by N(0, scale^2) values."""
    for name, p in layer.params.items():
        layer.params[name] = (scale * rng.standard_normal(p.shape)).astype(layer.dtype)


def make_inputs(layer, rng, batched=True, with_hx=True):
    """x in the layer's layout and a non-zero initial state (or None)."""
    dirs = 2 if layer.bidirectional else 1
    if not batched:
        x_shape, s_shape = (T, D), (layer.num_layers * dirs, H)
    else:
        x_shape = (B, T, D) if layer.batch_first else (T, B, D)
        s_shape = (layer.num_layers * dirs, B, H)
    x = rng.standard_normal(x_shape).astype(layer.dtype)
    if not with_hx:
        return x, None
    states = [rng.standard_normal(s_shape).astype(layer.dtype)
              for _ in range(2 if layer.mode == "LSTM" else 1)]
    return x, (tuple(states) if layer.mode == "LSTM" else states[0])


@pytest.mark.parametrize("batched", [True, False], ids=["batched", "unbatched"])
@pytest.mark.parametrize("batch_first", [False, True], ids=["tmajor", "bfirst"])
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "nobias"])
@pytest.mark.parametrize("bidirectional", [False, True], ids=["uni", "bi"])
@pytest.mark.parametrize("num_layers", [1, 2, 3])
@pytest.mark.parametrize("cell", list(CELLS))
def test_float64_parity(parity, cell, num_layers, bidirectional, bias, batch_first,
                        batched):
    seed = [cell, num_layers, bidirectional, bias, batch_first, batched]
    rng = np.random.default_rng(zlib.crc32(str(seed).encode()))
    layer = CELLS[cell](num_layers=num_layers, bias=bias, batch_first=batch_first,
                        bidirectional=bidirectional, rng=rng)
    # random weights and biases, larger than the default init
    randomize_params(layer, rng)
    x, hx = make_inputs(layer, rng, batched)
    parity(layer, x, hx, rng)


@pytest.mark.parametrize("cell", list(CELLS))
def test_float64_parity_without_initial_state(parity, cell):
    rng = np.random.default_rng(1)
    layer = CELLS[cell](num_layers=2, bidirectional=True, rng=rng)
    x, _ = make_inputs(layer, rng, with_hx=False)
    parity(layer, x, None, rng)


@pytest.mark.parametrize("cell", list(CELLS))
def test_float64_parity_long_sequence(parity, cell):
    """T = 60: errors do not grow along the recurrence."""
    rng = np.random.default_rng(2)
    layer = CELLS[cell](rng=rng)
    x = rng.standard_normal((60, 2, D))
    h0 = rng.standard_normal((1, 2, H))
    parity(layer, x, (h0, h0.copy()) if cell == "lstm" else h0, rng)


@pytest.mark.parametrize("bidirectional", [False, True], ids=["uni", "bi"])
@pytest.mark.parametrize("cell", list(CELLS))
def test_float32_parity(parity, cell, bidirectional):
    """float32 stays float32 and agrees with torch at float32 precision."""
    rng = np.random.default_rng(3)
    layer = CELLS[cell](num_layers=2, bidirectional=bidirectional,
                        dtype=np.float32, rng=rng)
    x, hx = make_inputs(layer, rng)
    output, _ = layer(x, hx)
    assert output.dtype == np.float32
    parity(layer, x, hx, rng, rtol=1e-4, atol=1e-5)
    _, _, grads = layer.backward(np.ones_like(output))
    assert all(g.dtype == np.float32 for g in grads.values())


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 3])
@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_parameter_names_order_and_shapes_match_named_parameters(
        torch_single_thread, kind, num_layers, bidirectional, bias, batch_first):
    torch = torch_single_thread
    kwargs = dict(num_layers=num_layers, bidirectional=bidirectional, bias=bias,
                  batch_first=batch_first)
    layer = getattr(rnnbook, kind)(D, H, **kwargs)
    module = getattr(torch.nn, kind)(D, H, dtype=torch.float64, **kwargs)
    named = [(name, tuple(p.shape)) for name, p in module.named_parameters()]
    assert [(name, p.shape) for name, p in layer.params.items()] == named


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_init_is_uniform_in_plus_minus_one_over_sqrt_h(kind):
    layer = getattr(rnnbook, kind)(D, 100, num_layers=2, rng=np.random.default_rng(0))
    bound = 1 / np.sqrt(100)
    for name, p in layer.params.items():
        assert p.dtype == np.float64
        assert np.all(np.abs(p) <= bound), name
        # uniform on (-k, k): the mean is near 0 and the spread fills the interval
        assert abs(p.mean()) < 0.1 * bound and np.abs(p).max() > 0.9 * bound, name


def test_rng_makes_init_reproducible():
    a = LSTM(D, H, rng=np.random.default_rng(7)).params
    b = LSTM(D, H, rng=np.random.default_rng(7)).params
    assert all(np.array_equal(a[k], b[k]) for k in a)


def test_mode_names_match_torch():
    assert RNN(D, H).mode == "RNN_TANH"
    assert RNN(D, H, nonlinearity="relu").mode == "RNN_RELU"
    assert LSTM(D, H).mode == "LSTM"
    assert GRU(D, H).mode == "GRU"


# ------------------------------------------------------------ torch_bridge

CONFIGS = [
    dict(num_layers=1, bidirectional=False, bias=True, batch_first=False),
    dict(num_layers=2, bidirectional=True, bias=False, batch_first=True),
    dict(num_layers=2, bidirectional=False, bias=True, batch_first=True),
    dict(num_layers=3, bidirectional=True, bias=True, batch_first=False),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "-".join(
    f"{k}={v}" for k, v in c.items()))
@pytest.mark.parametrize("kind", ["RNN_TANH", "RNN_RELU", "LSTM", "GRU"])
def test_from_torch_then_to_torch_round_trip(torch_single_thread, kind, config,
                                             dtype):
    torch = torch_single_thread
    torch.manual_seed(0)
    tdtype = getattr(torch, dtype)
    if kind.startswith("RNN"):
        module = torch.nn.RNN(D, H, nonlinearity=kind[4:].lower(), dtype=tdtype,
                              **config)
    else:
        module = getattr(torch.nn, kind)(D, H, dtype=tdtype, **config)
    layer = from_torch(module)
    assert type(layer).__name__ == type(module).__name__
    assert layer.mode == kind and layer.dtype == np.dtype(dtype)
    for attr in ("input_size", "hidden_size", "num_layers", "bias", "batch_first",
                 "bidirectional"):
        assert getattr(layer, attr) == getattr(module, attr), attr
    for name, p in module.named_parameters():
        got = layer.params[name]
        assert got.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(got, p.detach().numpy())
        # a copy, not a view of torch's memory
        assert not np.shares_memory(got, p.detach().numpy())

    back = to_torch(layer)
    assert type(back) is type(module)
    assert str(back) == str(module)
    for (n1, p1), (n2, p2) in zip(module.named_parameters(), back.named_parameters()):
        assert n1 == n2 and p1.dtype == p2.dtype
        assert torch.equal(p1, p2)

    # the same numbers come out of all three
    rng = np.random.default_rng(0)
    x, hx = make_inputs(layer, rng)
    output, _ = layer(x, hx)
    t_hx = tuple(map(torch.tensor, hx)) if kind == "LSTM" else torch.tensor(hx)
    with torch.no_grad():
        tol = dict(rtol=1e-10, atol=1e-12) if dtype == "float64" else dict(
            rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(output, module(torch.tensor(x), t_hx)[0].numpy(),
                                   **tol)
        np.testing.assert_array_equal(back(torch.tensor(x), t_hx)[0].numpy(),
                                      module(torch.tensor(x), t_hx)[0].numpy())


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_to_torch_then_from_torch_round_trip(kind):
    layer = getattr(rnnbook, kind)(D, H, num_layers=2, bidirectional=True,
                                   dtype=np.float32, rng=np.random.default_rng(0))
    again = from_torch(to_torch(layer))
    assert list(again.params) == list(layer.params)
    for name, p in layer.params.items():
        np.testing.assert_array_equal(again.params[name], p)
        assert again.params[name].dtype == np.float32


def test_to_torch_refuses_gru_reset_before():
    layer = GRU(D, H, reset_after=False)
    with pytest.raises(ValueError, match="reset_after=False.*cannot be represented"):
        to_torch(layer)


def test_bridge_type_errors(torch_single_thread):
    torch = torch_single_thread
    with pytest.raises(TypeError, match="module: expected torch.nn.RNN.*got Linear"):
        from_torch(torch.nn.Linear(2, 3))
    with pytest.raises(TypeError, match="layer: expected rnnbook.RNN.*got LSTM"):
        to_torch(torch.nn.LSTM(2, 3))
    with pytest.raises(TypeError, match="module: expected float32 or float64.*"
                                        "torch.float16"):
        from_torch(torch.nn.GRU(2, 3, dtype=torch.float16))


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_from_torch_accepts_dropout_that_torch_never_applies(torch_single_thread,
                                                            kind):
    """One layer (torch warns and never drops) or eval mode: the same numbers."""
    torch = torch_single_thread
    torch.manual_seed(0)
    cls = getattr(torch.nn, kind)
    with pytest.warns(UserWarning, match="dropout"):
        one_layer = cls(D, H, dropout=0.3, dtype=torch.float64)
    evaluating = cls(D, H, num_layers=2, dropout=0.3, dtype=torch.float64).eval()
    x = np.random.default_rng(0).standard_normal((T, B, D))
    for module in (one_layer, evaluating):
        layer = from_torch(module)
        with torch.no_grad():
            want = module(torch.tensor(x))[0].numpy()
        np.testing.assert_allclose(layer(x)[0], want, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_from_torch_accepts_subclasses(torch_single_thread, kind):
    torch = torch_single_thread
    subclass = type("My" + kind, (getattr(torch.nn, kind),), {})
    module = subclass(D, H, num_layers=2, dtype=torch.float64)
    layer = from_torch(module)
    assert type(layer).__name__ == kind
    x = np.random.default_rng(0).standard_normal((T, B, D))
    with torch.no_grad():
        want = module(torch.tensor(x))[0].numpy()
    np.testing.assert_allclose(layer(x)[0], want, rtol=1e-12, atol=1e-14)
