"""A PyTorch reference for the recurrent layers, shared by the tests.

A plain module (not conftest.py), so that tests import it by one name:
`conftest` is ambiguous when the whole suite runs (tests/site/ has its own).
The fixtures built on it are in tests/conftest.py.
"""

import numpy as np

TORCH_CLASSES = {"RNN_TANH": "RNN", "RNN_RELU": "RNN", "LSTM": "LSTM", "GRU": "GRU"}


def torch_module_like(torch, layer):
    """A torch.nn module with the layer's configuration and parameters.

    Built from the constructor (not from ``rnnbook.to_torch``), so the parity
    tests do not depend on the bridge they also test.
    """
    cls = getattr(torch.nn, TORCH_CLASSES[layer.mode])
    kwargs = dict(input_size=layer.input_size, hidden_size=layer.hidden_size,
                  num_layers=layer.num_layers, bias=layer.bias,
                  batch_first=layer.batch_first, bidirectional=layer.bidirectional,
                  dtype=torch.float32 if layer.dtype == np.float32 else torch.float64)
    if layer.mode.startswith("RNN"):
        kwargs["nonlinearity"] = layer.nonlinearity
    if layer.mode == "LSTM":
        kwargs["proj_size"] = layer.proj_size
    if layer.num_layers > 1:
        kwargs["dropout"] = layer.dropout
    module = cls(**kwargs).train(layer.training)
    with torch.no_grad():
        for name, p in module.named_parameters():
            p.copy_(torch.tensor(layer.params[name]))
    return module


def torch_state(torch, hx, is_lstm):
    """hx as torch leaf tensors that collect gradients (None stays None)."""
    if hx is None:
        return None
    if is_lstm:
        return tuple(torch.tensor(s, requires_grad=True) for s in hx)
    return torch.tensor(hx, requires_grad=True)


def _run_parity(torch, layer, x, hx, rng, rtol=1e-10, atol=1e-12, backward=True):
    is_lstm = layer.mode == "LSTM"
    module = torch_module_like(torch, layer)

    output, state = layer(x, hx)
    tx = torch.tensor(x, requires_grad=True)
    t_hx = torch_state(torch, hx, is_lstm)
    t_output, t_state = module(tx, t_hx)

    def close(name, got, want):
        np.testing.assert_allclose(got, want.detach().numpy(), rtol=rtol, atol=atol,
                                   err_msg=name)

    close("output", output, t_output)
    states = state if is_lstm else (state,)
    t_states = t_state if is_lstm else (t_state,)
    for i, (s, ts) in enumerate(zip(states, t_states)):
        close(f"final state {i}", s, ts)
    if not backward:
        return

    # random (never all-ones) upstream gradients on the output and final state(s)
    g_out = rng.standard_normal(output.shape).astype(layer.dtype)
    g_states = [rng.standard_normal(s.shape).astype(layer.dtype) for s in states]
    loss = (t_output * torch.tensor(g_out)).sum()
    for ts, g in zip(t_states, g_states):
        loss = loss + (ts * torch.tensor(g)).sum()
    loss.backward()
    grad_input, grad_hx, grads = layer.backward(
        g_out, tuple(g_states) if is_lstm else g_states[0])

    close("grad_input", grad_input, tx.grad)
    close_state_and_param_grads(close, module, is_lstm, hx, t_hx, grad_hx, grads)


def close_state_and_param_grads(close, module, is_lstm, hx, t_hx, grad_hx, grads):
    """close(name, ours, torch's) on the initial-state and parameter gradients."""
    if hx is not None:
        grad_states = grad_hx if is_lstm else (grad_hx,)
        t_leaves = t_hx if is_lstm else (t_hx,)
        for i, (g, t) in enumerate(zip(grad_states, t_leaves)):
            close(f"grad of initial state {i}", g, t.grad)
    assert list(grads) == [name for name, _ in module.named_parameters()]
    for name, p in module.named_parameters():
        close(f"grad {name}", grads[name], p.grad)
