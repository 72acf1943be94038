"""LSTM cell: forward pass and backpropagation through time (BPTT).

Row-vector form with PyTorch's gate order i, f, g, o, exactly as ``torch.nn.LSTM``:

    a_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh       (B, 4H) = [a_i a_f a_g a_o]
    i = σ(a_i)   f = σ(a_f)   g = tanh(a_g)   o = σ(a_o)
    c_t = f ⊙ c_{t-1} + i ⊙ g
    h_t = o ⊙ tanh(c_t)

Shapes: T time steps, B batch rows, D input size, H hidden size. ``params`` holds
``"weight_ih"`` (4H, D) and ``"weight_hh"`` (4H, H) whose row blocks are the i, f,
g, o gates, and, when the cell has biases, ``"bias_ih"`` (4H,), ``"bias_hh"`` (4H,).
Gradients come back in a dict with the same keys.

All four gates come from ONE matrix product into a stacked (B, 4H) block; the
gates are views of that block: with ``a4 = a.reshape(B, 4, H)``, ``a4[:, 0]`` is
i, ``a4[:, 1]`` f, ``a4[:, 2]`` g and ``a4[:, 3]`` o (the same columns as
``a[:, :H]``, ``a[:, H:2H]``, ...).
"""

from __future__ import annotations

from typing import NamedTuple, Optional

import numpy as np

from ._validate import check_array, check_cell_params
from .activations import dsigmoid, dtanh
from .rnn import _both_biases, _project_input, _saturating, _sigmoid_


class StepCache(NamedTuple):
    """What ``step_backward`` needs from ``step_forward``."""

    x_t: np.ndarray  # (B, D) input
    h_prev: np.ndarray  # (B, H) h_{t-1}
    c_prev: np.ndarray  # (B, H) c_{t-1}
    gates: np.ndarray  # (B, 4H) activated gates [i f g o]
    tanh_c: np.ndarray  # (B, H) tanh(c_t)
    params: dict  # the parameters used


class Cache(NamedTuple):
    """What ``backward`` needs from ``forward``."""

    x: np.ndarray  # (T, B, D) inputs
    h: np.ndarray  # (T+1, B, H) hidden states h_0..h_T
    c: np.ndarray  # (T+1, B, H) cell states c_0..c_T
    gates: np.ndarray  # (T, B, 4H) activated gates [i f g o] of every step
    tanh_c: np.ndarray  # (T, B, H) tanh(c_t) of every step
    params: dict  # the parameters used
    r: Optional[np.ndarray] = None  # (T, B, H) o ⊙ tanh(c_t) before a projection


# ---------------------------------------------------------------- shared helpers

def _gates_forward(a, c_prev, c_t, tanh_c, h_t):
    """Gate math of one step on the stacked block (the forward equations).

    a (B, 4, H) holds the pre-activations of the gates i, f, g, o (a view of the
    (B, 4H) block) and is overwritten with the gates. c_prev (B, H) is c_{t-1};
    the results are written into c_t, tanh_c and h_t (B, H).
    """
    i, f, g, o = a[:, 0], a[:, 1], a[:, 2], a[:, 3]
    # i, f, o = σ(a);  g = tanh(a) = 2σ(2a) - 1: one σ for the whole block
    g *= 2
    _sigmoid_(a)
    g *= 2
    g -= 1
    # c_t = f ⊙ c_{t-1} + i ⊙ g
    np.multiply(f, c_prev, out=c_t)
    c_t += i * g
    # h_t = o ⊙ tanh(c_t)
    np.tanh(c_t, out=tanh_c)
    np.multiply(o, tanh_c, out=h_t)


def _gates_backward(dh_t, dc_t, gates, c_prev, tanh_c, da):
    """Backward of ``_gates_forward``: write da (B, 4, H), return dc_{t-1} (B, H).

    dh_t: gradient reaching h_t (B, H); dc_t: gradient reaching c_t from step t+1
    (B, H); gates: the gates i, f, g, o (B, 4, H); c_prev: c_{t-1}; tanh_c: tanh(c_t).
    """
    i, f, g, o = gates[:, 0], gates[:, 1], gates[:, 2], gates[:, 3]
    # dc_t += dh_t ⊙ o ⊙ (1 - tanh²(c_t))          (h_t = o ⊙ tanh(c_t))
    dc_t = dc_t + dh_t * o * dtanh(tanh_c)
    # dL/d(gate), from c_t = f ⊙ c_{t-1} + i ⊙ g and h_t = o ⊙ tanh(c_t)
    np.multiply(dc_t, g, out=da[:, 0])  # di = dc_t ⊙ g
    np.multiply(dc_t, c_prev, out=da[:, 1])  # df = dc_t ⊙ c_{t-1}
    np.multiply(dc_t, i, out=da[:, 2])  # dg = dc_t ⊙ i
    np.multiply(dh_t, tanh_c, out=da[:, 3])  # do = dh_t ⊙ tanh(c_t)
    # gate'(a): σ' = s (1 - s) for i, f, o and tanh' = 1 - g² for g
    dact = dsigmoid(gates)
    np.subtract(1, g * g, out=dact[:, 2])
    # da = dL/d(gate) ⊙ gate'(a)
    da *= dact
    # dc_{t-1} = dc_t ⊙ f
    return dc_t * f


def _param_grads(da, x, h_prev, params):
    """dW_ih = da^T x, dW_hh = da^T h_prev, db_ih = db_hh = sum of da over rows.

    da (N, 4H), x (N, D), h_prev (N, H) with N = B (one step) or T*B (a sequence).
    """
    # dW_ih (4H, D), dW_hh (4H, H)
    grads = {"weight_ih": da.T @ x, "weight_hh": da.T @ h_prev}
    if "bias_ih" in params:
        # db_ih = db_hh = sum of da over rows   (4H,)
        grads["bias_ih"] = da.sum(axis=0)
        grads["bias_hh"] = grads["bias_ih"].copy()
    return grads


def _check_inputs(x, h_prev, c_prev, params, names, lead):
    """Validate a step's (lead ("B",)) or a sequence's (lead ("T", "B")) inputs.

    D and H come from the parameters; the arrays must have their dtype. Returns H.
    """
    if isinstance(params, dict) and "weight_hr" in params:
        raise ValueError("params: 'weight_hr' (torch's LSTM projection, proj_size > 0) is "
                         "not taken by the cell functions; rnnbook.LSTM(..., proj_size=P) "
                         "has the projection")
    D, H = check_cell_params(params, 4)
    x = check_array(names[0], x, (*lead, D), params["weight_hh"].dtype)
    check_array(names[1], h_prev, (x.shape[-2], H), x.dtype)
    check_array(names[2], c_prev, (x.shape[-2], H), x.dtype)
    return H


# ---------------------------------------------------------------- one time step


@_saturating
def step_forward(x_t, h_prev, c_prev, params):
    """One LSTM step: c_t = f ⊙ c_{t-1} + i ⊙ g, h_t = o ⊙ tanh(c_t).

    The gates come from one stacked pre-activation
    a_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh (B, 4H), split as
    i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o).

    Args:
        x_t: input at this step, shape (B, D).
        h_prev: previous hidden state h_{t-1}, shape (B, H).
        c_prev: previous cell state c_{t-1}, shape (B, H).
        params: ``"weight_ih"`` (4H, D), ``"weight_hh"`` (4H, H), and optionally
            ``"bias_ih"`` (4H,), ``"bias_hh"`` (4H,); same dtype as ``x_t``.

    Returns:
        ``(h_t, c_t, cache)``: shapes (B, H), (B, H), and a ``StepCache``.

    Raises:
        TypeError: an argument is not a float array of the parameters' dtype.
        ValueError: wrong shapes or NaN/inf values.

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> params = {"weight_ih": rng.normal(size=(20, 3)),
        ...           "weight_hh": rng.normal(size=(20, 5))}
        >>> h0 = c0 = np.zeros((2, 5))
        >>> h_t, c_t, cache = step_forward(np.ones((2, 3)), h0, c0, params)
        >>> h_t.shape, c_t.shape, cache.gates.shape
        ((2, 5), (2, 5), (2, 20))
    """
    H = _check_inputs(x_t, h_prev, c_prev, params, ("x_t", "h_prev", "c_prev"),
                      ("B",))
    B = x_t.shape[0]
    # a_t = x_t W_ih^T + b_ih + b_hh + h_{t-1} W_hh^T         (B, 4H)
    gates = _project_input(x_t, params["weight_ih"], _both_biases(params))
    gates += h_prev @ params["weight_hh"].T
    # c_t, tanh(c_t), h_t                                       (B, H) each
    c_t, tanh_c, h_t = (np.empty((B, H), dtype=x_t.dtype) for _ in range(3))
    _gates_forward(gates.reshape(B, 4, H), c_prev, c_t, tanh_c, h_t)
    # copies of the inputs: editing them in place before backward must not
    # change the gradients
    return h_t, c_t, StepCache(x_t.copy(), h_prev.copy(), c_prev.copy(), gates, tanh_c,
                               params)


@_saturating
def step_backward(dh_t, dc_t, cache):
    """Backward pass of one LSTM step.

    dc_t += dh_t ⊙ o ⊙ (1 - tanh²(c_t)); da_i = dc_t ⊙ g ⊙ i(1-i);
    da_f = dc_t ⊙ c_{t-1} ⊙ f(1-f); da_g = dc_t ⊙ i ⊙ (1-g²);
    da_o = dh_t ⊙ tanh(c_t) ⊙ o(1-o); dc_{t-1} = dc_t ⊙ f; then with the stacked
    da (B, 4H): dx_t = da W_ih, dh_{t-1} = da W_hh, dW_ih = da^T x_t,
    dW_hh = da^T h_{t-1}, db_ih = db_hh = sum_B da.

    Args:
        dh_t: gradient of the loss with respect to h_t, shape (B, H).
        dc_t: gradient of the loss with respect to c_t from later steps, (B, H).
        cache: the ``StepCache`` returned by ``step_forward``.

    Returns:
        ``(dx_t, dh_prev, dc_prev, grads)``: shapes (B, D), (B, H), (B, H), and a
        dict with the same keys and shapes as ``params``.

    Raises:
        TypeError: a gradient is not an array of the forward pass's dtype.
        ValueError: a gradient has the wrong shape or contains NaN/inf.

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> params = {"weight_ih": rng.normal(size=(20, 3)),
        ...           "weight_hh": rng.normal(size=(20, 5))}
        >>> h0 = c0 = np.zeros((2, 5))
        >>> h_t, c_t, cache = step_forward(np.ones((2, 3)), h0, c0, params)
        >>> dx_t, dh_prev, dc_prev, grads = step_backward(h_t, np.zeros((2, 5)), cache)
        >>> dx_t.shape, grads["weight_hh"].shape
        ((2, 3), (20, 5))
    """
    shape, dtype = cache.h_prev.shape, cache.h_prev.dtype
    check_array("dh_t", dh_t, shape, dtype)
    check_array("dc_t", dc_t, shape, dtype)
    B, H = shape
    # da = [da_i da_f da_g da_o]                                (B, 4H)
    da = np.empty_like(cache.gates)
    dc_prev = _gates_backward(dh_t, dc_t, cache.gates.reshape(B, 4, H), cache.c_prev,
                              cache.tanh_c, da.reshape(B, 4, H))
    # dx_t = da W_ih  (B, D);   dh_{t-1} = da W_hh  (B, H)
    dx_t = da @ cache.params["weight_ih"]
    dh_prev = da @ cache.params["weight_hh"]
    grads = _param_grads(da, cache.x_t, cache.h_prev, cache.params)
    return dx_t, dh_prev, dc_prev, grads


# ---------------------------------------------------------------- a whole sequence


def forward(x, h0, c0, params):
    """Run the LSTM over a whole sequence (``backward`` is its BPTT).

    For t = 1..T: c_t = f ⊙ c_{t-1} + i ⊙ g and h_t = o ⊙ tanh(c_t), gates as in
    ``step_forward``.

    The input projection x_t W_ih^T + b_ih + b_hh of all T steps is ONE matrix
    product before the loop, stored as the stacked gate block (T, B, 4H); each step
    adds h_{t-1} W_hh^T to its slice and applies the gate math in place.

    Args:
        x: inputs, time-major, shape (T, B, D).
        h0: initial hidden state, shape (B, H).
        c0: initial cell state, shape (B, H).
        params: ``"weight_ih"`` (4H, D), ``"weight_hh"`` (4H, H), and optionally
            ``"bias_ih"`` (4H,), ``"bias_hh"`` (4H,); same dtype as ``x``.

    Returns:
        ``(hs, c_T, cache)``: hidden states h_1..h_T (T, B, H) (a view into
        ``cache.h``: copy it before modifying it in place), the final cell state
        c_T (B, H), and a ``Cache`` for ``backward``.

    Raises:
        TypeError: an argument is not a float array of the parameters' dtype.
        ValueError: wrong shapes or NaN/inf values.

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> params = {"weight_ih": rng.normal(size=(20, 3)),
        ...           "weight_hh": rng.normal(size=(20, 5))}
        >>> h0 = c0 = np.zeros((2, 5))
        >>> hs, c_T, cache = forward(rng.normal(size=(4, 2, 3)), h0, c0, params)
        >>> hs.shape, c_T.shape, cache.gates.shape
        ((4, 2, 5), (2, 5), (4, 2, 20))
    """
    _check_inputs(x, h0, c0, params, ("x", "h0", "c0"), ("T", "B"))
    return _forward(x, h0, c0, params)


@_saturating
def _forward(x, h0, c0, params):
    """``forward`` without the input checks (the layers check once, up front).

    ``params`` may also hold ``"weight_hr"`` (P, H), the projection of
    ``torch.nn.LSTM(proj_size=P)``: then h_t = (o ⊙ tanh(c_t)) W_hr^T has P
    features, ``weight_hh`` is (4H, P) and h0 is (B, P).
    """
    T, B, _ = x.shape
    H, P = c0.shape[-1], h0.shape[-1]  # P = H without a projection
    W_hh_T = params["weight_hh"].T
    W_hr = params.get("weight_hr")  # (P, H) or None
    # x_t W_ih^T + b_ih + b_hh for all t; becomes the gates     (T, B, 4H)
    gates = _project_input(x, params["weight_ih"], _both_biases(params))
    # h[t] = h_t and c[t] = c_t for t = 0..T              (T+1, B, P), (T+1, B, H)
    h = np.empty((T + 1, B, P), dtype=x.dtype)
    c = np.empty((T + 1, B, H), dtype=x.dtype)
    h[0], c[0] = h0, c0
    tanh_c = np.empty((T, B, H), dtype=x.dtype)  # (T, B, H)
    # r[t] = o ⊙ tanh(c_t), the unprojected h_t                 (T, B, H)
    r = None if W_hr is None else np.empty((T, B, H), dtype=x.dtype)
    gates4 = gates.reshape(T, B, 4, H)  # the same memory as (T, B, 4, H)
    for t in range(T):
        a_t = gates[t]  # this step's slice of the block (a view)   (B, 4H)
        # a_t = (x_t W_ih^T + b_ih + b_hh) + h_{t-1} W_hh^T
        a_t += h[t] @ W_hh_T
        if W_hr is None:
            _gates_forward(gates4[t], c[t], c[t + 1], tanh_c[t], h[t + 1])
        else:
            _gates_forward(gates4[t], c[t], c[t + 1], tanh_c[t], r[t])
            # h_t = r_t W_hr^T                                   (B, P)
            np.matmul(r[t], W_hr.T, out=h[t + 1])
    # a copy of x: editing it in place before backward must not change the gradients
    return h[1:], c[T], Cache(np.array(x), h, c, gates, tanh_c, params, r)


def backward(dhs, dc_T, cache):
    """Backpropagation through time for ``forward``.

    Walking t = T..1, the gradients dh_t = dhs[t] + da_{t+1} W_hh and dc_t flow
    through ``step_backward``'s equations into the stacked gate gradient
    da_t (B, 4H). After the loop, ONE matrix product each gives dx = da W_ih,
    dW_ih = sum_t da_t^T x_t and dW_hh = sum_t da_t^T h_{t-1}; db = sum_{t,b} da.

    Args:
        dhs: gradient of the loss with respect to h_1..h_T, shape (T, B, H). A
            gradient on the final state h_T (``h_n``) is added to ``dhs[-1]`` by
            the caller.
        dc_T: gradient of the loss with respect to the final cell state c_T
            (``c_n``), shape (B, H); zeros if the loss does not use it.
        cache: the ``Cache`` returned by ``forward``.

    Returns:
        ``(dx, dh0, dc0, grads)``: shapes (T, B, D), (B, H), (B, H), and a dict
        with the same keys and shapes as ``params``.

    Raises:
        TypeError: a gradient is not an array of the forward pass's dtype.
        ValueError: a gradient has the wrong shape or contains NaN/inf.

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> params = {"weight_ih": rng.normal(size=(20, 3)),
        ...           "weight_hh": rng.normal(size=(20, 5))}
        >>> h0 = c0 = np.zeros((2, 5))
        >>> hs, c_T, cache = forward(rng.normal(size=(4, 2, 3)), h0, c0, params)
        >>> dx, dh0, dc0, grads = backward(np.ones_like(hs), np.zeros_like(c_T), cache)
        >>> dx.shape, dc0.shape, grads["weight_ih"].shape
        ((4, 2, 3), (2, 5), (20, 3))
    """
    h = cache.h
    check_array("dhs", dhs, h[1:].shape, h.dtype)
    check_array("dc_T", dc_T, h[0].shape, h.dtype)
    return _backward(dhs, dc_T, cache)


@_saturating
def _backward(dhs, dc_T, cache):
    """``backward`` without the input checks (and with the projection, if any)."""
    x, h, c, gates, tanh_c, params, r = cache
    T, B, D = x.shape
    H, P = c.shape[-1], h.shape[-1]  # P = H without a projection
    W_hh = params["weight_hh"]
    W_hr = params.get("weight_hr")  # (P, H) or None
    # da[t] = stacked gate gradient [da_i da_f da_g da_o] of step t  (T, B, 4H)
    da = np.empty_like(gates)
    # dL/dh_t of every step, kept for dW_hr                      (T, B, P)
    dh = None if W_hr is None else np.empty((T, B, P), dtype=h.dtype)
    # gradients reaching h_t (B, P) and c_t (B, H) from step t+1
    dh_next = np.zeros((B, P), dtype=h.dtype)
    dc_next = dc_T
    # the same memory as (T, B, 4, H)
    gates4, da4 = gates.reshape(T, B, 4, H), da.reshape(T, B, 4, H)
    for t in reversed(range(T)):
        # dL/dh_t = (loss at step t) + (through step t+1)
        dh_t = dhs[t] + dh_next
        if W_hr is not None:
            dh[t] = dh_t
            # h_t = r_t W_hr^T, so dL/dr_t = dh_t W_hr              (B, H)
            dh_t = dh_t @ W_hr
        dc_next = _gates_backward(dh_t, dc_next, gates4[t], c[t], tanh_c[t], da4[t])
        # dh_{t-1} = da_t W_hh
        dh_next = da[t] @ W_hh
    da_rows = da.reshape(T * B, 4 * H)
    # dx = da W_ih for all steps at once                       (T, B, D)
    dx = (da_rows @ params["weight_ih"]).reshape(T, B, D)
    grads = _param_grads(da_rows, x.reshape(T * B, D), h[:-1].reshape(T * B, P), params)
    if W_hr is not None:
        # dW_hr = sum_t dh_t^T r_t                                 (P, H)
        grads["weight_hr"] = dh.reshape(T * B, P).T @ r.reshape(T * B, H)
    return dx, dh_next, dc_next, grads
