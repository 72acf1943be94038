"""GRU cell: forward pass and backpropagation through time (BPTT), two conventions.

Row-vector form with PyTorch's gate order r, z, n. The reset and update gates are

    r = σ(x_t W_ir^T + b_ir + h_{t-1} W_hr^T + b_hr)
    z = σ(x_t W_iz^T + b_iz + h_{t-1} W_hz^T + b_hz)

and the candidate n depends on where the reset gate is applied:

    reset_after=True   (PyTorch, cuDNN, Keras reset_after=True, arXiv 1406.1078 v1;
                        the default, matches torch.nn.GRU):
        n = tanh(x_t W_in^T + b_in + r ⊙ (h_{t-1} W_hn^T + b_hn))
    reset_after=False  (Cho et al. 2014, arXiv 1406.1078 v3; d2l; TF1 GRUCell):
        n = tanh(x_t W_in^T + b_in + (r ⊙ h_{t-1}) W_hn^T + b_hn)

In both, z weights the OLD state (PyTorch's and d2l's convention):

    h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}

(Chung et al. 2014 and char-rnn write h_t = (1 - z) ⊙ h_{t-1} + z ⊙ n: the same
model with z replaced by 1 - z.) The two reset conventions are different models:
the same parameters give different numbers, and only reset_after=True can be
loaded into ``torch.nn.GRU``.

Shapes: T time steps, B batch rows, D input size, H hidden size. ``params`` holds
``"weight_ih"`` (3H, D) and ``"weight_hh"`` (3H, H) whose row blocks are the r, z,
n gates, and, when the cell has biases, ``"bias_ih"`` (3H,), ``"bias_hh"`` (3H,).
Gradients come back in a dict with the same keys.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validate import check_array, check_bool, check_cell_params
from .activations import dsigmoid, dtanh
from .rnn import _both_biases, _project_input, _saturating, _sigmoid_


class StepCache(NamedTuple):
    """What ``step_backward`` needs from ``step_forward``."""

    x_t: np.ndarray  # (B, D) input
    h_prev: np.ndarray  # (B, H) h_{t-1}
    gates: np.ndarray  # (B, 3H) gates [r z n]
    ah: np.ndarray | None  # (B, 3H) h_{t-1} W_hh^T + b_hh (reset_after=True)
    rh: np.ndarray | None  # (B, H) r ⊙ h_{t-1} (reset_after=False)
    params: dict  # the parameters used
    reset_after: bool  # which convention


class Cache(NamedTuple):
    """What ``backward`` needs from ``forward``."""

    x: np.ndarray  # (T, B, D) inputs
    h: np.ndarray  # (T+1, B, H) hidden states h_0..h_T
    gates: np.ndarray  # (T, B, 3H) gates [r z n] of every step
    ah: np.ndarray | None  # (T, B, 3H) h_{t-1} W_hh^T + b_hh (reset_after=True)
    rh: np.ndarray | None  # (T, B, H) r ⊙ h_{t-1} (reset_after=False)
    params: dict  # the parameters used
    reset_after: bool  # which convention


# ------------------------------------------------ shared helpers, reset_after=True


def _gates_forward_after(a, ah, h_prev, h_t):
    """One step of the PyTorch GRU on the stacked blocks (reset_after=True).

    a (B, 3, H): x_t W_ih^T + b_ih for the rows r, z, n, overwritten with the
    gates r, z, n. ah (B, 3, H): h_{t-1} W_hh^T + b_hh. h_t (B, H) is written.
    """
    r, z, n = a[:, 0], a[:, 1], a[:, 2]
    rz = a[:, :2]  # rows r and z together   (B, 2, H)
    # r, z = σ(x_t W_i^T + b_i + h_{t-1} W_h^T + b_h)
    rz += ah[:, :2]
    _sigmoid_(rz)
    # n = tanh(x_t W_in^T + b_in + r ⊙ (h_{t-1} W_hn^T + b_hn))
    n += r * ah[:, 2]
    np.tanh(n, out=n)
    # h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}  =  n + z ⊙ (h_{t-1} - n)
    np.subtract(h_prev, n, out=h_t)
    h_t *= z
    h_t += n


def _gates_backward_after(dh_t, gates, ah, h_prev, W_hh, dax, dah):
    """Backward of ``_gates_forward_after``; returns dh_{t-1} (B, H).

    dh_t (B, H); gates [r z n] and ah (B, 3, H) from the forward step. Writes the
    pre-activation gradients of the input side dax and the hidden side dah
    (B, 3, H); they differ only in the n row, where the hidden side is scaled by r.
    """
    r, z, n = gates[:, 0], gates[:, 1], gates[:, 2]
    da_r, da_z, da_n = dax[:, 0], dax[:, 1], dax[:, 2]
    # h_t = n + z ⊙ (h_{t-1} - n):  dn = dh_t ⊙ (1 - z);  n = tanh(a_n)
    # da_n = dh_t ⊙ (1 - z) ⊙ (1 - n²)
    np.multiply(dh_t * (1 - z), dtanh(n), out=da_n)
    # dz = dh_t ⊙ (h_{t-1} - n)
    np.subtract(h_prev, n, out=da_z)
    da_z *= dh_t
    # a_n = ... + r ⊙ (h_{t-1} W_hn^T + b_hn):  dr = da_n ⊙ (h_{t-1} W_hn^T + b_hn)
    np.multiply(da_n, ah[:, 2], out=da_r)
    # [da_r da_z] = [dr dz] ⊙ s (1 - s) for s = r, z   (both rows at once)
    da_rz = dax[:, :2]
    da_rz *= dsigmoid(gates[:, :2])
    # hidden side: the same for r and z; da_n ⊙ r for n
    dah[:, :2] = da_rz
    np.multiply(da_n, r, out=dah[:, 2])
    # dh_{t-1} = dh_t ⊙ z + dah W_hh
    return dh_t * z + dah.reshape(len(dah), -1) @ W_hh


# ----------------------------------------------- shared helpers, reset_after=False


def _gates_forward_before(a, h_prev, W_hh, rh, h_t):
    """One step of the Cho et al. (v3) / d2l GRU on the stacked block.

    a (B, 3, H): x_t W_ih^T + b_ih + b_hh for the rows r, z, n, overwritten with the
    gates r, z, n. rh (B, H) receives r ⊙ h_{t-1}; h_t (B, H) is written.
    """
    B, _, H = a.shape
    r, z, n = a[:, 0], a[:, 1], a[:, 2]
    rz = a[:, :2]  # rows r and z together   (B, 2, H)
    # r, z = σ(x_t W_i^T + b_i + b_h + h_{t-1} W_h^T)
    rz += (h_prev @ W_hh[: 2 * H].T).reshape(B, 2, H)
    _sigmoid_(rz)
    # n = tanh(x_t W_in^T + b_in + b_hn + (r ⊙ h_{t-1}) W_hn^T)
    np.multiply(r, h_prev, out=rh)
    n += rh @ W_hh[2 * H :].T
    np.tanh(n, out=n)
    # h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}  =  n + z ⊙ (h_{t-1} - n)
    np.subtract(h_prev, n, out=h_t)
    h_t *= z
    h_t += n


def _gates_backward_before(dh_t, gates, h_prev, W_hh, da):
    """Backward of ``_gates_forward_before``; returns dh_{t-1} (B, H).

    dh_t (B, H); gates [r z n] (B, 3, H) from the forward step. Writes the
    pre-activation gradients da (B, 3, H), shared by the input and hidden side.
    """
    B, _, H = da.shape
    r, z, n = gates[:, 0], gates[:, 1], gates[:, 2]
    da_r, da_z, da_n = da[:, 0], da[:, 1], da[:, 2]
    # h_t = n + z ⊙ (h_{t-1} - n):  dn = dh_t ⊙ (1 - z);  n = tanh(a_n)
    # da_n = dh_t ⊙ (1 - z) ⊙ (1 - n²)
    np.multiply(dh_t * (1 - z), dtanh(n), out=da_n)
    # dz = dh_t ⊙ (h_{t-1} - n)
    np.subtract(h_prev, n, out=da_z)
    da_z *= dh_t
    # a_n = ... + (r ⊙ h_{t-1}) W_hn^T:  d(r ⊙ h_{t-1}) = da_n W_hn
    drh = da_n @ W_hh[2 * H :]
    # dr = d(r ⊙ h_{t-1}) ⊙ h_{t-1}
    np.multiply(drh, h_prev, out=da_r)
    # [da_r da_z] = [dr dz] ⊙ s (1 - s) for s = r, z   (both rows at once)
    da_rz = da[:, :2]
    da_rz *= dsigmoid(gates[:, :2])
    # dh_{t-1} = dh_t ⊙ z + d(r ⊙ h_{t-1}) ⊙ r + [da_r da_z] W_h{r,z}
    return dh_t * z + drh * r + da[:, :2].reshape(B, 2 * H) @ W_hh[: 2 * H]


# ---------------------------------------------------------------- both conventions


def _input_bias(params, reset_after):
    """The bias added to the hoisted input projection.

    reset_after=True: b_ih only (b_hn must stay inside r ⊙ (...));
    reset_after=False: b_ih + b_hh (every hidden bias sits outside the reset gate).
    """
    if "bias_ih" not in params:
        return None
    return params["bias_ih"] if reset_after else _both_biases(params)


def _param_grads(dax, dah, x, h_prev, rh, params):
    """Parameter gradients, summed over rows N (B for a step, T*B for a sequence).

    dax, dah (N, 3H): input- and hidden-side pre-activation gradients (the same
    array for reset_after=False); x (N, D); h_prev (N, H); rh (N, H) is r ⊙ h_{t-1}
    for reset_after=False, None for reset_after=True.
    """
    H = h_prev.shape[-1]
    # dW_ih = dax^T x                                           (3H, D)
    grads = {"weight_ih": dax.T @ x}
    if rh is None:
        # dW_hh = dah^T h_{t-1}                                  (3H, H)
        grads["weight_hh"] = dah.T @ h_prev
    else:
        # dW_h{r,z} = da_{r,z}^T h_{t-1};  dW_hn = da_n^T (r ⊙ h_{t-1})
        grads["weight_hh"] = np.concatenate(
            [dah[:, : 2 * H].T @ h_prev, dah[:, 2 * H :].T @ rh]
        )
    if "bias_ih" in params:
        # db_ih = sum of dax over rows, db_hh = sum of dah     (3H,)
        grads["bias_ih"] = dax.sum(axis=0)
        grads["bias_hh"] = dah.sum(axis=0)
    return grads


def _check_inputs(x, h_prev, params, reset_after, names, lead):
    """Validate a step's (lead ("B",)) or a sequence's (lead ("T", "B")) inputs.

    D and H come from the parameters; x and h_prev must have their dtype. Returns H.
    """
    check_bool("reset_after", reset_after)
    D, H = check_cell_params(params, 3)
    x = check_array(names[0], x, (*lead, D), params["weight_hh"].dtype)
    check_array(names[1], h_prev, (x.shape[-2], H), x.dtype)
    return H


# ---------------------------------------------------------------- one time step


@_saturating
def step_forward(x_t, h_prev, params, reset_after=True):
    """One GRU step: h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}.

    r = σ(x_t W_ir^T + b_ir + h_{t-1} W_hr^T + b_hr),
    z = σ(x_t W_iz^T + b_iz + h_{t-1} W_hz^T + b_hz), and
    n = tanh(x_t W_in^T + b_in + r ⊙ (h_{t-1} W_hn^T + b_hn)) (reset_after=True,
    PyTorch) or n = tanh(x_t W_in^T + b_in + (r ⊙ h_{t-1}) W_hn^T + b_hn)
    (reset_after=False, Cho et al. v3 / d2l).

    Args:
        x_t: input at this step, shape (B, D).
        h_prev: previous hidden state h_{t-1}, shape (B, H).
        params: ``"weight_ih"`` (3H, D), ``"weight_hh"`` (3H, H), and optionally
            ``"bias_ih"`` (3H,), ``"bias_hh"`` (3H,); same dtype as ``x_t``.
        reset_after: where the reset gate is applied (see the module docstring).

    Returns:
        ``(h_t, cache)``: the new hidden state (B, H) and a ``StepCache``.

    Raises:
        TypeError: an argument is not a float array of the parameters' dtype,
            or ``reset_after`` is not a bool.
        ValueError: wrong shapes or NaN/inf values.

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> params = {"weight_ih": rng.normal(size=(15, 3)),
        ...           "weight_hh": rng.normal(size=(15, 5))}
        >>> h_t, cache = step_forward(np.ones((2, 3)), np.zeros((2, 5)), params)
        >>> h_t.shape, cache.gates.shape
        ((2, 5), (2, 15))
    """
    H = _check_inputs(x_t, h_prev, params, reset_after, ("x_t", "h_prev"), ("B",))
    B = x_t.shape[0]
    W_hh = params["weight_hh"]
    # x_t W_ih^T + b_ih (+ b_hh if reset_after=False); becomes the gates  (B, 3H)
    gates = _project_input(x_t, params["weight_ih"], _input_bias(params, reset_after))
    h_t = np.empty((B, H), dtype=x_t.dtype)  # (B, H)
    if reset_after:
        # h_{t-1} W_hh^T + b_hh                                   (B, 3H)
        ah = _project_input(h_prev, W_hh, params.get("bias_hh"))
        _gates_forward_after(gates.reshape(B, 3, H), ah.reshape(B, 3, H), h_prev, h_t)
        rh = None
    else:
        rh = np.empty((B, H), dtype=x_t.dtype)  # (B, H)
        _gates_forward_before(gates.reshape(B, 3, H), h_prev, W_hh, rh, h_t)
        ah = None
    # copies of the inputs: editing them in place before backward must not
    # change the gradients
    return h_t, StepCache(x_t.copy(), h_prev.copy(), gates, ah, rh, params,
                          bool(reset_after))


@_saturating
def step_backward(dh_t, cache):
    """Backward pass of one GRU step (either convention).

    From h_t = n + z ⊙ (h_{t-1} - n): da_n = dh_t ⊙ (1 - z) ⊙ (1 - n²),
    da_z = dh_t ⊙ (h_{t-1} - n) ⊙ z(1 - z); the reset gate gets
    dr = da_n ⊙ (h_{t-1} W_hn^T + b_hn) (reset_after=True) or
    dr = (da_n W_hn) ⊙ h_{t-1} (reset_after=False), da_r = dr ⊙ r(1 - r).
    dh_{t-1} collects dh_t ⊙ z and the paths through the three matrix products.

    Args:
        dh_t: gradient of the loss with respect to h_t, shape (B, H).
        cache: the ``StepCache`` returned by ``step_forward``.

    Returns:
        ``(dx_t, dh_prev, grads)``: shapes (B, D), (B, H), and a dict with the same
        keys and shapes as ``params``.

    Raises:
        TypeError: ``dh_t`` is not an array of the forward pass's dtype.
        ValueError: ``dh_t`` has the wrong shape or contains NaN/inf.

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> params = {"weight_ih": rng.normal(size=(15, 3)),
        ...           "weight_hh": rng.normal(size=(15, 5))}
        >>> h_t, cache = step_forward(np.ones((2, 3)), np.zeros((2, 5)), params,
        ...                           reset_after=False)
        >>> dx_t, dh_prev, grads = step_backward(np.ones((2, 5)), cache)
        >>> dx_t.shape, dh_prev.shape, grads["weight_hh"].shape
        ((2, 3), (2, 5), (15, 5))
    """
    x_t, h_prev, gates, ah, rh, params, reset_after = cache
    check_array("dh_t", dh_t, h_prev.shape, h_prev.dtype)
    B, H = h_prev.shape
    W_hh = params["weight_hh"]
    # dax: input-side pre-activation gradients [da_r da_z da_n]   (B, 3H)
    dax = np.empty_like(gates)
    if reset_after:
        # dah: hidden-side pre-activation gradients                 (B, 3H)
        dah = np.empty_like(gates)
        dh_prev = _gates_backward_after(dh_t, gates.reshape(B, 3, H),
                                        ah.reshape(B, 3, H), h_prev, W_hh,
                                        dax.reshape(B, 3, H), dah.reshape(B, 3, H))
    else:
        dah = dax
        dh_prev = _gates_backward_before(dh_t, gates.reshape(B, 3, H), h_prev, W_hh,
                                         dax.reshape(B, 3, H))
    # dx_t = dax W_ih                                               (B, D)
    dx_t = dax @ params["weight_ih"]
    grads = _param_grads(dax, dah, x_t, h_prev, rh, params)
    return dx_t, dh_prev, grads


# ---------------------------------------------------------------- a whole sequence


def forward(x, h0, params, reset_after=True):
    """Run the GRU over a whole sequence (``backward`` is its BPTT).

    For t = 1..T: h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}, gates as in ``step_forward``.

    The input projection x_t W_ih^T + b_ih of all T steps is ONE matrix product
    before the loop, stored as the stacked gate block (T, B, 3H); each step adds
    its hidden-side terms and applies the gate math in place.

    Args:
        x: inputs, time-major, shape (T, B, D).
        h0: initial hidden state, shape (B, H).
        params: ``"weight_ih"`` (3H, D), ``"weight_hh"`` (3H, H), and optionally
            ``"bias_ih"`` (3H,), ``"bias_hh"`` (3H,); same dtype as ``x``.
        reset_after: ``True`` (default) for PyTorch's GRU, ``False`` for
            Cho et al. (v3) / d2l (see the module docstring).

    Returns:
        ``(hs, cache)``: hidden states h_1..h_T, shape (T, B, H) (a view into
        ``cache.h``: copy it before modifying it in place), and a ``Cache``.

    Raises:
        TypeError: an argument is not a float array of the parameters' dtype,
            or ``reset_after`` is not a bool.
        ValueError: wrong shapes or NaN/inf values.

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> params = {"weight_ih": rng.normal(size=(15, 3)),
        ...           "weight_hh": rng.normal(size=(15, 5))}
        >>> x, h0 = rng.normal(size=(4, 2, 3)), np.zeros((2, 5))
        >>> hs, cache = forward(x, h0, params)
        >>> hs_d2l, _ = forward(x, h0, params, reset_after=False)
        >>> hs.shape, bool(np.allclose(hs, hs_d2l))
        ((4, 2, 5), False)
    """
    _check_inputs(x, h0, params, reset_after, ("x", "h0"), ("T", "B"))
    return _forward(x, h0, params, bool(reset_after))


@_saturating
def _forward(x, h0, params, reset_after):
    """``forward`` without the input checks (the layers check once, up front)."""
    T, B, _ = x.shape
    H = h0.shape[-1]
    W_hh = params["weight_hh"]
    # x_t W_ih^T + b_ih (+ b_hh) for all t; becomes the gates  (T, B, 3H)
    gates = _project_input(x, params["weight_ih"], _input_bias(params, reset_after))
    gates3 = gates.reshape(T, B, 3, H)  # the same memory as (T, B, 3, H)
    # h[0] = h_0, h[t] = h_t                                   (T+1, B, H)
    h = np.empty((T + 1, B, H), dtype=x.dtype)
    h[0] = h0
    if reset_after:
        # ah[t] = h_{t-1} W_hh^T + b_hh, starting from the bias    (T, B, 3H)
        ah = np.zeros((T, B, 3 * H), dtype=x.dtype)
        if "bias_hh" in params:
            ah[...] = params["bias_hh"]
        rh = None
        W_hh_T = W_hh.T
        ah3 = ah.reshape(T, B, 3, H)  # the same memory as (T, B, 3, H)
        for t in range(T):
            ah_t = ah[t]  # (B, 3H) view
            # ah_t = h_{t-1} W_hh^T + b_hh
            ah_t += h[t] @ W_hh_T
            _gates_forward_after(gates3[t], ah3[t], h[t], h[t + 1])
    else:
        ah = None
        rh = np.empty((T, B, H), dtype=x.dtype)  # rh[t] = r ⊙ h_{t-1}  (T, B, H)
        for t in range(T):
            _gates_forward_before(gates3[t], h[t], W_hh, rh[t], h[t + 1])
    # a copy of x: editing it in place before backward must not change the gradients
    return h[1:], Cache(np.array(x), h, gates, ah, rh, params, reset_after)


def backward(dhs, cache):
    """Backpropagation through time for ``forward`` (either convention).

    Walking t = T..1, dh_t = dhs[t] + (gradient through step t+1) flows through
    ``step_backward``'s equations into the stacked pre-activation gradients
    (T, B, 3H). After the loop, ONE matrix product each gives dx = dax W_ih,
    dW_ih = sum_t dax_t^T x_t and dW_hh (reset_after=True: sum_t dah_t^T h_{t-1};
    reset_after=False: the n rows use r ⊙ h_{t-1} instead of h_{t-1}).

    Args:
        dhs: gradient of the loss with respect to h_1..h_T, shape (T, B, H). A
            gradient on the final state h_T (``h_n``) is added to ``dhs[-1]`` by
            the caller.
        cache: the ``Cache`` returned by ``forward``.

    Returns:
        ``(dx, dh0, grads)``: shapes (T, B, D), (B, H), and a dict with the same
        keys and shapes as ``params``.

    Raises:
        TypeError: ``dhs`` is not an array of the forward pass's dtype.
        ValueError: ``dhs`` has the wrong shape or contains NaN/inf.

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> params = {"weight_ih": rng.normal(size=(15, 3)),
        ...           "weight_hh": rng.normal(size=(15, 5)),
        ...           "bias_ih": np.zeros(15), "bias_hh": np.zeros(15)}
        >>> hs, cache = forward(rng.normal(size=(4, 2, 3)), np.zeros((2, 5)), params)
        >>> dx, dh0, grads = backward(np.ones_like(hs), cache)
        >>> dx.shape, dh0.shape, grads["bias_hh"].shape
        ((4, 2, 3), (2, 5), (15,))
    """
    check_array("dhs", dhs, cache.h[1:].shape, cache.h.dtype)
    return _backward(dhs, cache)


@_saturating
def _backward(dhs, cache):
    """``backward`` without the input checks."""
    x, h, gates, ah, rh, params, reset_after = cache
    T, B, D = x.shape
    H = h.shape[-1]
    W_hh = params["weight_hh"]
    # dax[t]: input-side pre-activation gradients of step t    (T, B, 3H)
    dax = np.empty_like(gates)
    # dah[t]: hidden-side ones (the same array when reset_after=False)
    dah = np.empty_like(gates) if reset_after else dax
    # gradient reaching h_t from step t+1 (none after the last step)   (B, H)
    dh_next = np.zeros((B, H), dtype=h.dtype)
    # the same memory as (T, B, 3, H)
    gates3, dax3, dah3 = (a.reshape(T, B, 3, H) for a in (gates, dax, dah))
    ah3 = ah.reshape(T, B, 3, H) if reset_after else None
    for t in reversed(range(T)):
        # dL/dh_t = (loss at step t) + (through step t+1)
        dh_t = dhs[t] + dh_next
        if reset_after:
            dh_next = _gates_backward_after(dh_t, gates3[t], ah3[t], h[t], W_hh,
                                            dax3[t], dah3[t])
        else:
            dh_next = _gates_backward_before(dh_t, gates3[t], h[t], W_hh, dax3[t])
    dax_rows = dax.reshape(T * B, 3 * H)
    # dx = dax W_ih for all steps at once                      (T, B, D)
    dx = (dax_rows @ params["weight_ih"]).reshape(T, B, D)
    grads = _param_grads(dax_rows, dah.reshape(T * B, 3 * H), x.reshape(T * B, D),
                         h[:-1].reshape(T * B, H),
                         None if rh is None else rh.reshape(T * B, H), params)
    return dx, dh_next, grads
