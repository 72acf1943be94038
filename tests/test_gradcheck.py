"""Tests of rnnbook.gradcheck: finite differences, relative error, layer checks."""

import doctest
import importlib

import numpy as np
import pytest

import rnnbook
from rnnbook.gradcheck import (
    check_function,
    check_layer,
    numerical_gradient,
    relative_error,
)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# --- numerical_gradient on functions with known derivatives -----------------


def test_numerical_gradient_of_sum_of_squares(rng):
    x = rng.standard_normal((3, 4))
    g = numerical_gradient(lambda: np.sum(x**2), x)
    np.testing.assert_allclose(g, 2 * x, rtol=1e-8, atol=1e-10)


def test_numerical_gradient_of_sin(rng):
    x = rng.standard_normal(5)
    g = numerical_gradient(lambda: np.sum(np.sin(x)), x)
    np.testing.assert_allclose(g, np.cos(x), rtol=1e-8, atol=1e-10)


def test_numerical_gradient_of_quadratic_form(rng):
    A = rng.standard_normal((4, 4))
    x = rng.standard_normal(4)
    g = numerical_gradient(lambda: x @ A @ x, x)
    # d(x^T A x)/dx = (A + A^T) x
    np.testing.assert_allclose(g, (A + A.T) @ x, rtol=1e-7, atol=1e-9)


def test_numerical_gradient_restores_x_and_accepts_views(rng):
    x = rng.standard_normal((2, 3))
    before = x.copy()
    view = x[:, 1]  # a non-contiguous view is perturbed through the base array
    g = numerical_gradient(lambda: np.sum(np.exp(x)), view)
    np.testing.assert_array_equal(x, before)
    np.testing.assert_allclose(g, np.exp(before[:, 1]), rtol=1e-8)


def test_numerical_gradient_of_0d_array():
    x = np.array(3.0)
    assert numerical_gradient(lambda: x**3, x) == pytest.approx(27.0, rel=1e-8)


# --- relative_error ---------------------------------------------------------


def test_relative_error_values():
    a = np.array([3.0, 4.0])
    assert relative_error(a, a.copy()) == 0.0
    assert relative_error(a, -a) == pytest.approx(1.0)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    # ||(0, 1)|| / (||(3, 4)|| + ||(3, 3)||)
    expected = 1.0 / (5.0 + np.sqrt(18.0))
    assert relative_error(a, np.array([3.0, 3.0])) == pytest.approx(expected)


def test_relative_error_is_scale_invariant(rng):
    a, b = rng.standard_normal(6), rng.standard_normal(6)
    assert relative_error(1e-9 * a, 1e-9 * b) == pytest.approx(relative_error(a, b))


# --- check_function ----------------------------------------------------------


def _tanh_layer(rng):
    W = rng.standard_normal((3, 2))
    x = rng.standard_normal(2)

    def f():
        return np.sum(np.tanh(W @ x))

    dy = 1 - np.tanh(W @ x) ** 2  # d tanh(a)/da
    return f, {"W": W, "x": x}, {"W": np.outer(dy, x), "x": W.T @ dy}


def test_check_function_accepts_correct_gradients(rng):
    f, arrays, grads = _tanh_layer(rng)
    errors = check_function(f, arrays, grads)
    assert list(errors) == ["W", "x"]
    assert max(errors.values()) < 1e-8


def test_check_function_detects_a_wrong_derivative(rng):
    f, arrays, grads = _tanh_layer(rng)
    W, x = arrays["W"], arrays["x"]
    wrong = 1 - np.tanh(W @ x)  # forgot the square
    errors = check_function(f, arrays, {"W": np.outer(wrong, x), "x": W.T @ wrong})
    assert min(errors.values()) > 1e-2


# --- check_layer on every layer type ----------------------------------------

LAYERS = [
    ("rnn_tanh", lambda r: rnnbook.RNN(3, 4, rng=r)),
    ("rnn_relu", lambda r: rnnbook.RNN(3, 4, nonlinearity="relu", rng=r)),
    ("rnn_2layer_bidir", lambda r: rnnbook.RNN(3, 2, 2, bidirectional=True, rng=r)),
    ("lstm", lambda r: rnnbook.LSTM(3, 4, rng=r)),
    ("lstm_2layer_bidir", lambda r: rnnbook.LSTM(3, 2, 2, bidirectional=True, rng=r)),
    ("lstm_no_bias", lambda r: rnnbook.LSTM(3, 4, bias=False, rng=r)),
    ("gru", lambda r: rnnbook.GRU(3, 4, rng=r)),
    ("gru_reset_before", lambda r: rnnbook.GRU(3, 4, reset_after=False, rng=r)),
    ("gru_2layer_bidir", lambda r: rnnbook.GRU(3, 2, 2, bidirectional=True, rng=r)),
]


@pytest.mark.parametrize("name, make", LAYERS, ids=[n for n, _ in LAYERS])
def test_check_layer_every_layer_type(name, make, rng):
    layer = make(rng)
    x = rng.standard_normal((3, 2, 3))  # (T, B, D)
    errors = check_layer(layer, x, rng=rng)
    states = ["h0", "c0"] if "lstm" in name else ["hx"]
    assert list(errors) == ["input", *states, *layer.params]
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("cls", [rnnbook.RNN, rnnbook.LSTM, rnnbook.GRU])
def test_check_layer_batch_first_and_unbatched(cls, rng):
    layer = cls(2, 3, batch_first=True, rng=rng)
    batch_first = check_layer(layer, rng.standard_normal((2, 5, 2)), rng=rng)
    unbatched = check_layer(layer, rng.standard_normal((5, 2)), rng=rng)
    assert max(batch_first.values()) < 1e-6
    assert max(unbatched.values()) < 1e-6


def test_check_layer_with_given_state(rng):
    layer = rnnbook.LSTM(2, 3, rng=rng)
    h0, c0 = rng.standard_normal((2, 1, 2, 3))
    errors = check_layer(layer, rng.standard_normal((4, 2, 2)), (h0, c0), rng=rng)
    assert max(errors.values()) < 1e-6


def test_check_layer_takes_an_lstm_state_as_a_list_like_the_layer(rng):
    layer = rnnbook.LSTM(2, 3, rng=rng)
    h0, c0 = rng.standard_normal((2, 1, 2, 3))
    x = rng.standard_normal((4, 2, 2))
    as_tuple = check_layer(layer, x, (h0, c0), rng=np.random.default_rng(7))
    as_list = check_layer(layer, x, [h0, c0], rng=np.random.default_rng(7))
    assert as_list == as_tuple and max(as_list.values()) < 1e-6


class _BrokenLayer:
    """Wraps a layer and returns a wrong weight_hh gradient (transposed rows)."""

    def __init__(self, layer):
        self._layer = layer

    def __getattr__(self, name):
        return getattr(self._layer, name)

    def __call__(self, x, hx=None):
        return self._layer(x, hx)

    def backward(self, grad_output, grad_h_n=None):
        dx, dhx, grads = self._layer.backward(grad_output, grad_h_n)
        grads["weight_hh_l0"] = grads["weight_hh_l0"][::-1].copy()
        return dx, dhx, grads


def test_check_layer_detects_a_wrong_gradient(rng):
    layer = _BrokenLayer(rnnbook.GRU(3, 4, rng=rng))
    errors = check_layer(layer, rng.standard_normal((4, 2, 3)), rng=rng)
    assert errors["weight_hh_l0"] > 1e-2
    assert errors["weight_ih_l0"] < 1e-6


def test_check_layer_is_reproducible():
    layer = rnnbook.RNN(2, 3, rng=np.random.default_rng(0))
    x = np.random.default_rng(1).standard_normal((3, 2, 2))
    a = check_layer(layer, x, rng=np.random.default_rng(5))
    b = check_layer(layer, x, rng=np.random.default_rng(5))
    assert a == b


# --- bad input ----------------------------------------------------------------


def test_numerical_gradient_rejects_bad_input():
    x = np.zeros(3)
    with pytest.raises(TypeError, match="f: expected a callable"):
        numerical_gradient("not a function", x)
    with pytest.raises(
        TypeError, match="x: expected a float64 numpy.ndarray, got list"
    ):
        numerical_gradient(lambda: 0.0, [1.0, 2.0])
    with pytest.raises(TypeError, match="x: expected dtype float64.*got float32"):
        numerical_gradient(lambda: 0.0, np.zeros(3, np.float32))
    with pytest.raises(ValueError, match="eps: expected a finite number > 0, got 0"):
        numerical_gradient(lambda: 0.0, x, eps=0)
    with pytest.raises(TypeError, match=r"f: expected f\(\) to return a scalar"):
        numerical_gradient(lambda: x * 2, x)


def test_relative_error_rejects_bad_input():
    with pytest.raises(ValueError, match=r"b: expected shape \(3,\), got \(4,\)"):
        relative_error(np.zeros(3), np.zeros(4))
    with pytest.raises(TypeError, match="a: expected a numpy.ndarray, got list"):
        relative_error([1.0], np.zeros(1))
    with pytest.raises(ValueError, match="b: contains NaN"):
        relative_error(np.zeros(2), np.array([0.0, np.nan]))


def test_check_function_rejects_bad_input(rng):
    f, arrays, grads = _tanh_layer(rng)
    with pytest.raises(ValueError, match=r"grads: expected the keys of arrays"):
        check_function(f, arrays, {"W": grads["W"]})
    with pytest.raises(ValueError, match=r"grads\['x'\]: expected shape \(2,\)"):
        check_function(f, arrays, {**grads, "x": np.zeros(3)})
    with pytest.raises(TypeError, match="arrays: expected a dict, got list"):
        check_function(f, [arrays["W"]], grads)


def test_check_layer_rejects_bad_input(rng):
    layer = rnnbook.LSTM(2, 3, rng=rng)
    x = rng.standard_normal((4, 1, 2))
    with pytest.raises(TypeError, match="layer: expected an rnnbook RNN/LSTM/GRU"):
        check_layer(object(), x)
    with pytest.raises(TypeError, match="x: expected dtype float64"):
        check_layer(layer, x.astype(np.float32))
    with pytest.raises(TypeError, match=r"hx: expected a pair \(h0, c0\)"):
        check_layer(layer, x, np.zeros((1, 1, 3)))
    with pytest.raises(TypeError, match="rng: expected numpy.random.Generator"):
        check_layer(layer, x, rng=0)


# --- the docstring examples of this helper's modules ---------------------------


@pytest.mark.parametrize("module", ["gradcheck", "optim", "charlm", "tasks", "counting"])
def test_docstring_examples_run(module):
    mod = importlib.import_module(f"rnnbook.{module}")
    result = doctest.testmod(mod, extraglobs={"np": np})
    assert result.attempted > 0 and result.failed == 0
