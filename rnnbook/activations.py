"""Numerically stable activations and the derivatives the backward passes use.

Every derivative is written in terms of the activation's *output*, which the
forward pass already stores in its cache: for ``s = sigmoid(a)``,
``ds/da = s (1 - s)``; for ``y = tanh(a)``, ``dy/da = 1 - y**2``.
"""

from __future__ import annotations

import numpy as np


def sigmoid(a):
    """Logistic sigmoid, 1 / (1 + exp(-a)), without overflow at large |a|.

    Uses ``sigmoid(a) = (1 + tanh(a / 2)) / 2``, which never overflows.

    Examples:
        >>> float(sigmoid(np.array(0.0)))
        0.5
    """
    # sigma(a) = (1 + tanh(a/2)) / 2
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def tanh(a):
    """Hyperbolic tangent (NumPy's, already stable)."""
    return np.tanh(a)


def relu(a):
    """Rectified linear unit, max(a, 0)."""
    return np.maximum(a, 0)


def dsigmoid(s):
    """Derivative of the sigmoid given its output ``s``: s (1 - s)."""
    return s * (1.0 - s)


def dtanh(y):
    """Derivative of tanh given its output ``y``: 1 - y^2."""
    return 1.0 - y * y


def drelu(y):
    """Derivative of ReLU given its output ``y``: 1 where y > 0, else 0."""
    return (y > 0).astype(y.dtype)


def softmax(logits, axis=-1):
    """Softmax along ``axis``, shifted by the maximum so exp never overflows.

    softmax(z)_k = exp(z_k - max z) / sum_j exp(z_j - max z)
    """
    shifted = logits - np.max(logits, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(logits, axis=-1):
    """log(softmax(logits)), computed stably with the log-sum-exp trick."""
    shifted = logits - np.max(logits, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
