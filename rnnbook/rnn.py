"""Elman RNN cell: forward pass and backpropagation through time (BPTT).

Row-vector form, exactly as ``torch.nn.RNN`` computes it:

    a_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh
    h_t = tanh(a_t)            (or relu(a_t) with nonlinearity="relu")

Shapes: T time steps, B batch rows, D input size, H hidden size. ``params`` holds
``"weight_ih"`` (H, D), ``"weight_hh"`` (H, H) and, when the cell has biases,
``"bias_ih"`` (H,) and ``"bias_hh"`` (H,); without biases those keys are absent.
Gradients come back in a dict with the same keys.

Layout of this file: ``step_forward`` next to ``step_backward`` (one time step),
then ``forward`` next to ``backward`` (a whole sequence). Both pairs use the
same private helpers, so each equation is written once.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validate import check_array, check_cell_params, check_choice
from .activations import drelu, dtanh

NONLINEARITIES = ("tanh", "relu")


class StepCache(NamedTuple):
    """What ``step_backward`` needs from ``step_forward``."""

    x_t: np.ndarray  # (B, D) input
    h_prev: np.ndarray  # (B, H) previous hidden state h_{t-1}
    h_t: np.ndarray  # (B, H) new hidden state (the activation's output)
    params: dict  # the parameters used
    nonlinearity: str  # "tanh" or "relu"


class Cache(NamedTuple):
    """What ``backward`` needs from ``forward``."""

    x: np.ndarray  # (T, B, D) inputs
    h: np.ndarray  # (T+1, B, H) hidden states h_0, h_1, ..., h_T
    params: dict  # the parameters used
    nonlinearity: str  # "tanh" or "relu"


# ---------------------------------------------------------------- shared helpers


def _project_input(x, weight, bias=None):
    """x W^T (+ bias) for all rows at once: (..., D) -> (..., G*H).

    With x of shape (T, B, D) this is the hoisted input projection of every time
    step, ONE matrix product over T*B rows.
    """
    # x W^T                                                    (..., G*H)
    a = (x.reshape(-1, x.shape[-1]) @ weight.T).reshape(*x.shape[:-1], weight.shape[0])
    if bias is not None:
        a += bias
    return a


def _sigmoid_(a):
    """a <- σ(a) = 1 / (1 + exp(-a)) in place, in four NumPy calls; returns a.

    Used by the gated cells (LSTM, GRU). ``activations.sigmoid`` computes the
    same σ as (1 + tanh(a/2)) / 2, which never overflows, but NumPy's tanh costs
    about 1.5x its exp in float32 and 2-3x in float64. Here, for a < -88
    (float32) or a < -709 (float64), exp(-a) overflows to inf and 1 / (1 + inf)
    = 0: the exact limit. Such saturated gates can also make later products
    underflow to 0. Both are harmless, so the gated cells' functions run under
    ``_saturating``, which silences exactly these two warnings.
    """
    np.negative(a, out=a)
    np.exp(a, out=a)
    a += 1
    return np.divide(1, a, out=a)


# Lets σ saturate quietly (see _sigmoid_): exp's overflow and tiny gates' underflow.
_saturating = np.errstate(over="ignore", under="ignore")


def _both_biases(params):
    """b_ih + b_hh, or None without biases (both add to the same pre-activation)."""
    return params["bias_ih"] + params["bias_hh"] if "bias_ih" in params else None


def _activate(a, nonlinearity, out=None):
    """h = tanh(a) or relu(a) = max(a, 0), written into ``out`` if given."""
    if nonlinearity == "tanh":
        return np.tanh(a, out=out)
    return np.maximum(a, 0, out=out)


def _activation_backward(dh, h, nonlinearity, out=None):
    """da = dh ⊙ f'(a), with f' written in terms of the output h = f(a)."""
    # tanh: da = dh ⊙ (1 - h^2);  relu: da = dh ⊙ [h > 0]
    return np.multiply(dh, dtanh(h) if nonlinearity == "tanh" else drelu(h), out=out)


def _param_grads(da, x, h_prev, params):
    """Parameter gradients from pre-activation gradients, summed over rows.

    da (N, H), x (N, D), h_prev (N, H), where N = B for one step or T*B for a
    whole sequence (every time step uses the same weights, so their gradients add).
    """
    # dW_ih = da^T x   (H, D);   dW_hh = da^T h_prev   (H, H)
    grads = {"weight_ih": da.T @ x, "weight_hh": da.T @ h_prev}
    if "bias_ih" in params:
        # db_ih = db_hh = sum of da over rows   (H,)
        grads["bias_ih"] = da.sum(axis=0)
        grads["bias_hh"] = grads["bias_ih"].copy()
    return grads


def _check_inputs(x, h_prev, params, nonlinearity, names, lead):
    """Validate a step's (lead ("B",)) or a sequence's (lead ("T", "B")) inputs.

    D and H come from the parameters; x and h_prev must have their dtype. Returns H.
    """
    check_choice("nonlinearity", nonlinearity, NONLINEARITIES)
    D, H = check_cell_params(params, 1)
    x = check_array(names[0], x, (*lead, D), params["weight_hh"].dtype)
    check_array(names[1], h_prev, (x.shape[-2], H), x.dtype)
    return H


# ---------------------------------------------------------------- one time step


def step_forward(x_t, h_prev, params, nonlinearity="tanh"):
    """One RNN step: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh).

    Args:
        x_t: input at this step, shape (B, D).
        h_prev: previous hidden state h_{t-1}, shape (B, H).
        params: ``"weight_ih"`` (H, D), ``"weight_hh"`` (H, H), and optionally
            ``"bias_ih"`` (H,), ``"bias_hh"`` (H,); same dtype as ``x_t``.
        nonlinearity: ``"tanh"`` (default) or ``"relu"``.

    Returns:
        ``(h_t, cache)``: the new hidden state (B, H) and a ``StepCache`` for
        ``step_backward``.

    Raises:
        TypeError: an argument is not a float array of the parameters' dtype.
        ValueError: wrong shapes, NaN/inf, or an unknown ``nonlinearity``.

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> params = {"weight_ih": rng.normal(size=(5, 3)),
        ...           "weight_hh": rng.normal(size=(5, 5))}
        >>> h_t, cache = step_forward(np.ones((2, 3)), np.zeros((2, 5)), params)
        >>> h_t.shape
        (2, 5)
    """
    _check_inputs(x_t, h_prev, params, nonlinearity, ("x_t", "h_prev"), ("B",))
    # a_t = x_t W_ih^T + b_ih + b_hh + h_{t-1} W_hh^T          (B, H)
    a_t = _project_input(x_t, params["weight_ih"], _both_biases(params))
    a_t += h_prev @ params["weight_hh"].T
    # h_t = tanh(a_t)                                          (B, H)
    h_t = _activate(a_t, nonlinearity)
    # copies of the inputs: editing them in place before backward must not
    # change the gradients
    return h_t, StepCache(x_t.copy(), h_prev.copy(), h_t, params, nonlinearity)


def step_backward(dh_t, cache):
    """Backward pass of one RNN step.

    With da_t = dh_t ⊙ (1 - h_t^2) (tanh; relu: dh_t ⊙ [h_t > 0]):
    dx_t = da_t W_ih, dh_prev = da_t W_hh, dW_ih = da_t^T x_t,
    dW_hh = da_t^T h_{t-1}, db_ih = db_hh = sum_B da_t.

    Args:
        dh_t: gradient of the loss with respect to h_t, shape (B, H).
        cache: the ``StepCache`` returned by ``step_forward``.

    Returns:
        ``(dx_t, dh_prev, grads)``: shapes (B, D), (B, H), and a dict with the
        same keys and shapes as ``params``.

    Raises:
        TypeError: ``dh_t`` is not an array of the forward pass's dtype.
        ValueError: ``dh_t`` has the wrong shape or contains NaN/inf.

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> params = {"weight_ih": rng.normal(size=(5, 3)),
        ...           "weight_hh": rng.normal(size=(5, 5))}
        >>> h_t, cache = step_forward(np.ones((2, 3)), np.zeros((2, 5)), params)
        >>> dx_t, dh_prev, grads = step_backward(np.ones((2, 5)), cache)
        >>> dx_t.shape, sorted(grads)
        ((2, 3), ['weight_hh', 'weight_ih'])
    """
    check_array("dh_t", dh_t, cache.h_t.shape, cache.h_t.dtype)
    # da_t = dh_t ⊙ tanh'(a_t)                                 (B, H)
    da_t = _activation_backward(dh_t, cache.h_t, cache.nonlinearity)
    # dx_t = da_t W_ih                                         (B, D)
    dx_t = da_t @ cache.params["weight_ih"]
    # dh_{t-1} = da_t W_hh                                     (B, H)
    dh_prev = da_t @ cache.params["weight_hh"]
    grads = _param_grads(da_t, cache.x_t, cache.h_prev, cache.params)
    return dx_t, dh_prev, grads


# ---------------------------------------------------------------- a whole sequence


def forward(x, h0, params, nonlinearity="tanh"):
    """Run the RNN over a whole sequence (``backward`` is its BPTT).

    h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)  (or relu) for t = 1..T.

    The input projection x_t W_ih^T + b_ih + b_hh does not depend on h, so it is
    computed for all T steps in one matrix product before the loop; each step then
    only adds h_{t-1} W_hh^T and applies the nonlinearity.

    Args:
        x: inputs, time-major, shape (T, B, D).
        h0: initial hidden state, shape (B, H).
        params: ``"weight_ih"`` (H, D), ``"weight_hh"`` (H, H), and optionally
            ``"bias_ih"`` (H,), ``"bias_hh"`` (H,); same dtype as ``x``.
        nonlinearity: ``"tanh"`` (default) or ``"relu"``.

    Returns:
        ``(hs, cache)``: hidden states h_1..h_T, shape (T, B, H) (a view into
        ``cache.h``: copy it before modifying it in place), and a ``Cache`` for
        ``backward``. The final state is ``hs[-1]``.

    Raises:
        TypeError: an argument is not a float array of the parameters' dtype.
        ValueError: wrong shapes, NaN/inf, or an unknown ``nonlinearity``.

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> params = {"weight_ih": rng.normal(size=(5, 3)),
        ...           "weight_hh": rng.normal(size=(5, 5)),
        ...           "bias_ih": np.zeros(5), "bias_hh": np.zeros(5)}
        >>> hs, cache = forward(rng.normal(size=(4, 2, 3)), np.zeros((2, 5)), params)
        >>> hs.shape
        (4, 2, 5)
    """
    _check_inputs(x, h0, params, nonlinearity, ("x", "h0"), ("T", "B"))
    return _forward(x, h0, params, nonlinearity)


def _forward(x, h0, params, nonlinearity):
    """``forward`` without the input checks (the layers check once, up front)."""
    T, B, _ = x.shape
    H = h0.shape[-1]
    W_hh_T = params["weight_hh"].T
    # x_t W_ih^T + b_ih + b_hh for all t at once                (T, B, H)
    a = _project_input(x, params["weight_ih"], _both_biases(params))
    # h[0] = h_0, h[t] = h_t                                   (T+1, B, H)
    h = np.empty((T + 1, B, H), dtype=x.dtype)
    h[0] = h0
    for t in range(T):
        a_t = a[t]  # this step's slice (a view)                   (B, H)
        # a_t = (x_t W_ih^T + b_ih + b_hh) + h_{t-1} W_hh^T
        a_t += h[t] @ W_hh_T
        # h_t = tanh(a_t)
        _activate(a_t, nonlinearity, out=h[t + 1])
    # a copy of x: editing it in place before backward must not change the gradients
    return h[1:], Cache(np.array(x), h, params, nonlinearity)


def backward(dhs, cache):
    """Backpropagation through time for ``forward``.

    Walking t = T..1: dh_t = dhs[t] + dh_t(from step t+1),
    da_t = dh_t ⊙ (1 - h_t^2), and the recurrence passes dh_{t-1} = da_t W_hh
    back. After the loop, one matrix product each gives dx = da W_ih,
    dW_ih = sum_t da_t^T x_t, dW_hh = sum_t da_t^T h_{t-1}; db = sum_{t,b} da.

    Args:
        dhs: gradient of the loss with respect to every hidden state h_1..h_T,
            shape (T, B, H). A gradient on the final state h_T (e.g. ``h_n`` in
            a layer) is added to ``dhs[-1]`` by the caller.
        cache: the ``Cache`` returned by ``forward``.

    Returns:
        ``(dx, dh0, grads)``: shapes (T, B, D), (B, H), and a dict with the same
        keys and shapes as ``params``.

    Raises:
        TypeError: ``dhs`` is not an array of the forward pass's dtype.
        ValueError: ``dhs`` has the wrong shape or contains NaN/inf.

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> params = {"weight_ih": rng.normal(size=(5, 3)),
        ...           "weight_hh": rng.normal(size=(5, 5))}
        >>> hs, cache = forward(rng.normal(size=(4, 2, 3)), np.zeros((2, 5)), params)
        >>> dx, dh0, grads = backward(np.ones_like(hs), cache)
        >>> dx.shape, dh0.shape, grads["weight_hh"].shape
        ((4, 2, 3), (2, 5), (5, 5))
    """
    check_array("dhs", dhs, cache.h[1:].shape, cache.h.dtype)
    return _backward(dhs, cache)


def _backward(dhs, cache):
    """``backward`` without the input checks."""
    x, h, params, nonlinearity = cache
    T, B, D = x.shape
    H = h.shape[-1]
    W_hh = params["weight_hh"]
    # da[t] = dL/da_t, the pre-activation gradients              (T, B, H)
    da = np.empty((T, B, H), dtype=h.dtype)
    # gradient reaching h_t from step t+1 (none after the last step)   (B, H)
    dh_next = np.zeros((B, H), dtype=h.dtype)
    for t in reversed(range(T)):
        # dL/dh_t = (loss at step t) + (through h_{t+1})
        dh_t = dhs[t] + dh_next
        # da_t = dh_t ⊙ tanh'(a_t)
        _activation_backward(dh_t, h[t + 1], nonlinearity, out=da[t])
        # dh_{t-1} = da_t W_hh
        dh_next = da[t] @ W_hh
    da_rows = da.reshape(T * B, H)
    # dx = da W_ih for all steps at once                       (T, B, D)
    dx = (da_rows @ params["weight_ih"]).reshape(T, B, D)
    grads = _param_grads(da_rows, x.reshape(T * B, D), h[:-1].reshape(T * B, H), params)
    return dx, dh_next, grads
