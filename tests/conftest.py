"""Shared fixtures: a PyTorch reference for the recurrent layers.

``parity(layer, x, hx, rng)`` runs an rnnbook layer and an independently built
``torch.nn`` module with the same parameters, pushes random upstream gradients
into the output AND the final state(s), and asserts that outputs, final states,
the input gradient, the initial-state gradient(s) and every parameter gradient
agree. Torch runs single-threaded (deterministic, and fair to a shared machine);
its default dtype is never changed: every tensor gets an explicit dtype.
"""

import pytest

from torch_reference import _run_parity


@pytest.fixture(scope="session")
def torch_single_thread():
    """The torch module, set to one thread."""
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch


@pytest.fixture(scope="session")
def parity(torch_single_thread):
    """parity(layer, x, hx, rng, rtol=1e-10, atol=1e-12, backward=True)."""

    def run(layer, x, hx, rng, **kwargs):
        _run_parity(torch_single_thread, layer, x, hx, rng, **kwargs)

    return run
