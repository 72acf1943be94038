"""Tests of rnnbook.optim against hand formulas and torch.optim."""

import numpy as np
import pytest
import torch

from rnnbook.optim import SGD, Adagrad, Adam, clip_grad_norm

SHAPES = {"weight": (3, 4), "bias": (3,)}


def _params_and_grad_steps(seed, n_steps=5):
    rng = np.random.default_rng(seed)
    params = {k: rng.standard_normal(s) for k, s in SHAPES.items()}
    grads = [{k: rng.standard_normal(s) for k, s in SHAPES.items()}
             for _ in range(n_steps)]
    return params, grads


def _run_torch(torch_opt_cls, params, grad_steps, **kwargs):
    tensors = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    opt = torch_opt_cls(list(tensors.values()), **kwargs)
    for grads in grad_steps:
        for k, t in tensors.items():
            t.grad = torch.tensor(grads[k])
        opt.step()
    return {k: t.detach().numpy() for k, t in tensors.items()}


def _run_ours(opt, params, grad_steps):
    params = {k: v.copy() for k, v in params.items()}
    for grads in grad_steps:
        opt.step(params, {k: g.copy() for k, g in grads.items()})
    return params


CASES = [
    (lambda: SGD(lr=0.1), torch.optim.SGD, {"lr": 0.1}),
    (lambda: Adagrad(lr=0.1, eps=1e-8), torch.optim.Adagrad, {"lr": 0.1, "eps": 1e-8}),
    (lambda: Adam(lr=0.01), torch.optim.Adam, {"lr": 0.01}),
    (lambda: Adam(lr=0.05, betas=(0.8, 0.99), eps=1e-6), torch.optim.Adam,
     {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6}),
]


@pytest.mark.parametrize("make, torch_cls, kwargs", CASES,
                         ids=["sgd", "adagrad", "adam", "adam_betas"])
def test_matches_torch_optim(make, torch_cls, kwargs):
    params, grad_steps = _params_and_grad_steps(0)
    ours = _run_ours(make(), params, grad_steps)
    theirs = _run_torch(torch_cls, params, grad_steps, **kwargs)
    for k in params:
        np.testing.assert_allclose(ours[k], theirs[k], rtol=1e-12, atol=1e-13)


def test_update_formulas_by_hand():
    g1, g2 = np.array([2.0, -1.0]), np.array([1.0, 3.0])
    # SGD: p - lr g
    p = {"w": np.array([1.0, 1.0])}
    SGD(0.5).step(p, {"w": g1})
    np.testing.assert_allclose(p["w"], [0.0, 1.5])
    # Adagrad: s = g1^2 + g2^2, p - lr g2 / (sqrt(s) + eps) after the second step
    p = {"w": np.array([1.0, 1.0])}
    opt = Adagrad(0.1, eps=1e-8)
    opt.step(p, {"w": g1})
    opt.step(p, {"w": g2})
    after_1 = 1.0 - 0.1 * g1 / (np.abs(g1) + 1e-8)
    after_2 = after_1 - 0.1 * g2 / (np.sqrt(g1**2 + g2**2) + 1e-8)
    np.testing.assert_allclose(p["w"], after_2)
    np.testing.assert_allclose(opt.sum_sq["w"], g1**2 + g2**2)
    # Adam, two steps with bias correction
    p = {"w": np.array([1.0, 1.0])}
    opt = Adam(0.1, betas=(0.9, 0.999), eps=1e-8)
    opt.step(p, {"w": g1})
    opt.step(p, {"w": g2})
    m = 0.9 * (0.1 * g1) + 0.1 * g2
    v = 0.999 * (0.001 * g1**2) + 0.001 * g2**2
    m_hat, v_hat = m / (1 - 0.9**2), v / (1 - 0.999**2)
    first = 1.0 - 0.1 * g1 / (np.abs(g1) + 1e-8)
    np.testing.assert_allclose(p["w"], first - 0.1 * m_hat / (np.sqrt(v_hat) + 1e-8))
    assert opt.t == 2


def test_state_is_per_parameter_name():
    opt = Adagrad(0.1)
    params = {"a": np.zeros(2), "b": np.zeros(3)}
    opt.step(params, {"a": np.ones(2), "b": 2 * np.ones(3)})
    np.testing.assert_allclose(opt.sum_sq["a"], [1.0, 1.0])
    np.testing.assert_allclose(opt.sum_sq["b"], [4.0, 4.0, 4.0])


@pytest.mark.parametrize("make", [lambda: Adagrad(0.1), lambda: Adam(0.1)],
                         ids=["Adagrad", "Adam"])
def test_reusing_an_optimizer_with_other_shapes_is_a_clear_error(make):
    opt = make()
    opt.step({"w": np.zeros((2, 3))}, {"w": np.ones((2, 3))})
    params = {"b": np.zeros(2), "w": np.zeros((4, 3))}
    name = type(opt).__name__
    with pytest.raises(ValueError, match=(
            rf"params\['w'\]: this {name} holds state of shape \(2, 3\) for 'w' "
            rf"from earlier steps, got a parameter of shape \(4, 3\); use a new "
            rf"{name}")):
        opt.step(params, {"b": np.ones(2), "w": np.ones((4, 3))})
    # nothing was updated before the error
    np.testing.assert_array_equal(params["b"], np.zeros(2))


def test_step_updates_in_place():
    w = np.ones(2)
    SGD(1.0).step({"w": w}, {"w": np.array([1.0, 2.0])})
    np.testing.assert_allclose(w, [0.0, -1.0])


# --- clipping ------------------------------------------------------------------


@pytest.mark.parametrize("max_norm", [0.5, 3.0, 100.0])
def test_clip_grad_norm_matches_torch(max_norm):
    rng = np.random.default_rng(1)
    grads = {k: rng.standard_normal(s) for k, s in SHAPES.items()}
    tensors = [torch.zeros(s, dtype=torch.float64, requires_grad=True)
               for s in SHAPES.values()]
    for t, g in zip(tensors, grads.values()):
        t.grad = torch.tensor(g)
    expected_norm = torch.nn.utils.clip_grad_norm_(tensors, max_norm).item()
    total = clip_grad_norm(grads, max_norm)
    assert total == pytest.approx(expected_norm, rel=1e-12)
    for t, g in zip(tensors, grads.values()):
        np.testing.assert_allclose(g, t.grad.numpy(), rtol=1e-12)


def _torch_clip(grads, max_norm):
    """torch.nn.utils.clip_grad_norm_ on float64 copies: (total norm, clipped)."""
    tensors = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True)
               for g in grads.values()]
    for t, g in zip(tensors, grads.values()):
        t.grad = torch.tensor(g)
    total = torch.nn.utils.clip_grad_norm_(tensors, max_norm).item()
    return total, {k: t.grad.numpy() for k, t in zip(grads, tensors)}


@pytest.mark.parametrize("offset", [0.0, -5e-7, -2e-6, 1e-9],
                         ids=["equal", "1e-6-below", "further-below", "just-above"])
def test_clip_grad_norm_matches_torch_at_the_threshold(offset):
    """Total norm 5 against max_norm = 5 - offset: torch scales by
    max_norm / (total + 1e-6) whenever that is below 1, also at equality."""
    max_norm = 5.0 + offset
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}
    total_t, clipped_t = _torch_clip(grads, max_norm)
    total = clip_grad_norm(grads, max_norm)
    assert total == total_t == 5.0
    for name, g in grads.items():
        np.testing.assert_allclose(g, clipped_t[name], rtol=1e-15, atol=0)
    if offset == 0.0:
        # the 1e-6: the gradient shrinks by a factor 5 / 5.000001 at equality
        np.testing.assert_allclose(grads["a"], [3.0 * 5.0 / 5.000001, 0.0],
                                   rtol=1e-15)


def test_clip_grad_norm_keeps_direction_and_caps_length():
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}
    assert clip_grad_norm(grads, 1.0) == pytest.approx(5.0)
    np.testing.assert_allclose(grads["a"], [0.6, 0.0], rtol=1e-5)
    np.testing.assert_allclose(grads["b"], [[0.8]], rtol=1e-5)
    total = np.sqrt(np.sum(grads["a"] ** 2) + np.sum(grads["b"] ** 2))
    assert total == pytest.approx(1.0, rel=1e-5)


def test_clip_grad_norm_leaves_small_gradients_alone():
    grads = {"a": np.array([0.3, 0.4])}
    assert clip_grad_norm(grads, 1.0) == pytest.approx(0.5)
    np.testing.assert_array_equal(grads["a"], [0.3, 0.4])


# --- bad input ----------------------------------------------------------------


def test_optimizers_reject_bad_hyperparameters():
    with pytest.raises(ValueError, match="lr: expected a finite number > 0, got -0.1"):
        SGD(-0.1)
    with pytest.raises(TypeError, match="lr: expected a number, got str"):
        Adagrad("fast")
    with pytest.raises(ValueError, match="eps: expected a finite number > 0"):
        Adagrad(0.1, eps=0.0)
    with pytest.raises(ValueError, match=r"betas\[1\]: expected a number in \[0, 1\)"):
        Adam(0.1, betas=(0.9, 1.0))
    with pytest.raises(TypeError, match=r"betas: expected a pair \(b1, b2\)"):
        Adam(0.1, betas=0.9)


@pytest.mark.parametrize("opt", [SGD(0.1), Adagrad(0.1), Adam(0.1)])
def test_step_rejects_mismatched_dicts(opt):
    params = {"w": np.zeros((2, 3))}
    with pytest.raises(ValueError, match=r"grads: expected the keys of params \['w'\]"):
        opt.step(params, {"v": np.zeros((2, 3))})
    with pytest.raises(
        ValueError, match=r"grads\['w'\]: expected shape \(2, 3\), got \(3, 2\)"
    ):
        opt.step(params, {"w": np.zeros((3, 2))})
    with pytest.raises(TypeError, match="grads: expected a dict, got list"):
        opt.step(params, [np.zeros((2, 3))])
    with pytest.raises(ValueError, match=r"grads\['w'\]: contains NaN"):
        opt.step(params, {"w": np.full((2, 3), np.nan)})


def test_clip_grad_norm_rejects_bad_input():
    with pytest.raises(
        ValueError, match="max_norm: expected a finite number > 0, got 0"
    ):
        clip_grad_norm({"a": np.ones(2)}, 0)
    with pytest.raises(TypeError, match="grads: expected a dict"):
        clip_grad_norm([np.ones(2)], 1.0)
    with pytest.raises(
        TypeError, match=r"grads\['a'\]: expected a numpy.ndarray, got list"
    ):
        clip_grad_norm({"a": [1.0]}, 1.0)
