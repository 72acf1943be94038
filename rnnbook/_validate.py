"""Input checks shared by every public function.

Each check names the argument, the expected shape or type and what it got,
so a learner sees ``x: expected shape (T, B, 3), got (5, 2, 4)`` instead of a
NumPy traceback from deep inside a matrix product.
"""

from __future__ import annotations

import numpy as np

FLOAT_DTYPES = (np.float32, np.float64)


def _shape_str(shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def check_array(name, x, shape, dtype=None):
    """Check that ``x`` is a finite float ndarray of the given shape.

    Args:
        name: the argument's name, used in the error message.
        x: the value to check.
        shape: expected shape; each entry is an int, or a str such as ``"T"``
            that matches any size (and is printed as is in the message).
        dtype: if given, the required dtype (``np.float32`` or ``np.float64``).

    Returns:
        ``x`` unchanged.

    Raises:
        TypeError: ``x`` is not a NumPy array, or not float32/float64,
            or not of ``dtype``.
        ValueError: wrong number of dimensions, wrong size, or NaN/inf values.
    """
    expected = _shape_str(shape)
    if not isinstance(x, np.ndarray):
        raise TypeError(
            f"{name}: expected a numpy.ndarray of shape {expected}, "
            f"got {type(x).__name__}"
        )
    if x.dtype.type not in FLOAT_DTYPES:
        raise TypeError(
            f"{name}: expected dtype float32 or float64, got {x.dtype}"
        )
    if dtype is not None and x.dtype != np.dtype(dtype):
        raise TypeError(
            f"{name}: expected dtype {np.dtype(dtype)}, got {x.dtype}"
        )
    if x.ndim != len(shape):
        raise ValueError(
            f"{name}: expected {len(shape)} dimensions with shape {expected}, "
            f"got {x.ndim} dimensions with shape {_shape_str(x.shape)}"
        )
    for want, got in zip(shape, x.shape):
        if isinstance(want, (int, np.integer)) and want != got:
            raise ValueError(
                f"{name}: expected shape {expected}, got {_shape_str(x.shape)}"
            )
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name}: contains NaN or infinite values")
    return x


def check_positive_int(name, value):
    """Check that ``value`` is an int >= 1 (bool is rejected)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(
            f"{name}: expected a positive int, got {type(value).__name__}"
        )
    if value < 1:
        raise ValueError(f"{name}: expected a positive int, got {value}")
    return int(value)


def check_choice(name, value, choices):
    """Check that ``value`` is one of ``choices``."""
    if value not in choices:
        raise ValueError(
            f"{name}: expected one of {list(choices)}, got {value!r}"
        )
    return value


def check_int_array(name, x, ndim, high=None):
    """Check an array of integer ids (e.g. character ids), 0 <= id < high."""
    if not isinstance(x, np.ndarray):
        raise TypeError(
            f"{name}: expected a numpy.ndarray of ints, got {type(x).__name__}"
        )
    if not np.issubdtype(x.dtype, np.integer):
        raise TypeError(f"{name}: expected an integer dtype, got {x.dtype}")
    if x.ndim != ndim:
        raise ValueError(
            f"{name}: expected {ndim} dimensions, got {x.ndim} "
            f"with shape {_shape_str(x.shape)}"
        )
    if x.size and (x.min() < 0 or (high is not None and x.max() >= high)):
        raise ValueError(
            f"{name}: expected ids in [0, {high}), "
            f"got values in [{x.min()}, {x.max()}]"
        )
    return x


def check_positive_float(name, value, allow_zero=False):
    """Check that ``value`` is a real number > 0 (>= 0 if ``allow_zero``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"{name}: expected a number, got {type(value).__name__}")
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name}: expected a finite number {bound}, got {value}")
    return float(value)


def check_rng(name, rng):
    """Return ``rng`` if it is a numpy Generator, a fresh one if it is None."""
    if rng is None:
        return np.random.default_rng()
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name}: expected numpy.random.Generator or None, "
            f"got {type(rng).__name__}"
        )
    return rng


def check_float_dtype(name, dtype):
    """Check that ``dtype`` is float32 or float64 and return it as np.dtype."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt is None or dt.type not in FLOAT_DTYPES:
        raise TypeError(f"{name}: expected float32 or float64, got {dtype!r}")
    return dt


def check_bool(name, value):
    """Check that ``value`` is a bool (``True``/``False``, not 0/1 or None)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected a bool, got {type(value).__name__}")
    return bool(value)


def check_param_dict(name, params, shapes, dtype=None):
    """Check a parameter dict: exactly the keys of ``shapes``, each a finite array.

    Args:
        name: the argument's name, used in the error message.
        params: the dict to check.
        shapes: dict mapping each required key to its expected shape.
        dtype: if given, the dtype every array must have.

    Returns:
        ``params`` unchanged.

    Raises:
        TypeError: ``params`` is not a dict, or an entry fails ``check_array``.
        ValueError: missing or unexpected keys, or an entry fails ``check_array``.
    """
    if not isinstance(params, dict):
        raise TypeError(f"{name}: expected a dict, got {type(params).__name__}")
    missing = [k for k in shapes if k not in params]
    extra = [k for k in params if k not in shapes]
    if missing or extra:
        raise ValueError(
            f"{name}: expected keys {list(shapes)}, "
            f"missing {missing}, unexpected {extra}"
        )
    for key, shape in shapes.items():
        check_array(f"{name}[{key!r}]", params[key], shape, dtype)
    return params


def check_cell_params(params, gates, dtype=None):
    """Check a recurrent cell's parameter dict; return its sizes (D, H).

    The keys are ``"weight_ih"`` (G*H, D) and ``"weight_hh"`` (G*H, H), plus
    ``"bias_ih"`` (G*H,) and ``"bias_hh"`` (G*H,) when the cell has biases,
    with G = ``gates`` (RNN 1, GRU 3, LSTM 4). H is read from ``weight_hh`` and D
    from ``weight_ih``; every entry must have ``dtype`` (default: the dtype of
    ``weight_hh``).

    Raises:
        TypeError: ``params`` is not a dict, or an entry is not a float array
            of the common dtype.
        ValueError: missing or unexpected keys, or an entry of the wrong shape.
    """
    if not isinstance(params, dict):
        raise TypeError(f"params: expected a dict, got {type(params).__name__}")
    for key in ("weight_ih", "weight_hh"):
        if key not in params:
            raise ValueError(f"params: missing key {key!r}, got keys {list(params)}")
    w_hh = check_array("params['weight_hh']", params["weight_hh"], (f"{gates}*H", "H"),
                       dtype)
    H = w_hh.shape[1]
    if w_hh.shape[0] != gates * H:
        raise ValueError(
            f"params['weight_hh']: expected shape ({gates}*H, H) = "
            f"({gates * H}, {H}) for H={H}, got {_shape_str(w_hh.shape)}"
        )
    w_ih = check_array("params['weight_ih']", params["weight_ih"], (gates * H, "D"),
                       w_hh.dtype)
    shapes = {"weight_ih": w_ih.shape, "weight_hh": w_hh.shape}
    if "bias_ih" in params or "bias_hh" in params:
        shapes.update(bias_ih=(gates * H,), bias_hh=(gates * H,))
    check_param_dict("params", params, shapes, w_hh.dtype)
    return w_ih.shape[1], H
