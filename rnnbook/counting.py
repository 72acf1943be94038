"""Count parameters and output sizes by formula, as the book does by hand.

Recurrent layer, per layer k and direction (G gates: RNN 1, LSTM 4, GRU 3):

    weights:  G*H*D_k + G*H*H      D_0 = input_size, D_k = dirs*H for k > 0
    biases:   2*G*H                (b_ih and b_hh, as in PyTorch)

Linear: in*out + out.  Conv2d: k_h*k_w*C_in*C_out + C_out.
Convolution output size along one axis:

    out = floor((size + 2*padding - dilation*(kernel - 1) - 1) / stride) + 1

Stride and padding change the output size but never the parameter count.
"""

from __future__ import annotations

import numpy as np

from ._validate import check_bool, check_positive_int

_GATES = {"RNN": 1, "RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _check_nonneg_int(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name}: expected an int >= 0, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name}: expected an int >= 0, got {value}")
    return int(value)


def _pair(name, value, check):
    """An int or a pair of ints -> a checked pair (h, w)."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name}: expected an int or a pair, got {value!r}")
        return (check(f"{name}[0]", value[0]), check(f"{name}[1]", value[1]))
    v = check(name, value)
    return (v, v)


def rnn_param_count(mode, input_size, hidden_size, num_layers=1, bias=True,
                    bidirectional=False, proj_size=0):
    """Number of parameters of torch.nn.RNN/LSTM/GRU (and rnnbook's layers).

        per layer k, per direction:  G*H*(D_k + H) + 2*G*H (if bias)

    With an LSTM projection of size P, h has P features: the recurrent weights
    are 4H x P, layers k > 0 read dirs*P inputs, and W_hr adds P*H.

    Args:
        mode: "RNN" (also "RNN_TANH", "RNN_RELU"), "LSTM" or "GRU";
            case-insensitive.
        input_size: D.
        hidden_size: H.
        num_layers: stacked layers; layers k > 0 read dirs*H inputs.
        bias: whether each gate has b_ih and b_hh.
        bidirectional: two directions per layer.
        proj_size: P, LSTM only, 0 <= P < H (0: no projection).

    Returns:
        int: the total number of scalars.

    Raises:
        TypeError, ValueError: bad arguments.

    Examples:
        >>> rnn_param_count("LSTM", 10, 20)          # 4*20*(10 + 20) + 2*4*20
        2560
    """
    if not isinstance(mode, str) or mode.upper() not in _GATES:
        raise ValueError(f"mode: expected one of {list(_GATES)}, got {mode!r}")
    D = check_positive_int("input_size", input_size)
    H = check_positive_int("hidden_size", hidden_size)
    L = check_positive_int("num_layers", num_layers)
    bias = check_bool("bias", bias)
    dirs = 2 if check_bool("bidirectional", bidirectional) else 1
    G = _GATES[mode.upper()]
    P = _check_nonneg_int("proj_size", proj_size)
    if P and (G != 4 or P >= H):
        raise ValueError(f"proj_size: expected 0, or 0 < proj_size < hidden_size = "
                         f"{H} for an LSTM, got {P} for {mode!r}")
    out = P or H  # features of h
    total = 0
    for k in range(L):
        D_k = D if k == 0 else dirs * out
        # G*H*(D_k + out) weights + 2*G*H biases (+ P*H for W_hr), per direction
        total += dirs * (G * H * (D_k + out) + (2 * G * H if bias else 0) + P * H)
    return total


def linear_param_count(in_features, out_features, bias=True):
    """Parameters of a dense (fully connected) layer: in*out (+ out biases).

    Examples:
        >>> linear_param_count(4 * 4 * 16, 10, bias=False)    # seed note 002
        2560
    """
    n_in = check_positive_int("in_features", in_features)
    n_out = check_positive_int("out_features", out_features)
    # W: (out, in), b: (out,)
    return n_in * n_out + (n_out if check_bool("bias", bias) else 0)


def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
    """Parameters of a 2-D convolution: k_h*k_w*C_in*C_out (+ C_out biases).

    Stride and padding do not appear: they move the kernel, not resize it.

    Args:
        in_channels: C_in.
        out_channels: C_out (the number of kernels).
        kernel_size: int or (k_h, k_w).
        bias: one bias per output channel.

    Returns:
        int.

    Raises:
        TypeError, ValueError: bad arguments.

    Examples:
        >>> conv2d_param_count(128, 64, 3, bias=False)     # 3*3*128*64
        73728
    """
    c_in = check_positive_int("in_channels", in_channels)
    c_out = check_positive_int("out_channels", out_channels)
    k_h, k_w = _pair("kernel_size", kernel_size, check_positive_int)
    # weight: (C_out, C_in, k_h, k_w), bias: (C_out,)
    return k_h * k_w * c_in * c_out + (c_out if check_bool("bias", bias) else 0)


def conv2d_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    """Spatial output size of a convolution (or pooling) layer.

        out = floor((size + 2 p - d (k - 1) - 1) / s) + 1

    With d = 1 this is the seed note's "size + 2 p = k + s (out - 1)" when
    the division is exact.

    Args:
        size: input size, int or (height, width).
        kernel_size: kernel size k, int >= 1 or a pair.
        stride: stride s, int >= 1 or a pair.
        padding: zero padding p on each side, int >= 0 or a pair.
        dilation: dilation d, int >= 1 or a pair.

    Returns:
        int if every argument is an int, else a pair (out_h, out_w).

    Raises:
        TypeError: an argument is not an int or pair of ints.
        ValueError: a value is out of range, or the kernel does not fit.

    Examples:
        >>> conv2d_output_size(227, 11, stride=4)          # AlexNet conv1
        55
        >>> conv2d_output_size((32, 32), 5)
        (28, 28)
    """
    args = {"size": size, "kernel_size": kernel_size, "stride": stride,
            "padding": padding, "dilation": dilation}
    pairs = {name: _pair(name, value, _check_nonneg_int if name == "padding"
                         else check_positive_int) for name, value in args.items()}
    out = []
    for axis in range(2):
        n, k, s, p, d = (pairs[name][axis] for name in args)
        span = d * (k - 1) + 1  # how many input pixels one kernel covers
        if n + 2 * p < span:
            raise ValueError(
                f"kernel_size: a kernel spanning {span} does not fit into size "
                f"{n} with padding {p}"
            )
        # out = floor((n + 2p - d(k - 1) - 1) / s) + 1
        out.append((n + 2 * p - span) // s + 1)
    if any(isinstance(v, (tuple, list)) for v in args.values()):
        return tuple(out)
    return out[0]


def count_params(obj):
    """Total number of scalars in a model's parameters.

    Works for rnnbook layers and models (anything with a ``params`` dict of
    arrays) and for torch modules (``sum(p.numel() for p in parameters())``).

    Raises:
        TypeError: ``obj`` has neither ``params`` nor ``parameters()``.

    Examples:
        >>> import rnnbook
        >>> count_params(rnnbook.GRU(10, 20)) == rnn_param_count("GRU", 10, 20)
        True
    """
    params = getattr(obj, "params", None)
    if isinstance(params, dict):
        return int(sum(np.size(p) for p in params.values()))
    if callable(getattr(obj, "parameters", None)):  # a torch.nn.Module
        return int(sum(p.numel() for p in obj.parameters()))
    raise TypeError(
        "obj: expected an rnnbook layer/model (with .params) or a torch module, "
        f"got {type(obj).__name__}"
    )
