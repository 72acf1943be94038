"""Multi-layer, optionally bidirectional RNN, LSTM and GRU layers mirroring torch.nn.

The cell math lives in ``rnnbook.rnn``, ``rnnbook.lstm`` and ``rnnbook.gru``; this
module only adds the plumbing that ``torch.nn.RNN``/``LSTM``/``GRU`` add around a
cell, in one base class shared by all three:

- layouts: time-major (T, B, D), ``batch_first`` (B, T, D), or unbatched (T, D);
- ``num_layers`` stacked layers, layer k > 0 reading the (T, B, dirs*H) output of
  layer k - 1;
- ``bidirectional``: a second set of parameters (suffix ``_reverse``) runs over the
  reversed sequence, and its outputs are flipped back and concatenated;
- parameters named and ordered like ``named_parameters()`` in PyTorch, e.g.
  ``weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, weight_ih_l0_reverse, ...``;
- ``backward``: BPTT through every layer and direction, returning the gradients of
  the input, the initial state(s) and every parameter.

One deliberate difference from torch.nn: NaN or inf in an input, a state, a
parameter or a gradient raises ``ValueError`` naming the argument, where torch
propagates it. A NaN is almost always a bug upstream; the error stops it where
it first appears.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import gru, lstm, rnn
from ._validate import (
    _shape_str,
    check_array,
    check_bool,
    check_choice,
    check_float_dtype,
    check_param_dict,
    check_positive_int,
    check_rng,
)


class _LayerCache(NamedTuple):
    """What ``backward`` needs from the last call."""

    caches: list  # one cell cache per (layer, direction), in parameter order
    T: int  # time steps
    B: int  # batch rows (1 for unbatched input)
    unbatched: bool  # the input was (T, D)


class _RNNBase:
    """Layer and direction plumbing shared by ``RNN``, ``LSTM`` and ``GRU``.

    A subclass sets ``_gates`` (G: 1, 4 or 3), ``_state_names`` (one name per
    recurrent state: h, or h and c) and implements ``_forward_direction`` and
    ``_backward_direction`` with its cell module.
    """

    _gates = 1
    _state_names = ("hx",)
    _grad_state_names = ("grad_h_n",)

    def __init__(self, mode, input_size, hidden_size, num_layers, bias, batch_first,
                 bidirectional, dtype, rng):
        self.mode = mode
        self.input_size = check_positive_int("input_size", input_size)
        self.hidden_size = check_positive_int("hidden_size", hidden_size)
        self.num_layers = check_positive_int("num_layers", num_layers)
        self.bias = check_bool("bias", bias)
        self.batch_first = check_bool("batch_first", batch_first)
        self.bidirectional = check_bool("bidirectional", bidirectional)
        self.dtype = check_float_dtype("dtype", dtype)
        rng = check_rng("rng", rng)
        # every parameter ~ U(-1/sqrt(H), 1/sqrt(H)), in torch's order
        k = 1.0 / np.sqrt(self.hidden_size)
        self.params = {
            name: rng.uniform(-k, k, size=shape).astype(self.dtype)
            for name, shape in self._param_shapes().items()
        }
        self._cache = None

    # ------------------------------------------------------------ parameters

    @property
    def _dirs(self):
        return 2 if self.bidirectional else 1

    def _keys(self):
        """The cell's parameter keys: weights, then biases if the layer has them."""
        keys = ["weight_ih", "weight_hh"]
        return keys + ["bias_ih", "bias_hh"] if self.bias else keys

    def _suffix(self, layer, direction):
        return f"_l{layer}" + ("_reverse" if direction else "")

    def _param_shapes(self):
        """Parameter name -> shape, in the order of torch's named_parameters()."""
        G, H = self._gates, self.hidden_size
        shapes = {}
        for layer in range(self.num_layers):
            D = self.input_size if layer == 0 else self._dirs * H
            cell = {"weight_ih": (G * H, D), "weight_hh": (G * H, H),
                    "bias_ih": (G * H,), "bias_hh": (G * H,)}
            for d in range(self._dirs):
                for key in self._keys():
                    shapes[key + self._suffix(layer, d)] = cell[key]
        return shapes

    def _cell_params(self, layer, direction):
        """The parameters of one (layer, direction), keyed like the cell modules."""
        suffix = self._suffix(layer, direction)
        return {key: self.params[key + suffix] for key in self._keys()}

    # ------------------------------------------------------------ cell hooks

    def _forward_direction(self, x, state0, params):
        """Run the cell over x (T, B, D) from state0 (tuple of (B, H)).

        Returns (hs (T, B, H), final states tuple, cache).
        """
        raise NotImplementedError

    def _backward_direction(self, dhs, dfinal_rest, cache):
        """BPTT of one direction; dhs (T, B, H) already includes the h_n gradient,
        dfinal_rest holds the gradients of the other final states (LSTM: c_n).

        Returns (dx (T, B, D), initial-state gradients tuple, grads).
        """
        raise NotImplementedError

    # ------------------------------------------------------------ checks

    def _check_x(self, x):
        """Check the input; return it time-major (T, B, D) and whether unbatched."""
        D = self.input_size
        batched = ("B", "T", D) if self.batch_first else ("T", "B", D)
        if isinstance(x, np.ndarray) and x.ndim not in (2, 3):
            raise ValueError(
                f"x: expected 3 dimensions with shape {_shape_str(batched)} or 2 "
                f"(unbatched) with shape (T, {D}), got {x.ndim} dimensions with "
                f"shape {_shape_str(x.shape)}"
            )
        unbatched = isinstance(x, np.ndarray) and x.ndim == 2
        check_array("x", x, ("T", D) if unbatched else batched, self.dtype)
        if x.size == 0:
            raise ValueError(
                f"x: expected at least one time step and one batch row, "
                f"got shape {_shape_str(x.shape)}"
            )
        if unbatched:
            return x[:, None, :], True
        return (x.transpose(1, 0, 2) if self.batch_first else x), False

    def _state_shape(self, B, unbatched):
        n = self.num_layers * self._dirs
        return (n, self.hidden_size) if unbatched else (n, B, self.hidden_size)

    def _check_states(self, value, names, shape, arg):
        """Check hx or grad_h_n; return a tuple with one array (or None) per state.

        RNN/GRU take one array; LSTM a pair whose entries may be None.
        """
        if len(names) == 1:
            return (None if value is None else check_array(names[0], value, shape,
                                                           self.dtype),)
        if value is None:
            return (None,) * len(names)
        if not isinstance(value, (tuple, list)) or len(value) != len(names):
            raise TypeError(
                f"{arg}: expected a tuple of {len(names)} numpy.ndarrays of shape "
                f"{_shape_str(shape)}, got {type(value).__name__}"
            )
        return tuple(None if v is None else check_array(n, v, shape, self.dtype)
                     for n, v in zip(names, value))

    def _pack(self, states):
        """One state -> the array itself; LSTM's two -> the tuple (h, c)."""
        return states[0] if len(states) == 1 else tuple(states)

    # ------------------------------------------------------------ forward

    def __call__(self, x, hx=None):
        """Run every layer and direction over the sequence, like torch.nn's forward.

        Layer k reads the (T, B, num_directions * H) output of layer k - 1; the
        reverse direction runs over x[::-1] and its outputs are flipped back before
        the two directions are concatenated along the features.

        Args:
            x: input, (T, B, D); (B, T, D) if ``batch_first``; or unbatched (T, D).
            hx: initial state h_0 of shape (num_layers * num_directions, B, H), or
                (num_layers * num_directions, H) for unbatched x; for the LSTM a
                pair ``(h_0, c_0)`` of such arrays. None (or a None entry) means
                zeros.

        Returns:
            ``(output, h_n)`` (LSTM: ``(output, (h_n, c_n))``): output is
            (T, B, num_directions * H) (batch_first: (B, T, ...); unbatched:
            (T, num_directions * H)); h_n (and c_n) have h_0's shape.

        Raises:
            TypeError: x or hx is not an array (pair for the LSTM) of float32/
                float64, or not of the layer's dtype.
            ValueError: wrong number of dimensions, feature size, state shape or
                batch size, an empty sequence, or NaN/inf values.
        """
        x, unbatched = self._check_x(x)
        T, B, _ = x.shape
        shape = self._state_shape(B, unbatched)
        zeros = np.zeros(shape, dtype=self.dtype)
        state0 = tuple(zeros if s is None else s for s in
                       self._check_states(hx, self._state_names, shape, "hx"))
        if unbatched:
            state0 = tuple(s[:, None, :] for s in state0)
        check_param_dict("params", self.params, self._param_shapes(), self.dtype)

        H, dirs = self.hidden_size, self._dirs
        # final states h_n (and c_n), one row per (layer, direction)   (L*dirs, B, H)
        final = [np.empty((self.num_layers * dirs, B, H), dtype=self.dtype)
                 for _ in self._state_names]
        caches = []
        layer_input = x  # (T, B, D), then (T, B, dirs*H)
        for layer in range(self.num_layers):
            outputs = []
            for d in range(dirs):
                k = layer * dirs + d
                # the reverse direction reads the sequence backwards
                x_d = layer_input[::-1] if d else layer_input
                hs, states, cache = self._forward_direction(
                    x_d, tuple(s[k] for s in state0), self._cell_params(layer, d))
                for f, s in zip(final, states):
                    f[k] = s
                # (T, B, H), flipped back to forward time for the reverse direction
                outputs.append(hs[::-1] if d else hs)
                caches.append(cache)
            # (T, B, dirs*H); a copy, so the caller cannot change the caches
            layer_input = np.concatenate(outputs, axis=-1)
        self._cache = _LayerCache(caches, T, B, unbatched)
        output = self._from_time_major(layer_input, unbatched)
        if unbatched:
            final = [f[:, 0] for f in final]
        return output, self._pack(final)

    def _from_time_major(self, a, unbatched):
        """(T, B, F) -> the caller's layout: (B, T, F), or (T, F) if unbatched."""
        if unbatched:
            return a[:, 0]
        return np.ascontiguousarray(a.transpose(1, 0, 2)) if self.batch_first else a

    # ------------------------------------------------------------ backward

    def backward(self, grad_output, grad_h_n=None):
        """Backpropagation through time through the last call, for every layer.

        The loss gradient reaching h_n is added to the last processed step of each
        direction; the two directions' input gradients add up (both read the same
        input); layer k's input gradient is layer k - 1's output gradient.

        Args:
            grad_output: dL/d(output), output's shape.
            grad_h_n: dL/d(h_n), h_n's shape, or None for zeros; for the LSTM a
                pair ``(dL/dh_n, dL/dc_n)`` whose entries may be None.

        Returns:
            ``(grad_input, grad_hx, grads)``: dL/dx with x's shape; dL/dh_0 with
            h_0's shape (LSTM: the pair ``(dL/dh_0, dL/dc_0)``); and a dict with
            the same keys, order and shapes as ``params``.

        Raises:
            RuntimeError: the layer has not been called yet.
            TypeError: a gradient is not a float array of the layer's dtype (or,
                for the LSTM, grad_h_n is not a pair).
            ValueError: a gradient has the wrong shape or contains NaN/inf.
        """
        if self._cache is None:
            raise RuntimeError(
                f"{type(self).__name__}.backward: no forward pass stored; call the "
                "layer on an input first, then backward"
            )
        caches, T, B, unbatched = self._cache
        H, dirs = self.hidden_size, self._dirs
        if unbatched:
            out_shape = (T, dirs * H)
        else:
            out_shape = (B, T, dirs * H) if self.batch_first else (T, B, dirs * H)
        check_array("grad_output", grad_output, out_shape, self.dtype)
        shape = self._state_shape(B, unbatched)
        dfinal = [np.zeros((self.num_layers * dirs, B, H), dtype=self.dtype)
                  if g is None else (g[:, None, :] if unbatched else g)
                  for g in self._check_states(grad_h_n, self._grad_state_names,
                                              shape, "grad_h_n")]

        # grad_output time-major                                   (T, B, dirs*H)
        if unbatched:
            d_out = grad_output[:, None, :]
        else:
            d_out = grad_output.transpose(1, 0, 2) if self.batch_first else grad_output
        dstate0 = [np.empty_like(f) for f in dfinal]  # (L*dirs, B, H) each
        grads = {}
        for layer in reversed(range(self.num_layers)):
            d_in = None
            for d in range(dirs):
                k = layer * dirs + d
                # this direction's slice of the output gradient, in processing order
                dhs = d_out[:, :, d * H:(d + 1) * H]
                dhs = np.array(dhs[::-1] if d else dhs)  # a copy   (T, B, H)
                # h_n is this direction's last hidden state
                dhs[-1] += dfinal[0][k]
                dx, ds0, g = self._backward_direction(
                    dhs, tuple(f[k] for f in dfinal[1:]), caches[k])
                for arr, s in zip(dstate0, ds0):
                    arr[k] = s
                suffix = self._suffix(layer, d)
                grads.update({key + suffix: v for key, v in g.items()})
                dx = dx[::-1] if d else dx
                # both directions read the same input: their gradients add
                d_in = dx if d_in is None else d_in + dx
            d_out = d_in
        grad_input = self._from_time_major(d_out, unbatched)
        if unbatched:
            dstate0 = [s[:, 0] for s in dstate0]
        grads = {name: grads[name] for name in self.params}
        return grad_input, self._pack(dstate0), grads

    def __repr__(self):
        args = [str(self.input_size), str(self.hidden_size)]
        if self.num_layers != 1:
            args.append(f"num_layers={self.num_layers}")
        args += self._extra_repr()
        for name, default in (("bias", True), ("batch_first", False),
                              ("bidirectional", False)):
            if getattr(self, name) != default:
                args.append(f"{name}={getattr(self, name)}")
        if self.dtype != np.float64:
            args.append(f"dtype={self.dtype.name}")
        return f"{type(self).__name__}({', '.join(args)})"

    def _extra_repr(self):
        return []


class RNN(_RNNBase):
    """Elman RNN layer, like ``torch.nn.RNN``.

    h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) in every layer (relu
    instead of tanh with ``nonlinearity="relu"``). Parameters per layer k and
    direction (suffix ``_reverse`` for the second direction): ``weight_ih_l{k}``
    (H, D_k), ``weight_hh_l{k}`` (H, H), ``bias_ih_l{k}`` (H,), ``bias_hh_l{k}``
    (H,), where D_0 = input_size and D_k = num_directions * H for k > 0. All are
    initialised U(-1/sqrt(H), 1/sqrt(H)) as in PyTorch.

    Args:
        input_size: D, features per time step.
        hidden_size: H.
        num_layers: stacked layers.
        nonlinearity: ``"tanh"`` or ``"relu"``.
        bias: whether the layer has ``bias_ih``/``bias_hh``.
        batch_first: input and output are (B, T, ...) instead of (T, B, ...).
        bidirectional: add a reverse direction; outputs have 2H features.
        dtype: ``np.float64`` (default) or ``np.float32``; inputs must match.
        rng: ``numpy.random.Generator`` for the initialisation (None: fresh).

    Calling ``layer(x, hx=None)`` returns ``(output, h_n)``:
        x: (T, B, D), (B, T, D) if batch_first, or unbatched (T, D).
        hx: initial state h_0, (num_layers * num_directions, B, H), or
            (num_layers * num_directions, H) for unbatched input; zeros if None.
        output: the last layer's h_t for every t, (T, B, num_directions * H)
            ((B, T, ...) if batch_first; (T, num_directions * H) unbatched).
        h_n: the final state of every layer and direction, hx's shape.

    ``layer.backward(grad_output, grad_h_n=None)`` returns
    ``(grad_input, grad_hx, grads)``: the gradients of x (x's shape), of hx (h_0's
    shape) and of every parameter (a dict keyed like ``params``), given the loss
    gradients with respect to output and (optionally) h_n. It uses the last call.

    Raises:
        TypeError: a constructor argument has the wrong type; x, hx or a gradient
            is not a float array of the layer's dtype; hx is not an array.
        ValueError: wrong shapes (ndim, feature size, state shape, batch size),
            NaN/inf values, a bad ``nonlinearity``, or a non-positive size.
        RuntimeError: ``backward`` before any call.

    Example:
        >>> layer = RNN(3, 5, num_layers=2, rng=np.random.default_rng(0))
        >>> x = np.random.default_rng(1).normal(size=(4, 2, 3))   # (T, B, D)
        >>> output, h_n = layer(x)
        >>> output.shape, h_n.shape
        ((4, 2, 5), (2, 2, 5))
        >>> grad_input, grad_hx, grads = layer.backward(np.ones_like(output))
        >>> grad_input.shape, list(grads)[:2]
        ((4, 2, 3), ['weight_ih_l0', 'weight_hh_l0'])
    """

    _gates = 1

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh",
                 bias=True, batch_first=False, bidirectional=False, *,
                 dtype=np.float64, rng=None):
        self.nonlinearity = check_choice("nonlinearity", nonlinearity,
                                         rnn.NONLINEARITIES)
        super().__init__("RNN_" + nonlinearity.upper(), input_size, hidden_size,
                         num_layers, bias, batch_first, bidirectional, dtype, rng)

    def _forward_direction(self, x, state0, params):
        (h0,) = state0
        hs, cache = rnn._forward(x, h0, params, self.nonlinearity)
        return hs, (hs[-1],), cache

    def _backward_direction(self, dhs, dfinal_rest, cache):
        dx, dh0, grads = rnn._backward(dhs, cache)
        return dx, (dh0,), grads

    def _extra_repr(self):
        return [] if self.nonlinearity == "tanh" else ["nonlinearity='relu'"]


class LSTM(_RNNBase):
    """LSTM layer, like ``torch.nn.LSTM``.

    c_t = f ⊙ c_{t-1} + i ⊙ g and h_t = o ⊙ tanh(c_t) in every layer. The gates
    come from one stacked pre-activation
    a_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh (B, 4H) with rows in the order
    i, f, g, o: i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o). Parameters per
    layer k and direction: ``weight_ih_l{k}`` (4H, D_k), ``weight_hh_l{k}``
    (4H, H), ``bias_ih_l{k}`` (4H,), ``bias_hh_l{k}`` (4H,) (suffix ``_reverse``
    for the second direction; D_0 = input_size, D_k = num_directions * H),
    initialised U(-1/sqrt(H), 1/sqrt(H)) as in PyTorch.

    Args:
        input_size: D, features per time step.
        hidden_size: H.
        num_layers: stacked layers.
        bias: whether the layer has ``bias_ih``/``bias_hh``.
        batch_first: input and output are (B, T, ...) instead of (T, B, ...).
        bidirectional: add a reverse direction; outputs have 2H features.
        dtype: ``np.float64`` (default) or ``np.float32``; inputs must match.
        rng: ``numpy.random.Generator`` for the initialisation (None: fresh).

    Calling ``layer(x, hx=None)`` returns ``(output, (h_n, c_n))``:
        x: (T, B, D), (B, T, D) if batch_first, or unbatched (T, D).
        hx: a pair ``(h_0, c_0)``, each (num_layers * num_directions, B, H), or
            (num_layers * num_directions, H) for unbatched input; zeros if None
            (either entry may be None too).
        output: the last layer's h_t for every t, (T, B, num_directions * H)
            ((B, T, ...) if batch_first; (T, num_directions * H) unbatched).
        h_n, c_n: final hidden and cell states, h_0's shape.

    ``layer.backward(grad_output, grad_h_n=None)`` returns
    ``(grad_input, (grad_h0, grad_c0), grads)``; ``grad_h_n`` is a pair
    ``(grad of h_n, grad of c_n)`` whose entries may be None. It uses the last call.

    Raises:
        TypeError: a constructor argument has the wrong type; x, a state or a
            gradient is not a float array of the layer's dtype; hx is not a pair.
        ValueError: wrong shapes (ndim, feature size, state shape, batch size),
            NaN/inf values, or a non-positive size.
        RuntimeError: ``backward`` before any call.

    Example:
        >>> layer = LSTM(3, 5, bidirectional=True, rng=np.random.default_rng(0))
        >>> x = np.random.default_rng(1).normal(size=(4, 2, 3))   # (T, B, D)
        >>> output, (h_n, c_n) = layer(x)
        >>> output.shape, h_n.shape, c_n.shape
        ((4, 2, 10), (2, 2, 5), (2, 2, 5))
        >>> grad_input, (grad_h0, grad_c0), grads = layer.backward(
        ...     np.ones_like(output), (None, np.ones_like(c_n)))
        >>> grad_input.shape, grad_c0.shape, grads["weight_hh_l0_reverse"].shape
        ((4, 2, 3), (2, 2, 5), (20, 5))
    """

    _gates = 4
    _state_names = ("hx[0] (h_0)", "hx[1] (c_0)")
    _grad_state_names = ("grad_h_n[0] (h_n)", "grad_h_n[1] (c_n)")

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True,
                 batch_first=False, bidirectional=False, *, dtype=np.float64,
                 rng=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias,
                         batch_first, bidirectional, dtype, rng)

    def _forward_direction(self, x, state0, params):
        h0, c0 = state0
        hs, c_T, cache = lstm._forward(x, h0, c0, params)
        return hs, (hs[-1], c_T), cache

    def _backward_direction(self, dhs, dfinal_rest, cache):
        (dc_T,) = dfinal_rest
        dx, dh0, dc0, grads = lstm._backward(dhs, dc_T, cache)
        return dx, (dh0, dc0), grads


class GRU(_RNNBase):
    """GRU layer, like ``torch.nn.GRU``: h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}.

    Gates in the order r, z, n: r = σ(x_t W_ir^T + b_ir + h_{t-1} W_hr^T + b_hr),
    z = σ(x_t W_iz^T + b_iz + h_{t-1} W_hz^T + b_hz), and
    n = tanh(x_t W_in^T + b_in + r ⊙ (h_{t-1} W_hn^T + b_hn)) with
    ``reset_after=True`` (PyTorch, the default), or
    n = tanh(x_t W_in^T + b_in + (r ⊙ h_{t-1}) W_hn^T + b_hn) with
    ``reset_after=False`` (Cho et al. 2014 v3, d2l), a different model that
    ``torch.nn.GRU`` cannot represent. z weights the old state. Parameters per
    layer k and direction: ``weight_ih_l{k}`` (3H, D_k), ``weight_hh_l{k}``
    (3H, H), ``bias_ih_l{k}`` (3H,), ``bias_hh_l{k}`` (3H,) (suffix ``_reverse``
    for the second direction), initialised U(-1/sqrt(H), 1/sqrt(H)).

    Args:
        input_size: D, features per time step.
        hidden_size: H.
        num_layers: stacked layers.
        bias: whether the layer has ``bias_ih``/``bias_hh``.
        batch_first: input and output are (B, T, ...) instead of (T, B, ...).
        bidirectional: add a reverse direction; outputs have 2H features.
        dtype: ``np.float64`` (default) or ``np.float32``; inputs must match.
        rng: ``numpy.random.Generator`` for the initialisation (None: fresh).
        reset_after: where the reset gate is applied (see above).

    Calling ``layer(x, hx=None)`` returns ``(output, h_n)`` and
    ``layer.backward(grad_output, grad_h_n=None)`` returns
    ``(grad_input, grad_hx, grads)``, with the shapes described for ``RNN``
    (``x`` (T, B, D), (B, T, D) or (T, D); ``hx`` and ``h_n``
    (num_layers * num_directions, B, H); ``output`` (T, B, num_directions * H)).

    Raises:
        TypeError: a constructor argument has the wrong type; x, hx or a gradient
            is not a float array of the layer's dtype; hx is not an array.
        ValueError: wrong shapes (ndim, feature size, state shape, batch size),
            NaN/inf values, or a non-positive size.
        RuntimeError: ``backward`` before any call.

    Example:
        >>> layer = GRU(3, 5, batch_first=True, rng=np.random.default_rng(0))
        >>> x = np.random.default_rng(1).normal(size=(2, 4, 3))   # (B, T, D)
        >>> output, h_n = layer(x)
        >>> output.shape, h_n.shape
        ((2, 4, 5), (1, 2, 5))
        >>> grad_input, grad_hx, grads = layer.backward(np.ones_like(output), h_n)
        >>> grad_input.shape, grad_hx.shape
        ((2, 4, 3), (1, 2, 5))
    """

    _gates = 3

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True,
                 batch_first=False, bidirectional=False, *, dtype=np.float64,
                 rng=None, reset_after=True):
        self.reset_after = check_bool("reset_after", reset_after)
        super().__init__("GRU", input_size, hidden_size, num_layers, bias,
                         batch_first, bidirectional, dtype, rng)

    def _forward_direction(self, x, state0, params):
        (h0,) = state0
        hs, cache = gru._forward(x, h0, params, self.reset_after)
        return hs, (hs[-1],), cache

    def _backward_direction(self, dhs, dfinal_rest, cache):
        dx, dh0, grads = gru._backward(dhs, cache)
        return dx, (dh0,), grads

    def _extra_repr(self):
        return [] if self.reset_after else ["reset_after=False"]
