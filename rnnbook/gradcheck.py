"""Gradient checking: compare backpropagation with finite differences.

A backward pass is only trusted after it agrees with the definition of the
derivative. For a scalar loss ``L`` and one entry ``x_k`` of an array ``x``,
the central difference

    dL/dx_k ≈ (L(x + eps e_k) - L(x - eps e_k)) / (2 eps)

has error O(eps^2), so with float64 and ``eps = 1e-6`` a correct analytic
gradient agrees to a relative error around 1e-8 or smaller, while a wrong
one is off by 1e-2 or more.
"""

from __future__ import annotations

import numpy as np

from ._validate import check_array, check_positive_float, check_rng


def _check_float64(name, x):
    """Finite differences need double precision: accept float64 arrays only."""
    if not isinstance(x, np.ndarray):
        raise TypeError(
            f"{name}: expected a float64 numpy.ndarray, got {type(x).__name__}"
        )
    check_array(name, x, x.shape)
    if x.dtype != np.float64:
        raise TypeError(
            f"{name}: expected dtype float64 (finite differences with a small "
            f"eps need double precision), got {x.dtype}"
        )
    return x


def numerical_gradient(f, x, eps=1e-6):
    """Central-difference gradient of a scalar function with respect to ``x``.

    Each entry of ``x`` is nudged in place by ``+eps`` and ``-eps``, ``f()`` is
    evaluated, and the entry is restored, so ``f`` must read ``x`` itself
    (for example through a closure) rather than take it as an argument.

        grad[k] = (f(x + eps e_k) - f(x - eps e_k)) / (2 eps)

    Args:
        f: a function of no arguments returning a scalar (float or 0-d array).
        x: float64 array of any shape; perturbed in place and restored.
        eps: the step size, > 0.

    Returns:
        ndarray of ``x``'s shape: the numerical gradient dF/dx.

    Raises:
        TypeError: ``f`` is not callable, ``x`` is not a float64 ndarray,
            or ``f()`` does not return a scalar.
        ValueError: ``x`` holds NaN/inf, or ``eps`` is not > 0.

    Examples:
        >>> x = np.array([1.0, 2.0])
        >>> g = numerical_gradient(lambda: np.sum(x ** 2), x)
        >>> np.allclose(g, 2 * x)
        True
    """
    if not callable(f):
        raise TypeError(f"f: expected a callable, got {type(f).__name__}")
    _check_float64("x", x)
    eps = check_positive_float("eps", eps)
    grad = np.zeros_like(x)  # same shape as x
    for k in np.ndindex(x.shape):
        old = x[k]
        x[k] = old + eps
        f_plus = _scalar(f())
        x[k] = old - eps
        f_minus = _scalar(f())
        x[k] = old
        # dF/dx_k ≈ (F(x + eps e_k) - F(x - eps e_k)) / (2 eps)
        grad[k] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def _scalar(value):
    """Turn the value of ``f()`` into a float, or say why it cannot be one."""
    if np.ndim(value) != 0:
        raise TypeError(
            f"f: expected f() to return a scalar, got shape {np.shape(value)}"
        )
    return float(value)


def relative_error(a, b):
    """Norm-based relative error between two arrays of the same shape.

        err = ||a - b|| / max(||a|| + ||b||, 1e-300)

    The floor in the denominator makes two all-zero arrays give 0, not NaN.

    Args:
        a: float ndarray, e.g. the analytic gradient.
        b: float ndarray of ``a``'s shape, e.g. the numerical gradient.

    Returns:
        float in [0, 1]: 0 for identical arrays, 1 for a = -b.

    Raises:
        TypeError: ``a`` or ``b`` is not a float ndarray.
        ValueError: the shapes differ, or a value is NaN/inf.

    Examples:
        >>> relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
        0.0
    """
    if not isinstance(a, np.ndarray):
        raise TypeError(f"a: expected a numpy.ndarray, got {type(a).__name__}")
    check_array("a", a, a.shape)
    check_array("b", b, a.shape)
    # err = ||a - b|| / max(||a|| + ||b||, 1e-300)
    denom = max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)
    return float(np.linalg.norm(a - b) / denom)


def check_function(f, arrays, grads, eps=1e-6):
    """Compare analytic gradients with numerical ones, array by array.

    Args:
        f: a function of no arguments returning the scalar loss; it must read
            the arrays in ``arrays`` (which are perturbed in place).
        arrays: dict name -> float64 ndarray, the inputs to differentiate.
        grads: dict with the same keys: the analytic gradient of each array,
            each of its array's shape.
        eps: finite-difference step, > 0.

    Returns:
        dict name -> relative error (see ``relative_error``), same key order
        as ``arrays``.

    Raises:
        TypeError: ``arrays``/``grads`` are not dicts, or a value has the
            wrong type.
        ValueError: the keys differ, or a gradient has the wrong shape.

    Examples:
        >>> W = np.array([[1.0, -2.0], [0.5, 3.0]])
        >>> x = np.array([0.1, 0.2])
        >>> f = lambda: np.sum(np.tanh(W @ x))
        >>> dy = 1 - np.tanh(W @ x) ** 2          # d tanh(a)/da
        >>> err = check_function(f, {"W": W, "x": x},
        ...                      {"W": np.outer(dy, x), "x": W.T @ dy})
        >>> max(err.values()) < 1e-8
        True
    """
    for name, value in (("arrays", arrays), ("grads", grads)):
        if not isinstance(value, dict):
            raise TypeError(f"{name}: expected a dict, got {type(value).__name__}")
    if set(arrays) != set(grads):
        raise ValueError(
            f"grads: expected the keys of arrays {sorted(arrays)}, "
            f"got {sorted(grads)}"
        )
    errors = {}
    for name, x in arrays.items():
        _check_float64(f"arrays[{name!r}]", x)
        check_array(f"grads[{name!r}]", grads[name], x.shape)
        numeric = numerical_gradient(f, x, eps)
        errors[name] = relative_error(grads[name], numeric)
    return errors


def check_layer(layer, x, hx=None, *, rng=None, eps=1e-6):
    """Gradient-check a whole rnnbook RNN/LSTM/GRU layer.

    Random upstream gradients ``G`` (for ``output``) and ``G_h``, ``G_c`` (for the
    final states) define the scalar loss

        L = sum(G * output) + sum(G_h * h_n)  [+ sum(G_c * c_n) for LSTM]

    whose gradient ``layer.backward(G, G_h)`` must return. Random (not all-ones)
    upstream gradients catch bugs that cancel out under symmetric ones.

    Args:
        layer: an ``rnnbook.RNN``, ``LSTM`` or ``GRU`` with float64 parameters.
        x: float64 input, (T, B, D) ((B, T, D) if ``batch_first``) or (T, D).
        hx: initial state, (L * dirs, B, H) or (L * dirs, H) unbatched
            (LSTM: a pair ``(h0, c0)``). None draws a random one from ``rng``,
            so the state gradient is checked at a generic point.
        rng: numpy Generator for ``G``, ``G_h``, ``G_c`` and the random state
            (None: a fresh ``np.random.default_rng()``).
        eps: finite-difference step, > 0.

    Returns:
        dict name -> relative error, with keys "input", then "hx" (LSTM: "h0"
        and "c0"), then every parameter name of ``layer.params``.

    Raises:
        TypeError: ``layer`` has no ``params``/``backward``, ``x``/``hx`` are not
            float64 arrays, ``rng`` is not a Generator.
        ValueError: as raised by the layer for wrongly shaped input.

    Examples:
        >>> import rnnbook
        >>> layer = rnnbook.GRU(3, 4, rng=np.random.default_rng(0))
        >>> x = np.random.default_rng(1).standard_normal((5, 2, 3))
        >>> errors = check_layer(layer, x, rng=np.random.default_rng(2))
        >>> max(errors.values()) < 1e-6
        True
    """
    if not (hasattr(layer, "params") and hasattr(layer, "backward")):
        raise TypeError(
            f"layer: expected an rnnbook RNN/LSTM/GRU, got {type(layer).__name__}"
        )
    rng = check_rng("rng", rng)
    _check_float64("x", x)
    is_lstm = layer.mode == "LSTM"
    if hx is None:
        hx = _random_state(layer, x, is_lstm, rng)
    # a pair as a tuple or a list, as the LSTM layer accepts
    if is_lstm and not (isinstance(hx, (tuple, list)) and len(hx) == 2):
        raise TypeError(
            f"hx: expected a pair (h0, c0) for an LSTM, got {type(hx).__name__}"
        )
    states = dict(zip(("h0", "c0"), hx)) if is_lstm else {"hx": hx}
    for name, state in states.items():
        _check_float64(name, state)
    # Upstream gradients for every output of the layer.
    output, h_n = layer(x, hx)
    finals = h_n if is_lstm else (h_n,)
    G = rng.standard_normal(output.shape)  # like output
    G_finals = [rng.standard_normal(h.shape) for h in finals]  # like h_n (, c_n)

    def loss():
        output, h_n = layer(x, hx)
        finals = h_n if is_lstm else (h_n,)
        # L = sum(G * output) + sum(G_h * h_n) [+ sum(G_c * c_n)]
        return np.sum(G * output) + sum(np.sum(g * h) for g, h in zip(G_finals, finals))

    loss()  # forward again, so backward sees this exact call
    grad_hn = tuple(G_finals) if is_lstm else G_finals[0]
    dx, dhx, grads = layer.backward(G, grad_hn)
    d_states = dict(zip(states, dhx)) if is_lstm else {"hx": dhx}
    arrays = {"input": x, **states, **layer.params}
    analytic = {"input": dx, **d_states, **grads}
    return check_function(loss, arrays, analytic, eps)


def _random_state(layer, x, is_lstm, rng):
    """A random initial state of the shape the layer expects for ``x``."""
    dirs = 2 if layer.bidirectional else 1
    batch = () if x.ndim == 2 else (x.shape[0 if layer.batch_first else 1],)
    shape = (layer.num_layers * dirs, *batch, layer.hidden_size)
    if is_lstm:
        # h has proj_size features if the LSTM has a projection
        h_shape = (*shape[:-1], layer.proj_size or layer.hidden_size)
        return (0.5 * rng.standard_normal(h_shape), 0.5 * rng.standard_normal(shape))
    return 0.5 * rng.standard_normal(shape)  # (L * dirs, B, H)
