"""The functional cell modules: gradients by finite differences, GRU conventions,
property tests against torch over random shapes, and the docstring examples.
"""

import doctest
import importlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rnnbook
from rnnbook import gru, lstm, rnn

T, B, D, H = 3, 2, 3, 4


# ------------------------------------------------------------ helpers


def numerical_gradient(f, a, eps=1e-6):
    """Central differences of the scalar f() with respect to a (perturbed in place)."""
    grad = np.zeros_like(a)
    for idx in np.ndindex(a.shape):
        old = a[idx]
        a[idx] = old + eps
        f_plus = f()
        a[idx] = old - eps
        f_minus = f()
        a[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)


def assert_gradients(loss, arrays, analytic, tol=1e-7):
    """Compare analytic gradients with central differences, array by array."""
    for name, a in arrays.items():
        err = relative_error(analytic[name], numerical_gradient(loss, a))
        assert err < tol, f"{name}: relative error {err:.2e}"


def make_params(rng, gates, bias=True, d=D, h=H):
    params = {"weight_ih": 0.5 * rng.standard_normal((gates * h, d)),
              "weight_hh": 0.5 * rng.standard_normal((gates * h, h))}
    if bias:
        params["bias_ih"] = 0.5 * rng.standard_normal(gates * h)
        params["bias_hh"] = 0.5 * rng.standard_normal(gates * h)
    return params


CELLS = [("rnn", {"nonlinearity": "tanh"}), ("rnn", {"nonlinearity": "relu"}),
         ("lstm", {}), ("gru", {"reset_after": True}), ("gru", {"reset_after": False})]
CELL_IDS = ["rnn-tanh", "rnn-relu", "lstm", "gru-after", "gru-before"]
GATES = {"rnn": 1, "lstm": 4, "gru": 3}
MODULES = {"rnn": rnn, "lstm": lstm, "gru": gru}


# ------------------------------------------------------------ finite differences


@pytest.mark.parametrize("bias", [True, False], ids=["bias", "nobias"])
@pytest.mark.parametrize(("cell", "kw"), CELLS, ids=CELL_IDS)
def test_step_backward_matches_finite_differences(cell, kw, bias):
    rng = np.random.default_rng(0)
    params = make_params(rng, GATES[cell], bias)
    x_t, h_prev, c_prev = (rng.standard_normal((B, n)) for n in (D, H, H))
    g_h, g_c = rng.standard_normal((B, H)), rng.standard_normal((B, H))
    arrays = {"x_t": x_t, "h_prev": h_prev, **params}

    if cell == "lstm":
        arrays["c_prev"] = c_prev

        def loss():
            h_t, c_t, _ = lstm.step_forward(x_t, h_prev, c_prev, params)
            return np.sum(g_h * h_t) + np.sum(g_c * c_t)

        _, _, cache = lstm.step_forward(x_t, h_prev, c_prev, params)
        dx, dh, dc, grads = lstm.step_backward(g_h, g_c, cache)
        analytic = {"x_t": dx, "h_prev": dh, "c_prev": dc, **grads}
    else:
        module = MODULES[cell]

        def loss():
            return np.sum(g_h * module.step_forward(x_t, h_prev, params, **kw)[0])

        _, cache = module.step_forward(x_t, h_prev, params, **kw)
        dx, dh, grads = module.step_backward(g_h, cache)
        analytic = {"x_t": dx, "h_prev": dh, **grads}
    assert list(grads) == list(params)
    assert_gradients(loss, arrays, analytic)


@pytest.mark.parametrize("bias", [True, False], ids=["bias", "nobias"])
@pytest.mark.parametrize(("cell", "kw"), CELLS, ids=CELL_IDS)
def test_backward_matches_finite_differences(cell, kw, bias):
    rng = np.random.default_rng(1)
    params = make_params(rng, GATES[cell], bias)
    x = rng.standard_normal((T, B, D))
    h0, c0 = rng.standard_normal((B, H)), rng.standard_normal((B, H))
    # upstream gradients on every h_t, and on the final state(s)
    g_hs, g_hT, g_cT = (rng.standard_normal(s) for s in ((T, B, H), (B, H), (B, H)))
    dhs = g_hs.copy()
    dhs[-1] += g_hT
    arrays = {"x": x, "h0": h0, **params}

    if cell == "lstm":
        arrays["c0"] = c0

        def loss():
            hs, c_T, _ = lstm.forward(x, h0, c0, params)
            return np.sum(g_hs * hs) + np.sum(g_hT * hs[-1]) + np.sum(g_cT * c_T)

        _, _, cache = lstm.forward(x, h0, c0, params)
        dx, dh0, dc0, grads = lstm.backward(dhs, g_cT, cache)
        analytic = {"x": dx, "h0": dh0, "c0": dc0, **grads}
    else:
        module = MODULES[cell]

        def loss():
            hs, _ = module.forward(x, h0, params, **kw)
            return np.sum(g_hs * hs) + np.sum(g_hT * hs[-1])

        _, cache = module.forward(x, h0, params, **kw)
        dx, dh0, grads = module.backward(dhs, cache)
        analytic = {"x": dx, "h0": dh0, **grads}
    assert list(grads) == list(params)
    assert_gradients(loss, arrays, analytic)


def test_gru_reset_before_layer_matches_finite_differences():
    """The layer plumbing with the convention torch cannot check: 2 layers, both
    directions, batch_first, random gradients on output and h_n."""
    rng = np.random.default_rng(2)
    layer = rnnbook.GRU(2, 3, num_layers=2, bidirectional=True, batch_first=True,
                        reset_after=False, rng=rng)
    x = rng.standard_normal((2, 3, 2))  # (B, T, D)
    hx = rng.standard_normal((4, 2, 3))
    g_out, g_hn = rng.standard_normal((2, 3, 6)), rng.standard_normal((4, 2, 3))

    def loss():
        output, h_n = layer(x, hx)
        return np.sum(g_out * output) + np.sum(g_hn * h_n)

    layer(x, hx)
    grad_input, grad_hx, grads = layer.backward(g_out, g_hn)
    assert_gradients(loss, {"x": x, "hx": hx, **layer.params},
                     {"x": grad_input, "hx": grad_hx, **grads})


@pytest.mark.parametrize(("cell", "kw"), CELLS, ids=CELL_IDS)
def test_forward_equals_repeated_step_forward(cell, kw):
    rng = np.random.default_rng(3)
    params = make_params(rng, GATES[cell])
    x = rng.standard_normal((T, B, D))
    h = h0 = rng.standard_normal((B, H))
    c = c0 = rng.standard_normal((B, H))
    module = MODULES[cell]
    if cell == "lstm":
        hs, c_T, _ = lstm.forward(x, h0, c0, params)
    else:
        hs, _ = module.forward(x, h0, params, **kw)
    for t in range(T):
        if cell == "lstm":
            h, c, _ = lstm.step_forward(x[t], h, c, params)
        else:
            h, _ = module.step_forward(x[t], h, params, **kw)
        np.testing.assert_allclose(hs[t], h, rtol=1e-13, atol=1e-14)
    if cell == "lstm":
        np.testing.assert_allclose(c_T, c, rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize(("cell", "kw"), CELLS, ids=CELL_IDS)
def test_forward_and_backward_leave_their_arguments_alone(cell, kw):
    rng = np.random.default_rng(4)
    params = make_params(rng, GATES[cell])
    x, h0, c0 = (rng.standard_normal(s) for s in ((T, B, D), (B, H), (B, H)))
    dhs, dc_T = rng.standard_normal((T, B, H)), rng.standard_normal((B, H))
    before = [a.copy() for a in (x, h0, c0, dhs, dc_T, *params.values())]
    if cell == "lstm":
        _, _, cache = lstm.forward(x, h0, c0, params)
        lstm.backward(dhs, dc_T, cache)
    else:
        _, cache = MODULES[cell].forward(x, h0, params, **kw)
        MODULES[cell].backward(dhs, cache)
    after = (x, h0, c0, dhs, dc_T, *params.values())
    assert all(np.array_equal(a, b) for a, b in zip(before, after))


# ------------------------------------------------------------ GRU conventions


def cho_gru_torch(torch, x, h0, W_ih, W_hh, b_ih, b_hh):
    """Cho et al. 2014 (v3) / d2l GRU written out with torch autograd, gate by gate.

    z weights the old state, as in PyTorch: h_t = (1 - z) * n + z * h_{t-1}.
    """
    W_ir, W_iz, W_in = W_ih.chunk(3)
    W_hr, W_hz, W_hn = W_hh.chunk(3)
    b_ir, b_iz, b_in = b_ih.chunk(3)
    b_hr, b_hz, b_hn = b_hh.chunk(3)
    h, hs = h0, []
    for x_t in x:
        r = torch.sigmoid(x_t @ W_ir.T + b_ir + h @ W_hr.T + b_hr)
        z = torch.sigmoid(x_t @ W_iz.T + b_iz + h @ W_hz.T + b_hz)
        n = torch.tanh(x_t @ W_in.T + b_in + (r * h) @ W_hn.T + b_hn)
        h = (1 - z) * n + z * h
        hs.append(h)
    return torch.stack(hs)


def test_gru_reset_before_matches_cho_formula_in_torch(torch_single_thread):
    torch = torch_single_thread
    rng = np.random.default_rng(5)
    params = make_params(rng, 3)
    x, h0 = rng.standard_normal((6, B, D)), rng.standard_normal((B, H))
    g_hs = rng.standard_normal((6, B, H))

    hs, cache = gru.forward(x, h0, params, reset_after=False)
    dx, dh0, grads = gru.backward(g_hs, cache)

    leaves = {k: torch.tensor(v, requires_grad=True)
              for k, v in {"x": x, "h0": h0, **params}.items()}
    t_hs = cho_gru_torch(torch, leaves["x"], leaves["h0"], leaves["weight_ih"],
                         leaves["weight_hh"], leaves["bias_ih"], leaves["bias_hh"])
    (t_hs * torch.tensor(g_hs)).sum().backward()

    np.testing.assert_allclose(hs, t_hs.detach().numpy(), rtol=1e-12, atol=1e-14)
    for name, got in {"x": dx, "h0": dh0, **grads}.items():
        np.testing.assert_allclose(got, leaves[name].grad.numpy(), rtol=1e-10,
                                   atol=1e-12, err_msg=name)


def test_gru_conventions_give_different_numbers():
    rng = np.random.default_rng(6)
    params = make_params(rng, 3)
    x, h0 = rng.standard_normal((T, B, D)), rng.standard_normal((B, H))
    hs_after, _ = gru.forward(x, h0, params, reset_after=True)
    hs_before, _ = gru.forward(x, h0, params, reset_after=False)
    assert np.abs(hs_after - hs_before).max() > 1e-3
    # ... but agree when the reset gate plays no role: b_hn = 0 and r = 1
    params["bias_hh"][2 * H:] = 0
    params["bias_ih"][:H] = 50.0  # r = σ(large) = 1
    hs_after, _ = gru.forward(x, h0, params, reset_after=True)
    hs_before, _ = gru.forward(x, h0, params, reset_after=False)
    np.testing.assert_allclose(hs_after, hs_before, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_update_rule_z_weights_the_old_state(reset_after):
    rng = np.random.default_rng(7)
    params = make_params(rng, 3)
    x_t, h_prev = rng.standard_normal((B, D)), rng.standard_normal((B, H))
    h_t, cache = gru.step_forward(x_t, h_prev, params, reset_after=reset_after)
    r, z, n = cache.gates.reshape(B, 3, H).transpose(1, 0, 2)
    # h_t = (1 - z) * n + z * h_prev, read off the cached gates
    np.testing.assert_allclose(h_t, (1 - z) * n + z * h_prev, rtol=1e-14, atol=1e-15)
    # z -> 1 keeps the old state; z -> 0 takes the candidate
    params["bias_ih"][H:2 * H] = 60.0
    h_t, _ = gru.step_forward(x_t, h_prev, params, reset_after=reset_after)
    np.testing.assert_allclose(h_t, h_prev, rtol=0, atol=1e-12)
    params["bias_ih"][H:2 * H] = -60.0
    h_t, cache = gru.step_forward(x_t, h_prev, params, reset_after=reset_after)
    np.testing.assert_allclose(h_t, cache.gates[:, 2 * H:], rtol=0, atol=1e-12)


def test_torch_gru_also_keeps_the_old_state_when_z_is_one(torch_single_thread):
    torch = torch_single_thread
    cell = torch.nn.GRUCell(D, H, dtype=torch.float64)
    with torch.no_grad():
        cell.bias_ih[H:2 * H] = 60.0
    h = torch.randn(B, H, dtype=torch.float64)
    with torch.no_grad():
        out = cell(torch.randn(B, D, dtype=torch.float64), h)
    np.testing.assert_allclose(out.numpy(), h.numpy(), rtol=0, atol=1e-12)


# ------------------------------------------------------------ property tests


@settings(max_examples=20, deadline=None, database=None)
@given(
    cell=st.sampled_from(["rnn_tanh", "rnn_relu", "lstm", "gru"]),
    T=st.integers(1, 6), B=st.integers(1, 4), D=st.integers(1, 5),
    H=st.integers(1, 5), num_layers=st.integers(1, 3),
    bidirectional=st.booleans(), batch_first=st.booleans(), bias=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_layers_match_torch_on_random_shapes(parity, cell, T, B, D, H, num_layers,
                                             bidirectional, batch_first, bias, seed):
    rng = np.random.default_rng(seed)
    kwargs = dict(num_layers=num_layers, bidirectional=bidirectional,
                  batch_first=batch_first, bias=bias, rng=rng)
    if cell.startswith("rnn"):
        layer = rnnbook.RNN(D, H, nonlinearity=cell[4:], **kwargs)
    else:
        layer = getattr(rnnbook, cell.upper())(D, H, **kwargs)
    dirs = 2 if bidirectional else 1
    x = rng.standard_normal((B, T, D) if batch_first else (T, B, D))
    s_shape = (num_layers * dirs, B, H)
    hx = rng.standard_normal(s_shape)
    if cell == "lstm":
        hx = (hx, rng.standard_normal(s_shape))
    parity(layer, x, hx, rng)


@settings(max_examples=20, deadline=None, database=None)
@given(
    cell=st.sampled_from(["rnn_tanh", "rnn_relu", "lstm", "gru"]),
    B=st.integers(1, 4), D=st.integers(1, 5), H=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
)
def test_steps_match_torch_cells_on_random_shapes(torch_single_thread, cell, B, D, H,
                                                  seed):
    torch = torch_single_thread
    rng = np.random.default_rng(seed)
    kind = cell.split("_")[0]
    G = GATES[kind]
    params = make_params(rng, G, d=D, h=H)
    x_t, h_prev, c_prev = (rng.standard_normal((B, n)) for n in (D, H, H))
    g_h, g_c = rng.standard_normal((B, H)), rng.standard_normal((B, H))

    if kind == "rnn":
        t_cell = torch.nn.RNNCell(D, H, nonlinearity=cell[4:], dtype=torch.float64)
    else:
        t_cell = getattr(torch.nn, kind.upper() + "Cell")(D, H, dtype=torch.float64)
    with torch.no_grad():
        for name, p in t_cell.named_parameters():
            p.copy_(torch.tensor(params[name]))
    tx, th, tc = (torch.tensor(a, requires_grad=True) for a in (x_t, h_prev, c_prev))

    if kind == "lstm":
        h_t, c_t, cache = lstm.step_forward(x_t, h_prev, c_prev, params)
        dx, dh, dc, grads = lstm.step_backward(g_h, g_c, cache)
        t_h, t_c = t_cell(tx, (th, tc))
        ((t_h * torch.tensor(g_h)).sum() + (t_c * torch.tensor(g_c)).sum()).backward()
        np.testing.assert_allclose(c_t, t_c.detach().numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(dc, tc.grad.numpy(), rtol=1e-10, atol=1e-12)
    else:
        kw = {"nonlinearity": cell[4:]} if kind == "rnn" else {}
        h_t, cache = MODULES[kind].step_forward(x_t, h_prev, params, **kw)
        dx, dh, grads = MODULES[kind].step_backward(g_h, cache)
        t_h = t_cell(tx, th)
        (t_h * torch.tensor(g_h)).sum().backward()
    np.testing.assert_allclose(h_t, t_h.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(dx, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dh, th.grad.numpy(), rtol=1e-10, atol=1e-12)
    for name, p in t_cell.named_parameters():
        np.testing.assert_allclose(grads[name], p.grad.numpy(), rtol=1e-10,
                                   atol=1e-12, err_msg=name)


# ------------------------------------------------------------ docstring examples


@pytest.mark.parametrize("module", ["rnn", "lstm", "gru", "layers", "torch_bridge"])
def test_docstring_examples_run(module, torch_single_thread):
    mod = importlib.import_module(f"rnnbook.{module}")
    result = doctest.testmod(mod, extraglobs={"np": np}, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
