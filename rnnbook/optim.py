"""Optimizers and gradient clipping, matching ``torch.optim`` step for step.

Every optimizer updates a dict of parameter arrays in place from a dict of
gradients with the same keys (what every ``backward`` in rnnbook returns)::

    loss, grads, state = model.loss(inputs, targets, state)
    clip_grad_norm(grads, 5.0)          # outside the loss: gradchecks stay exact
    optimizer.step(model.params, grads)

Per-parameter state (Adagrad's sum of squares, Adam's moments) is kept in a
dict keyed by the parameter's name.

Unlike torch, a parameter or gradient holding NaN or inf raises ``ValueError``
(naming it) instead of spreading into every parameter.
"""

from __future__ import annotations

import numpy as np

from ._validate import check_array, check_positive_float


def _check_dicts(params, grads):
    """Check that ``grads`` has an array of the right shape for every parameter."""
    for name, value in (("params", params), ("grads", grads)):
        if not isinstance(value, dict):
            raise TypeError(f"{name}: expected a dict, got {type(value).__name__}")
    if set(params) != set(grads):
        raise ValueError(
            f"grads: expected the keys of params {sorted(params)}, "
            f"got {sorted(grads)}"
        )
    for name, p in params.items():
        if not isinstance(p, np.ndarray):
            raise TypeError(
                f"params[{name!r}]: expected a numpy.ndarray, got {type(p).__name__}"
            )
        check_array(f"params[{name!r}]", p, p.shape)
        check_array(f"grads[{name!r}]", grads[name], p.shape)


def _check_state(store, params, owner):
    """Check that the state kept from earlier steps fits ``params``' shapes.

    Optimizer state is keyed by parameter name, so an optimizer reused for a
    model whose parameter has the same name but another shape must say so
    before anything is updated (make a new optimizer for the new model).
    """
    for name, p in params.items():
        if name in store and store[name].shape != p.shape:
            raise ValueError(
                f"params[{name!r}]: this {owner} holds state of shape "
                f"{store[name].shape} for {name!r} from earlier steps, got a "
                f"parameter of shape {p.shape}; use a new {owner} for a model "
                "with other shapes"
            )


class SGD:
    """Plain stochastic gradient descent.

        p <- p - lr * g

    Args:
        lr: learning rate, > 0.

    Raises:
        TypeError, ValueError: ``lr`` is not a positive number.

    Examples:
        >>> p = {"w": np.array([1.0, 2.0])}
        >>> SGD(lr=0.1).step(p, {"w": np.array([1.0, -1.0])})
        >>> p["w"]
        array([0.9, 2.1])
    """

    def __init__(self, lr):
        self.lr = check_positive_float("lr", lr)

    def step(self, params, grads):
        """Update every array of ``params`` in place from ``grads`` (same keys).

        Raises:
            TypeError, ValueError: the dicts' keys or the shapes do not match.
        """
        _check_dicts(params, grads)
        for name, p in params.items():
            # p <- p - lr * g
            p -= self.lr * grads[name]


class Adagrad:
    """Adagrad: each parameter's step shrinks with its history of gradients.

        s <- s + g^2
        p <- p - lr * g / (sqrt(s) + eps)

    This is ``torch.optim.Adagrad`` with ``lr_decay=0``, ``weight_decay=0``,
    ``initial_accumulator_value=0`` (pass the same ``eps``; torch's default is
    1e-10, min-char-rnn's 1e-8).

    Args:
        lr: learning rate, > 0.
        eps: added to the denominator, > 0.

    Examples:
        >>> p = {"w": np.array([1.0])}
        >>> Adagrad(lr=0.1).step(p, {"w": np.array([2.0])})
        >>> p["w"].round(6)                       # 1 - 0.1 * 2 / sqrt(4)
        array([0.9])
    """

    def __init__(self, lr, eps=1e-8):
        self.lr = check_positive_float("lr", lr)
        self.eps = check_positive_float("eps", eps)
        self.sum_sq = {}  # name -> running sum of squared gradients

    def step(self, params, grads):
        """Update every array of ``params`` in place from ``grads`` (same keys).

        Raises:
            TypeError, ValueError: the dicts' keys or the shapes do not match,
                or a parameter's shape differs from the earlier steps'.
        """
        _check_dicts(params, grads)
        _check_state(self.sum_sq, params, "Adagrad")
        for name, p in params.items():
            g = grads[name]
            s = self.sum_sq.setdefault(name, np.zeros_like(p))  # like p
            # s <- s + g^2
            s += g * g
            # p <- p - lr * g / (sqrt(s) + eps)
            p -= self.lr * g / (np.sqrt(s) + self.eps)


class Adam:
    """Adam: momentum on the gradient, scaled by a running RMS, bias-corrected.

        m <- b1 m + (1 - b1) g             v <- b2 v + (1 - b2) g^2
        m^ = m / (1 - b1^t)                v^ = v / (1 - b2^t)
        p <- p - lr * m^ / (sqrt(v^) + eps)

    This is ``torch.optim.Adam`` without weight decay or amsgrad.

    Args:
        lr: learning rate, > 0.
        betas: (b1, b2), each in [0, 1).
        eps: added to the denominator, > 0.

    Raises:
        TypeError, ValueError: a hyperparameter is out of range.

    Examples:
        >>> p = {"w": np.array([1.0])}
        >>> Adam(lr=0.1).step(p, {"w": np.array([5.0])})
        >>> p["w"].round(6)                       # the first step is ~lr * sign(g)
        array([0.9])
    """

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        self.lr = check_positive_float("lr", lr)
        self.eps = check_positive_float("eps", eps)
        if not (isinstance(betas, (tuple, list)) and len(betas) == 2):
            raise TypeError(f"betas: expected a pair (b1, b2), got {betas!r}")
        for name, b in zip(("betas[0]", "betas[1]"), betas):
            if check_positive_float(name, b, allow_zero=True) >= 1:
                raise ValueError(f"{name}: expected a number in [0, 1), got {b}")
        self.betas = (float(betas[0]), float(betas[1]))
        self.t = 0  # number of steps taken
        self.m = {}  # name -> first moment (running mean of g)
        self.v = {}  # name -> second moment (running mean of g^2)

    def step(self, params, grads):
        """Update every array of ``params`` in place from ``grads`` (same keys).

        Raises:
            TypeError, ValueError: the dicts' keys or the shapes do not match,
                or a parameter's shape differs from the earlier steps'.
        """
        _check_dicts(params, grads)
        _check_state(self.m, params, "Adam")
        b1, b2 = self.betas
        self.t += 1
        for name, p in params.items():
            g = grads[name]
            m = self.m.setdefault(name, np.zeros_like(p))  # like p
            v = self.v.setdefault(name, np.zeros_like(p))  # like p
            # m <- b1 m + (1 - b1) g ;  v <- b2 v + (1 - b2) g^2
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            # m^ = m / (1 - b1^t) ;  v^ = v / (1 - b2^t)
            m_hat = m / (1 - b1**self.t)
            v_hat = v / (1 - b2**self.t)
            # p <- p - lr * m^ / (sqrt(v^) + eps)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


def clip_grad_norm(grads, max_norm):
    """Rescale all gradients together so their joint L2 norm is at most max_norm.

        total = sqrt(sum over arrays of ||g||^2)
        g <- g * min(1, max_norm / (total + 1e-6))

    Exactly the rule of ``torch.nn.utils.clip_grad_norm_``. The 1e-6 keeps the
    division safe; it also scales a total norm equal to ``max_norm`` (or up to
    1e-6 below it) by max_norm / (total + 1e-6), slightly less than 1. The
    direction of the gradient is kept; only its length is capped, which tames
    the exploding gradients of long sequences. Call it in the training loop, after the
    loss and before the optimizer step, never inside the loss function.

    Args:
        grads: dict name -> float ndarray, scaled in place.
        max_norm: the largest allowed total norm, > 0.

    Returns:
        float: the total norm before clipping (useful to plot).

    Raises:
        TypeError: ``grads`` is not a dict of float arrays.
        ValueError: ``max_norm`` is not > 0, or a gradient holds NaN/inf.

    Examples:
        >>> grads = {"a": np.array([3.0]), "b": np.array([4.0])}
        >>> clip_grad_norm(grads, 1.0)
        5.0
        >>> np.round(grads["a"], 6), np.round(grads["b"], 6)
        (array([0.6]), array([0.8]))
    """
    if not isinstance(grads, dict):
        raise TypeError(f"grads: expected a dict, got {type(grads).__name__}")
    max_norm = check_positive_float("max_norm", max_norm)
    for name, g in grads.items():
        if not isinstance(g, np.ndarray):
            raise TypeError(
                f"grads[{name!r}]: expected a numpy.ndarray, got {type(g).__name__}"
            )
        check_array(f"grads[{name!r}]", g, g.shape)
    # total = sqrt(sum_k ||g_k||^2)
    total = float(np.sqrt(sum(np.sum(g * g) for g in grads.values())))
    # scale = min(1, max_norm / (total + 1e-6))
    scale = max_norm / (total + 1e-6)
    if scale < 1:
        for g in grads.values():
            # g <- g * scale
            g *= scale
    return total
