"""Multi-layer, optionally bidirectional RNN, LSTM and GRU layers mirroring torch.nn.

The cell math lives in ``rnnbook.rnn``, ``rnnbook.lstm`` and ``rnnbook.gru``; this
module only adds the plumbing that ``torch.nn.RNN``/``LSTM``/``GRU`` add around a
cell, in one base class shared by all three:

- layouts: time-major (T, B, D), ``batch_first`` (B, T, D), or unbatched (T, D);
- ``num_layers`` stacked layers, layer k > 0 reading the (T, B, dirs*H) output of
  layer k - 1;
- ``bidirectional``: a second set of parameters (suffix ``_reverse``) runs over the
  reversed sequence, and its outputs are flipped back and concatenated;
- ``dropout`` between stacked layers in training mode (``train()``/``eval()``);
- a ``PackedSequence`` input (``rnnbook.packing``): the batch runs sorted by
  length, in segments of time in which the same sequences run, so every
  sequence stops at its own last step;
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

import warnings
from typing import NamedTuple, Optional

import numpy as np

from . import gru, lstm, packing, rnn
from ._validate import (
    _shape_str,
    check_array,
    check_bool,
    check_choice,
    check_float_dtype,
    check_param_dict,
    check_positive_float,
    check_positive_int,
    check_rng,
)
from .packing import PackedSequence, _check_packed, _reverse_each, _segments


class _LayerCache(NamedTuple):
    """What ``backward`` needs from the last call."""

    caches: list  # per (layer, direction), in parameter order: one cache per segment
    masks: list  # per layer: the dropout mask applied to its input, or None
    lengths: np.ndarray  # (B,) steps of each sequence (all T unless packed), sorted
    T: int  # time steps
    B: int  # batch rows (1 for unbatched input)
    unbatched: bool  # the input was (T, D)
    packed: Optional[PackedSequence]  # the packed input, or None


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
                 bidirectional, dropout, dtype, rng):
        self.mode = mode
        self.input_size = check_positive_int("input_size", input_size)
        self.hidden_size = check_positive_int("hidden_size", hidden_size)
        self.num_layers = check_positive_int("num_layers", num_layers)
        self.bias = check_bool("bias", bias)
        self.batch_first = check_bool("batch_first", batch_first)
        self.bidirectional = check_bool("bidirectional", bidirectional)
        self.dropout = check_positive_float("dropout", dropout, allow_zero=True)
        if self.dropout > 1:
            raise ValueError(
                f"dropout: expected a probability in [0, 1], got {dropout}")
        if self.dropout and self.num_layers == 1:
            warnings.warn(f"dropout={dropout} with num_layers=1 does nothing: dropout "
                          "acts between stacked layers (torch warns the same)",
                          UserWarning, stacklevel=3)
        self.training = True  # as a new torch module: dropout is on until eval()
        self.dtype = check_float_dtype("dtype", dtype)
        # the generator of the initialisation, then of the dropout masks
        self.rng = check_rng("rng", rng)
        # every parameter ~ U(-1/sqrt(H), 1/sqrt(H)), in torch's order
        k = 1.0 / np.sqrt(self.hidden_size)
        self.params = {
            name: self.rng.uniform(-k, k, size=shape).astype(self.dtype)
            for name, shape in self._param_shapes().items()
        }
        self._cache = None

    def train(self, mode=True):
        """Training mode (dropout between layers on); returns the layer, as torch."""
        self.training = check_bool("mode", mode)
        return self

    def eval(self):
        """Evaluation mode (no dropout); returns the layer, as torch."""
        return self.train(False)

    # ------------------------------------------------------------ parameters

    @property
    def _dirs(self):
        return 2 if self.bidirectional else 1

    @property
    def _out_size(self):
        """Features of h per direction: H (the LSTM's proj_size if it has one)."""
        return self.hidden_size

    @property
    def _state_sizes(self):
        """Last dimension of each recurrent state: (H,); the LSTM's (h, c) sizes."""
        return (self._out_size,)

    def _keys(self):
        """The cell's parameter keys: weights, then biases if the layer has them."""
        keys = ["weight_ih", "weight_hh"]
        return keys + ["bias_ih", "bias_hh"] if self.bias else keys

    def _suffix(self, layer, direction):
        return f"_l{layer}" + ("_reverse" if direction else "")

    def _param_shapes(self):
        """Parameter name -> shape, in the order of torch's named_parameters()."""
        G, H, P = self._gates, self.hidden_size, self._out_size
        shapes = {}
        for layer in range(self.num_layers):
            D = self.input_size if layer == 0 else self._dirs * P
            cell = {"weight_ih": (G * H, D), "weight_hh": (G * H, P),
                    "bias_ih": (G * H,), "bias_hh": (G * H,), "weight_hr": (P, H)}
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
        """Run the cell over x (T, B, D) from state0 (tuple of (B, size)).

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

    def _unpack_checked(self, name, packed, features):
        """Check a PackedSequence whose data is (N, features); return it padded,
        time-major, in sorted order (T, B, features), and its lengths (B,)."""
        data, batch_sizes = _check_packed(name, packed)[:2]
        check_array(f"{name}.data", data, ("N", features), self.dtype)
        return packing._unpack_time_major(data, batch_sizes), packing._lengths(
            batch_sizes)

    def _state_shapes(self, B, unbatched):
        n = self.num_layers * self._dirs
        return [(n, size) if unbatched else (n, B, size) for size in self._state_sizes]

    def _check_states(self, value, names, shapes, arg):
        """Check hx or grad_h_n; return a tuple with one array (or None) per state.

        RNN/GRU take one array; LSTM a pair (tuple or list) whose entries may be None.
        """
        if len(names) == 1:
            return (None if value is None else check_array(names[0], value, shapes[0],
                                                           self.dtype),)
        if value is None:
            return (None,) * len(names)
        if not isinstance(value, (tuple, list)) or len(value) != len(names):
            described = sorted(set(map(_shape_str, shapes)))
            raise TypeError(
                f"{arg}: expected a tuple of {len(names)} numpy.ndarrays of shape "
                f"{' and '.join(described)}, got {type(value).__name__}"
            )
        return tuple(None if v is None else check_array(n, v, s, self.dtype)
                     for n, v, s in zip(names, value, shapes))

    def _pack(self, states):
        """One state -> the array itself; LSTM's two -> the tuple (h, c)."""
        return states[0] if len(states) == 1 else tuple(states)

    # ------------------------------------------------------------ forward

    def __call__(self, x, hx=None):
        """Run every layer and direction over the sequence, like torch.nn's forward.

        Layer k reads the (T, B, num_directions * H) output of layer k - 1 (in
        training mode with ``dropout`` > 0, after inverted dropout); the reverse
        direction runs over each sequence backwards and its outputs are flipped
        back before the two directions are concatenated along the features.

        Args:
            x: input, (T, B, D); (B, T, D) if ``batch_first``; or unbatched (T, D);
                or a ``PackedSequence`` whose data is (N, D): then every sequence
                runs for its own length only.
            hx: initial state h_0 of shape (num_layers * num_directions, B, H), or
                (num_layers * num_directions, H) for unbatched x; for the LSTM a
                pair ``(h_0, c_0)`` of such arrays (h_0 has proj_size features if
                the LSTM has a projection). None (or a None entry) means zeros.
                Rows follow the caller's batch order, also for packed input.

        Returns:
            ``(output, h_n)`` (LSTM: ``(output, (h_n, c_n))``): output is
            (T, B, num_directions * H) (batch_first: (B, T, ...); unbatched:
            (T, num_directions * H); packed input: a ``PackedSequence`` like x
            whose data is (N, num_directions * H)); h_n (and c_n) have h_0's
            shape and hold each sequence's last real step.

        Raises:
            TypeError: x or hx is not an array (pair for the LSTM) of float32/
                float64, or not of the layer's dtype.
            ValueError: wrong number of dimensions, feature size, state shape or
                batch size, an empty sequence, or NaN/inf values.
        """
        packed = x if isinstance(x, PackedSequence) else None
        if packed is None:
            x, unbatched = self._check_x(x)
            lengths = np.full(x.shape[1], x.shape[0])  # every row runs all T steps
        else:
            x, lengths = self._unpack_checked("x", packed, self.input_size)
            unbatched = False
        T, B, _ = x.shape
        shapes = self._state_shapes(B, unbatched)
        state0 = [np.zeros(shape, dtype=self.dtype) if s is None else s
                  for s, shape in zip(self._check_states(
                      hx, self._state_names, shapes, "hx"), shapes)]
        check_param_dict("params", self.params, self._param_shapes(), self.dtype)

        output, final, caches, masks = self._forward_layers(
            x, self._states_in(state0, unbatched, packed), lengths)
        self._cache = _LayerCache(caches, masks, lengths, T, B, unbatched, packed)
        return (self._sequence_out(output, unbatched, packed),
                self._pack(self._states_out(final, unbatched, packed)))

    def _states_in(self, states, unbatched, packed):
        """Caller's states (L*dirs, [B,] .) -> processing order (L*dirs, B, .)."""
        if unbatched:
            return [s[:, None, :] for s in states]
        if packed is not None and packed.sorted_indices is not None:
            # the layers run the batch sorted by length: sort the rows the same way
            return [s[:, packed.sorted_indices] for s in states]
        return list(states)

    def _states_out(self, states, unbatched, packed):
        """The inverse of ``_states_in``: back to the caller's shape and order."""
        if unbatched:
            return [s[:, 0] for s in states]
        if packed is not None and packed.unsorted_indices is not None:
            return [s[:, packed.unsorted_indices] for s in states]
        return list(states)

    def _sequence_out(self, a, unbatched, packed):
        """(T, B, F) in processing order -> the caller's layout: a PackedSequence
        like the input, (B, T, F) if batch_first, or (T, F) if unbatched."""
        if packed is not None:
            data = packing._pack_time_major(a, packed.batch_sizes)  # (N, F)
            return PackedSequence(data, *packed[1:])
        if unbatched:
            return a[:, 0]
        return np.ascontiguousarray(a.transpose(1, 0, 2)) if self.batch_first else a

    def _forward_layers(self, x, state0, lengths):
        """The layer and direction loop over x (T, B, D), time-major, rows sorted
        by decreasing length.

        Returns the last layer's output (T, B, dirs*H), the final states, the
        cell caches and the dropout masks.
        """
        dirs = self._dirs
        # final states h_n (and c_n), one row per (layer, direction)   (L*dirs, B, .)
        final = [np.empty_like(s) for s in state0]
        caches, masks = [], []
        layer_input = x  # (T, B, D), then (T, B, dirs*H)
        for layer in range(self.num_layers):
            mask = self._dropout_mask(layer_input.shape) if layer > 0 else None
            if mask is not None:
                # inverted dropout between layers: x <- x ⊙ mask
                layer_input = layer_input * mask
            masks.append(mask)
            outputs = []
            for d in range(dirs):
                k = layer * dirs + d
                # the reverse direction reads each sequence backwards
                x_d = _reverse_each(layer_input, lengths) if d else layer_input
                hs, states, cache = self._run_direction(
                    x_d, tuple(s[k] for s in state0), self._cell_params(layer, d),
                    lengths)
                for f, s in zip(final, states):
                    f[k] = s
                # (T, B, H), flipped back to forward time for the reverse direction
                outputs.append(_reverse_each(hs, lengths) if d else hs)
                caches.append(cache)
            # (T, B, dirs*H); a copy, so the caller cannot change the caches
            layer_input = np.concatenate(outputs, axis=-1)
        return layer_input, final, caches, masks

    def _dropout_mask(self, shape):
        """The inverted-dropout mask for a layer's input, or None (no dropout).

        Each value is kept with probability 1 - p and then scaled by 1 / (1 - p),
        so the mask's expected value is 1; drawn from the layer's own ``rng``.
        """
        p = self.dropout
        if not (self.training and p > 0):
            return None
        keep = self.rng.random(shape) >= p  # True with probability 1 - p
        # mask = keep / (1 - p)   (all zeros for p = 1)
        scale = 1.0 / (1.0 - p) if p < 1 else 0.0
        return (keep * scale).astype(self.dtype)

    def _run_direction(self, x, state0, params, lengths):
        """Run one direction over x (T, B, D); sequence b has lengths[b] real steps.

        The lengths are sorted in decreasing order, so at step t the running
        sequences are the first rows. The steps are run in segments in which
        the same rows run, each one call of the cell over a whole stretch of
        time; a sequence that has ended keeps its final state.

        Returns (hs (T, B, H), zeros past each end; final states; segment caches).
        """
        states = [s.copy() for s in state0]  # each row's current state   (B, .)
        hs = np.zeros((x.shape[0], x.shape[1], self._out_size), dtype=self.dtype)
        caches = []
        for t0, t1, n in _segments(lengths):
            out, final, cache = self._forward_direction(
                x[t0:t1, :n], tuple(s[:n] for s in states), params)
            hs[t0:t1, :n] = out
            for s, f in zip(states, final):
                s[:n] = f
            caches.append(cache)
        return hs, tuple(states), caches

    def _backprop_direction(self, dhs, dfinal, caches, lengths):
        """BPTT of ``_run_direction``, segment by segment from the last.

        dhs (T, B, H): gradient of every output; dfinal: gradients of the final
        states (B, .). Returns (dx (T, B, D), initial-state gradients, grads).
        """
        dstates = [d.copy() for d in dfinal]  # gradient reaching each row's state
        dx, grads = None, {}
        for (t0, t1, n), cache in reversed(list(zip(_segments(lengths), caches))):
            d_seg = dhs[t0:t1, :n].copy()
            # h leaving the segment is its last step's output
            d_seg[-1] += dstates[0][:n]
            dx_seg, ds0, g = self._backward_direction(
                d_seg, tuple(s[:n] for s in dstates[1:]), cache)
            if dx is None:
                dx = np.zeros((*dhs.shape[:2], dx_seg.shape[-1]), dtype=self.dtype)
            dx[t0:t1, :n] = dx_seg
            for s, v in zip(dstates, ds0):
                s[:n] = v
            # every segment uses the same parameters: their gradients add
            grads = {key: grads.get(key, 0) + v for key, v in g.items()}
        return dx, tuple(dstates), grads

    # ------------------------------------------------------------ backward

    def backward(self, grad_output, grad_h_n=None):
        """Backpropagation through time through the last call, for every layer.

        The loss gradient reaching h_n is added to the last real step of each
        sequence and direction; the two directions' input gradients add up (both
        read the same input); layer k's input gradient, through its dropout
        mask, is layer k - 1's output gradient.

        Args:
            grad_output: dL/d(output), output's shape; a ``PackedSequence`` like
                the output if the input was packed.
            grad_h_n: dL/d(h_n), h_n's shape, or None for zeros; for the LSTM a
                pair ``(dL/dh_n, dL/dc_n)`` whose entries may be None.

        Returns:
            ``(grad_input, grad_hx, grads)``: dL/dx with x's shape (a
            ``PackedSequence`` like x for packed input); dL/dh_0 with h_0's
            shape (LSTM: the pair ``(dL/dh_0, dL/dc_0)``); and a dict with the
            same keys, order and shapes as ``params``.

        Raises:
            RuntimeError: the layer has not been called yet.
            TypeError: a gradient is not a float array of the layer's dtype (or,
                for the LSTM, grad_h_n is not a pair; or not a PackedSequence
                after a packed input).
            ValueError: a gradient has the wrong shape or contains NaN/inf, or
                a packed gradient has other batch_sizes or indices than the output.
        """
        if self._cache is None:
            raise RuntimeError(
                f"{type(self).__name__}.backward: no forward pass stored; call the "
                "layer on an input first, then backward"
            )
        caches, masks, lengths, T, B, unbatched, packed = self._cache
        P, dirs = self._out_size, self._dirs
        d_out = self._check_grad_output(grad_output, dirs * P)  # (T, B, dirs*P)
        shapes = self._state_shapes(B, unbatched)
        dfinal = self._states_in(
            [np.zeros(shape, dtype=self.dtype) if g is None else g
             for g, shape in zip(self._check_states(
                 grad_h_n, self._grad_state_names, shapes, "grad_h_n"), shapes)],
            unbatched, packed)

        dstate0 = [np.empty_like(f) for f in dfinal]  # (L*dirs, B, .) each
        grads = {}
        for layer in reversed(range(self.num_layers)):
            d_in = None
            for d in range(dirs):
                k = layer * dirs + d
                # this direction's slice of the output gradient, in processing order
                dhs = d_out[:, :, d * P:(d + 1) * P]
                dhs = _reverse_each(dhs, lengths) if d else dhs
                dx, ds0, g = self._backprop_direction(
                    dhs, tuple(f[k] for f in dfinal), caches[k], lengths)
                for arr, s in zip(dstate0, ds0):
                    arr[k] = s
                suffix = self._suffix(layer, d)
                grads.update({key + suffix: v for key, v in g.items()})
                dx = _reverse_each(dx, lengths) if d else dx
                # both directions read the same input: their gradients add
                d_in = dx if d_in is None else d_in + dx
            # through the dropout in front of this layer: d(x ⊙ mask) = dx ⊙ mask
            d_out = d_in if masks[layer] is None else d_in * masks[layer]
        grads = {name: grads[name] for name in self.params}
        return (self._sequence_out(d_out, unbatched, packed),
                self._pack(self._states_out(dstate0, unbatched, packed)), grads)

    def _check_grad_output(self, grad_output, features):
        """Check dL/d(output) against the last call; return it time-major
        (T, B, features), rows in processing (sorted) order."""
        _, _, _, T, B, unbatched, packed = self._cache
        if packed is not None:
            padded, _ = self._unpack_checked("grad_output", grad_output, features)
            for field in ("batch_sizes", "sorted_indices"):
                mine, theirs = getattr(packed, field), getattr(grad_output, field)
                if (mine is None) != (theirs is None) or (
                        mine is not None and not np.array_equal(mine, theirs)):
                    raise ValueError(
                        f"grad_output.{field}: expected the output's {mine!r}, "
                        f"got {theirs!r}"
                    )
            return padded
        if unbatched:
            shape = (T, features)
        else:
            shape = (B, T, features) if self.batch_first else (T, B, features)
        check_array("grad_output", grad_output, shape, self.dtype)
        if unbatched:
            return grad_output[:, None, :]
        return grad_output.transpose(1, 0, 2) if self.batch_first else grad_output

    def __repr__(self):
        args = [str(self.input_size), str(self.hidden_size)]
        if self.num_layers != 1:
            args.append(f"num_layers={self.num_layers}")
        args += self._extra_repr()
        for name, default in (("bias", True), ("batch_first", False),
                              ("dropout", 0.0), ("bidirectional", False)):
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
        dropout: probability of zeroing each value between stacked layers
            (on the output of every layer but the last), in training mode
            only: ``train()`` (the default, as in torch) and ``eval()``.
            Inverted dropout with masks drawn from ``rng``; 0 (default): none.
        dtype: ``np.float64`` (default) or ``np.float32``; inputs must match.
        rng: ``numpy.random.Generator`` for the initialisation and the dropout
            masks (None: fresh).

    Calling ``layer(x, hx=None)`` returns ``(output, h_n)``:
        x: (T, B, D), (B, T, D) if batch_first, or unbatched (T, D); or a
            ``PackedSequence`` (data (N, D)), and then output is one too.
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

    Examples:
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
                 dropout=0.0, dtype=np.float64, rng=None):
        self.nonlinearity = check_choice("nonlinearity", nonlinearity,
                                         rnn.NONLINEARITIES)
        super().__init__("RNN_" + nonlinearity.upper(), input_size, hidden_size,
                         num_layers, bias, batch_first, bidirectional, dropout,
                         dtype, rng)

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

    With ``proj_size`` P > 0 (torch's LSTM with projections), each layer also
    has ``weight_hr_l{k}`` (P, H) and h_t = (o ⊙ tanh(c_t)) W_hr^T has P
    features: ``weight_hh_l{k}`` is (4H, P), D_k = num_directions * P, and h_0,
    h_n and the output have P features per direction while c stays H.

    Args:
        input_size: D, features per time step.
        hidden_size: H.
        num_layers: stacked layers.
        bias: whether the layer has ``bias_ih``/``bias_hh``.
        batch_first: input and output are (B, T, ...) instead of (T, B, ...).
        bidirectional: add a reverse direction; outputs have 2H features.
        dropout: probability of zeroing each value between stacked layers
            (on the output of every layer but the last), in training mode
            only: ``train()`` (the default, as in torch) and ``eval()``.
            Inverted dropout with masks drawn from ``rng``; 0 (default): none.
        proj_size: P, 0 <= P < H; 0 (default): no projection.
        dtype: ``np.float64`` (default) or ``np.float32``; inputs must match.
        rng: ``numpy.random.Generator`` for the initialisation and the dropout
            masks (None: fresh).

    Calling ``layer(x, hx=None)`` returns ``(output, (h_n, c_n))``:
        x: (T, B, D), (B, T, D) if batch_first, or unbatched (T, D); or a
            ``PackedSequence`` (data (N, D)), and then output is one too.
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

    Examples:
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
                 batch_first=False, bidirectional=False, *, dropout=0.0,
                 proj_size=0, dtype=np.float64, rng=None):
        self.proj_size = _check_proj_size(
            proj_size, check_positive_int("hidden_size", hidden_size))
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias,
                         batch_first, bidirectional, dropout, dtype, rng)

    @property
    def _out_size(self):
        """Features of h: P with a projection, else H."""
        return self.proj_size or self.hidden_size

    @property
    def _state_sizes(self):
        """h has P (or H) features, c always H."""
        return (self._out_size, self.hidden_size)

    def _keys(self):
        """The cell's parameter keys, then ``weight_hr`` with a projection."""
        return super()._keys() + (["weight_hr"] if self.proj_size else [])

    def _forward_direction(self, x, state0, params):
        h0, c0 = state0
        hs, c_T, cache = lstm._forward(x, h0, c0, params)
        return hs, (hs[-1], c_T), cache

    def _backward_direction(self, dhs, dfinal_rest, cache):
        (dc_T,) = dfinal_rest
        dx, dh0, dc0, grads = lstm._backward(dhs, dc_T, cache)
        return dx, (dh0, dc0), grads


    def _extra_repr(self):
        return [f"proj_size={self.proj_size}"] if self.proj_size else []


def _check_proj_size(proj_size, hidden_size):
    """proj_size: an int with 0 <= P < H (0: no projection)."""
    if isinstance(proj_size, bool) or not isinstance(proj_size, (int, np.integer)):
        raise TypeError(f"proj_size: expected an int, got {type(proj_size).__name__}")
    if not 0 <= proj_size < hidden_size:
        raise ValueError(
            f"proj_size: expected 0 <= proj_size < hidden_size = {hidden_size}, "
            f"got {proj_size}"
        )
    return int(proj_size)


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
        dropout: probability of zeroing each value between stacked layers
            (on the output of every layer but the last), in training mode
            only: ``train()`` (the default, as in torch) and ``eval()``.
            Inverted dropout with masks drawn from ``rng``; 0 (default): none.
        dtype: ``np.float64`` (default) or ``np.float32``; inputs must match.
        rng: ``numpy.random.Generator`` for the initialisation and the dropout
            masks (None: fresh).
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

    Examples:
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
                 batch_first=False, bidirectional=False, *, dropout=0.0,
                 dtype=np.float64, rng=None, reset_after=True):
        self.reset_after = check_bool("reset_after", reset_after)
        super().__init__("GRU", input_size, hidden_size, num_layers, bias,
                         batch_first, bidirectional, dropout, dtype, rng)

    def _forward_direction(self, x, state0, params):
        (h0,) = state0
        hs, cache = gru._forward(x, h0, params, self.reset_after)
        return hs, (hs[-1],), cache

    def _backward_direction(self, dhs, dfinal_rest, cache):
        dx, dh0, grads = gru._backward(dhs, cache)
        return dx, (dh0,), grads

    def _extra_repr(self):
        return [] if self.reset_after else ["reset_after=False"]
