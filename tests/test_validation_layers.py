"""Bad inputs to the layers and the cell functions fail early with clear messages.

Every test checks the exception type AND that the message names the argument
and shows what was expected and what was received.
"""

import re
import warnings

import numpy as np
import pytest

from rnnbook import GRU, LSTM, RNN, gru, lstm, rnn

T, B, D, H = 5, 3, 4, 6


def raises(exc, *parts):
    """pytest.raises whose message must contain every part, in order."""
    return pytest.raises(exc, match=".*".join(re.escape(p) for p in parts))


@pytest.fixture(params=["RNN", "LSTM", "GRU"])
def kind(request):
    return request.param


def make(kind, **kwargs):
    return {"RNN": RNN, "LSTM": LSTM, "GRU": GRU}[kind](
        D, H, rng=np.random.default_rng(0), **kwargs)


def state(kind, shape, dtype=np.float64):
    """hx of the right type for the layer: one array, or LSTM's pair."""
    h = np.zeros(shape, dtype=dtype)
    return (h, h.copy()) if kind == "LSTM" else h


def x_ok(dtype=np.float64):
    return np.zeros((T, B, D), dtype=dtype)


# ------------------------------------------------------------ x


@pytest.mark.parametrize(("shape", "got"), [((D,), "got 1 dimensions with shape (4,)"),
                                           ((2, T, B, D), "got 4 dimensions with "
                                            "shape (2, 5, 3, 4)")])
def test_x_wrong_ndim(kind, shape, got):
    with raises(ValueError, "x: expected 3 dimensions with shape (T, B, 4)",
                "or 2 (unbatched) with shape (T, 4)", got):
        make(kind)(np.zeros(shape))


def test_x_wrong_ndim_batch_first_names_the_layout(kind):
    with raises(ValueError, "x:", "(B, T, 4)", "got 1 dimensions with shape (4,)"):
        make(kind, batch_first=True)(np.zeros(D))


def test_x_wrong_feature_size(kind):
    with raises(ValueError, "x: expected shape (T, B, 4), got (5, 3, 7)"):
        make(kind)(np.zeros((T, B, 7)))


def test_x_wrong_feature_size_batch_first_and_unbatched(kind):
    with raises(ValueError, "x: expected shape (B, T, 4), got (3, 5, 2)"):
        make(kind, batch_first=True)(np.zeros((B, T, 2)))
    with raises(ValueError, "x: expected shape (T, 4), got (5, 2)"):
        make(kind)(np.zeros((T, 2)))


def test_x_empty(kind):
    with raises(ValueError, "x: expected at least one time step",
                "got shape (0, 3, 4)"):
        make(kind)(np.zeros((0, B, D)))


@pytest.mark.parametrize("value", [[[[0.0] * D] * B] * T, 3.0, None, "abc"])
def test_x_not_an_array(kind, value):
    with raises(TypeError, "x: expected a numpy.ndarray of shape (T, B, 4)",
                f"got {type(value).__name__}"):
        make(kind)(value)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.float16, np.complex128,
                                   np.bool_])
def test_x_non_float_dtype(kind, dtype):
    with raises(TypeError, "x: expected dtype float32 or float64",
                f"got {np.dtype(dtype)}"):
        make(kind)(np.zeros((T, B, D), dtype=dtype))


def test_x_dtype_differs_from_layer_dtype(kind):
    with raises(TypeError, "x: expected dtype float64, got float32"):
        make(kind)(x_ok(np.float32))
    with raises(TypeError, "x: expected dtype float32, got float64"):
        make(kind, dtype=np.float32)(x_ok(np.float64))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_x_nan_or_inf(kind, bad):
    x = x_ok()
    x[2, 1, 3] = bad
    with raises(ValueError, "x: contains NaN or infinite values"):
        make(kind)(x)


# ------------------------------------------------------------ hx


def hx_name(kind, i=0):
    return "hx" if kind != "LSTM" else ("hx[0] (h_0)", "hx[1] (c_0)")[i]


def test_hx_wrong_num_layers_times_directions(kind):
    layer = make(kind, num_layers=2, bidirectional=True)
    with raises(ValueError, f"{hx_name(kind)}: expected shape (4, 3, 6)",
                "got (2, 3, 6)"):
        layer(x_ok(), state(kind, (2, B, H)))


def test_hx_wrong_hidden_size(kind):
    with raises(ValueError, f"{hx_name(kind)}: expected shape (1, 3, 6)",
                "got (1, 3, 5)"):
        make(kind)(x_ok(), state(kind, (1, B, 5)))


def test_hx_batch_mismatch(kind):
    with raises(ValueError, f"{hx_name(kind)}: expected shape (1, 3, 6)",
                "got (1, 2, 6)"):
        make(kind)(x_ok(), state(kind, (1, 2, H)))
    # batch_first: B is x's first axis
    with raises(ValueError, f"{hx_name(kind)}: expected shape (1, 5, 6)",
                "got (1, 3, 6)"):
        make(kind, batch_first=True)(np.zeros((T, B, D)), state(kind, (1, B, H)))


def test_hx_ndim_must_match_batched_or_unbatched_x(kind):
    with raises(ValueError, f"{hx_name(kind)}: expected 3 dimensions with shape "
                "(1, 3, 6), got 2 dimensions with shape (1, 6)"):
        make(kind)(x_ok(), state(kind, (1, H)))
    with raises(ValueError, f"{hx_name(kind)}: expected 2 dimensions with shape "
                "(1, 6), got 3 dimensions with shape (1, 1, 6)"):
        make(kind)(np.zeros((T, D)), state(kind, (1, 1, H)))


def test_hx_dtype(kind):
    with raises(TypeError, f"{hx_name(kind)}: expected dtype float64, got float32"):
        make(kind)(x_ok(), state(kind, (1, B, H), np.float32))
    with raises(TypeError, f"{hx_name(kind)}: expected dtype float32 or float64, "
                "got int64"):
        make(kind)(x_ok(), state(kind, (1, B, H), np.int64))


def test_hx_nan(kind):
    hx = state(kind, (1, B, H))
    (hx[0] if kind == "LSTM" else hx)[0, 1, 2] = np.nan
    with raises(ValueError, f"{hx_name(kind)}: contains NaN or infinite values"):
        make(kind)(x_ok(), hx)


def test_lstm_cell_state_checked_separately():
    h0, c0 = np.zeros((1, B, H)), np.zeros((1, B, H + 1))
    with raises(ValueError, "hx[1] (c_0): expected shape (1, 3, 6), got (1, 3, 7)"):
        make("LSTM")(x_ok(), (h0, c0))


@pytest.mark.parametrize("hx", [np.zeros((1, B, H)), [np.zeros((1, B, H))], "hx"])
def test_lstm_hx_must_be_a_pair(hx):
    with raises(TypeError, "hx: expected a tuple of 2 numpy.ndarrays of shape "
                "(1, 3, 6)", f"got {type(hx).__name__}"):
        make("LSTM")(x_ok(), hx)


@pytest.mark.parametrize("kind", ["RNN", "GRU"])
def test_hx_not_an_array(kind):
    with raises(TypeError, "hx: expected a numpy.ndarray of shape (1, 3, 6)",
                "got tuple"):
        make(kind)(x_ok(), (np.zeros((1, B, H)),))


# ------------------------------------------------------------ parameters


def test_params_wrong_shape_or_dtype_or_missing(kind):
    layer = make(kind)
    G = layer.params["weight_ih_l0"].shape[0]
    layer.params["weight_ih_l0"] = np.zeros((G, D + 1))
    with raises(ValueError, f"params['weight_ih_l0']: expected shape ({G}, 4), "
                f"got ({G}, 5)"):
        layer(x_ok())
    layer.params["weight_ih_l0"] = np.zeros((G, D), dtype=np.float32)
    with raises(TypeError, "params['weight_ih_l0']: expected dtype float64, "
                "got float32"):
        layer(x_ok())
    del layer.params["weight_ih_l0"]
    with raises(ValueError, "params: expected keys", "missing ['weight_ih_l0']"):
        layer(x_ok())


# ------------------------------------------------------------ constructor


@pytest.mark.parametrize(("arg", "value", "exc", "message"), [
    ("input_size", 0, ValueError, "input_size: expected a positive int, got 0"),
    ("input_size", 2.5, TypeError, "input_size: expected a positive int, got float"),
    ("hidden_size", -3, ValueError, "hidden_size: expected a positive int, got -3"),
    ("hidden_size", "6", TypeError, "hidden_size: expected a positive int, got str"),
    ("num_layers", 0, ValueError, "num_layers: expected a positive int, got 0"),
    ("num_layers", True, TypeError, "num_layers: expected a positive int, got bool"),
    ("bias", 1, TypeError, "bias: expected a bool, got int"),
    ("batch_first", "yes", TypeError, "batch_first: expected a bool, got str"),
    ("bidirectional", None, TypeError, "bidirectional: expected a bool, got NoneType"),
    ("dtype", np.int32, TypeError, "dtype: expected float32 or float64, got"),
    ("dtype", "float16", TypeError,
     "dtype: expected float32 or float64, got 'float16'"),
    ("dtype", "no such dtype", TypeError, "dtype: expected float32 or float64"),
    ("rng", 42, TypeError, "rng: expected numpy.random.Generator or None, got int"),
])
def test_bad_constructor_arguments(kind, arg, value, exc, message):
    kwargs = dict(input_size=D, hidden_size=H)
    kwargs[arg] = value
    cls = {"RNN": RNN, "LSTM": LSTM, "GRU": GRU}[kind]
    with raises(exc, message):
        cls(**kwargs)


def test_bad_nonlinearity_and_reset_after():
    with raises(ValueError, "nonlinearity: expected one of ['tanh', 'relu'], "
                "got 'sigmoid'"):
        RNN(D, H, nonlinearity="sigmoid")
    with raises(TypeError, "reset_after: expected a bool, got str"):
        GRU(D, H, reset_after="no")


# ------------------------------------------------------------ backward


def test_backward_before_forward(kind):
    with raises(RuntimeError, f"{kind}.backward: no forward pass stored",
                "call the layer on an input first"):
        make(kind).backward(np.zeros((T, B, H)))


def test_grad_output_wrong_shape(kind):
    layer = make(kind, bidirectional=True)
    layer(x_ok())
    with raises(ValueError, "grad_output: expected shape (5, 3, 12), got (5, 3, 6)"):
        layer.backward(np.zeros((T, B, H)))
    layer = make(kind, batch_first=True)
    layer(np.zeros((B, T, D)))
    with raises(ValueError, "grad_output: expected shape (3, 5, 6), got (5, 3, 6)"):
        layer.backward(np.zeros((T, B, H)))
    layer(np.zeros((T, D)))
    with raises(ValueError, "grad_output: expected 2 dimensions with shape (5, 6), "
                "got 3 dimensions"):
        layer.backward(np.zeros((T, 1, H)))


def test_grad_output_dtype_nan_and_type(kind):
    layer = make(kind)
    layer(x_ok())
    with raises(TypeError, "grad_output: expected dtype float64, got float32"):
        layer.backward(np.zeros((T, B, H), dtype=np.float32))
    with raises(TypeError, "grad_output: expected a numpy.ndarray of shape (5, 3, 6)",
                "got list"):
        layer.backward([0.0])
    g = np.zeros((T, B, H))
    g[0, 0, 0] = np.inf
    with raises(ValueError, "grad_output: contains NaN or infinite values"):
        layer.backward(g)


@pytest.mark.parametrize("kind", ["RNN", "GRU"])
def test_grad_h_n_wrong_shape(kind):
    layer = make(kind, num_layers=2)
    layer(x_ok())
    with raises(ValueError, "grad_h_n: expected shape (2, 3, 6), got (1, 3, 6)"):
        layer.backward(np.zeros((T, B, H)), np.zeros((1, B, H)))
    with raises(TypeError, "grad_h_n: expected dtype float64, got float32"):
        layer.backward(np.zeros((T, B, H)), np.zeros((2, B, H), dtype=np.float32))
    with raises(TypeError, "grad_h_n: expected dtype float32 or float64, got int64"):
        layer.backward(np.zeros((T, B, H)), np.zeros((2, B, H), dtype=np.int64))


def test_lstm_grad_h_n_pair():
    layer = make("LSTM")
    layer(x_ok())
    g = np.zeros((T, B, H))
    with raises(ValueError, "grad_h_n[1] (c_n): expected shape (1, 3, 6), "
                "got (1, 3, 5)"):
        layer.backward(g, (None, np.zeros((1, B, 5))))
    with raises(ValueError, "grad_h_n[0] (h_n): contains NaN"):
        layer.backward(g, (np.full((1, B, H), np.nan), None))
    with raises(TypeError, "grad_h_n: expected a tuple of 2 numpy.ndarrays",
                "got ndarray"):
        layer.backward(g, np.zeros((1, B, H)))
    # either entry may be None
    layer.backward(g, (None, np.ones((1, B, H))))
    layer.backward(g, (np.ones((1, B, H)), None))


# ------------------------------------------------------------ the cell functions


def test_cell_function_errors_name_the_argument():
    rng = np.random.default_rng(0)
    p1 = {"weight_ih": rng.standard_normal((H, D)),
          "weight_hh": rng.standard_normal((H, H))}
    p3 = {k: np.concatenate([v] * 3) for k, v in p1.items()}
    p4 = {k: np.concatenate([v] * 4) for k, v in p1.items()}
    x, h0 = x_ok(), np.zeros((B, H))
    with raises(ValueError, "h0: expected shape (3, 6), got (2, 6)"):
        rnn.forward(x, np.zeros((2, H)), p1)
    with raises(ValueError, "nonlinearity: expected one of ['tanh', 'relu']",
                "got 'elu'"):
        rnn.forward(x, h0, p1, nonlinearity="elu")
    with raises(ValueError, "x_t: expected 2 dimensions with shape (B, 4)"):
        rnn.step_forward(x, h0, p1)
    with raises(ValueError, "c0: expected shape (3, 6), got (3, 5)"):
        lstm.forward(x, h0, np.zeros((B, 5)), p4)
    with raises(ValueError, "params['weight_hh']: expected shape (4*H, H) = (24, 6)",
                "got (6, 6)"):
        lstm.forward(x, h0, h0, p1)
    with raises(ValueError, "params: 'weight_hr' (torch's LSTM projection",
                "rnnbook.LSTM(..., proj_size=P)"):
        lstm.step_forward(x[0], h0, h0, {**p4, "weight_hr": np.zeros((2, H))})
    with raises(ValueError, "x: expected shape (T, B, 4), got (5, 3, 5)"):
        gru.forward(np.zeros((T, B, 5)), h0, p3)
    with raises(ValueError, "params['weight_ih']: expected shape (18, D), got (6, 4)"):
        gru.forward(x, h0, {**p3, "weight_ih": p1["weight_ih"]})
    with raises(TypeError, "reset_after: expected a bool, got int"):
        gru.forward(x, h0, p3, reset_after=0)
    with raises(ValueError, "params: expected keys", "unexpected ['bias']"):
        gru.forward(x, h0, {**p3, "bias": np.zeros(3 * H)})
    with raises(TypeError, "h0: expected dtype float64, got float32"):
        gru.forward(x, h0.astype(np.float32), p3)
    with raises(TypeError, "x: expected dtype float64, got float32"):
        gru.forward(x.astype(np.float32), h0, p3)
    with raises(TypeError, "params['weight_ih']: expected dtype float64, got float32"):
        gru.forward(x, h0, {**p3, "weight_ih": p3["weight_ih"].astype(np.float32)})
    hs, cache = gru.forward(x, h0, p3)
    with raises(ValueError, "dhs: expected shape (5, 3, 6), got (4, 3, 6)"):
        gru.backward(hs[1:], cache)
    _, c_T, cache = lstm.forward(x, h0, h0, p4)
    with raises(ValueError, "dc_T: expected 2 dimensions with shape (3, 6)",
                "got 1 dimensions with shape (6,)"):
        lstm.backward(np.zeros((T, B, H)), np.zeros(H), cache)
    _, cache = rnn.step_forward(x[0], h0, p1)
    with raises(ValueError, "dh_t: expected shape (3, 6), got (3, 5)"):
        rnn.step_backward(np.zeros((B, 5)), cache)


# ------------------------------------------------------------ extreme inputs


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sign", [1, -1])
@pytest.mark.parametrize("layer_kw", [
    dict(kind="RNN"), dict(kind="RNN", nonlinearity="relu"), dict(kind="LSTM"),
    dict(kind="GRU"), dict(kind="GRU", reset_after=False)],
    ids=["rnn-tanh", "rnn-relu", "lstm", "gru-after", "gru-before"])
def test_no_overflow_warning_at_plus_minus_1000(layer_kw, sign, dtype):
    kw = dict(layer_kw)
    layer = make(kw.pop("kind"), num_layers=2, bidirectional=True, dtype=dtype, **kw)
    x = np.full((T, B, D), sign * 1000.0, dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            output, _ = layer(x)
            grad_input, _, grads = layer.backward(np.ones_like(output))
    assert np.all(np.isfinite(output)) and np.all(np.isfinite(grad_input))
    assert all(np.all(np.isfinite(g)) for g in grads.values())


# ------------------------------------------------------------ inputs edited in place


@pytest.mark.parametrize("batch_first", [False, True])
def test_editing_x_in_place_after_forward_does_not_change_gradients(kind,
                                                                   batch_first):
    """The layer keeps a copy of x (torch would raise on the edit instead)."""
    layer = make(kind, num_layers=2, bidirectional=True, batch_first=batch_first)
    x = np.random.default_rng(1).standard_normal((B, T, D) if batch_first
                                                 else (T, B, D))
    output, _ = layer(x)
    g = np.random.default_rng(2).standard_normal(output.shape)
    want = layer.backward(g)
    x += 1.0  # edited between forward and backward
    got = layer.backward(g)
    np.testing.assert_array_equal(got[0], want[0])
    for name in want[2]:
        np.testing.assert_array_equal(got[2][name], want[2][name], err_msg=name)


@pytest.mark.parametrize("module, n_states", [(rnn, 1), (lstm, 2), (gru, 1)],
                         ids=["rnn", "lstm", "gru"])
def test_cell_functions_keep_copies_of_their_inputs(module, n_states):
    """forward/backward and step_forward/step_backward: editing x (and the
    previous states) in place after the forward call leaves the gradients alone."""
    G = {rnn: 1, lstm: 4, gru: 3}[module]
    rng = np.random.default_rng(3)
    params = {"weight_ih": rng.standard_normal((G * H, D)),
              "weight_hh": rng.standard_normal((G * H, H))}
    x = rng.standard_normal((T, B, D))
    states = [rng.standard_normal((B, H)) for _ in range(n_states)]

    out = module.forward(x, *states, params)
    dhs = rng.standard_normal((T, B, H))
    extra = (np.zeros((B, H)),) if module is lstm else ()
    want = module.backward(dhs, *extra, out[-1])
    x += 1.0
    got = module.backward(dhs, *extra, out[-1])
    for name in want[-1]:
        np.testing.assert_array_equal(got[-1][name], want[-1][name], err_msg=name)

    x_t = x[0].copy()
    out = module.step_forward(x_t, *states, params)
    step_extra = (np.zeros((B, H)),) if module is lstm else ()
    want = module.step_backward(dhs[0], *step_extra, out[-1])
    x_t += 1.0
    for s in states:
        s += 1.0
    got = module.step_backward(dhs[0], *step_extra, out[-1])
    for name in want[-1]:
        np.testing.assert_array_equal(got[-1][name], want[-1][name], err_msg=name)
