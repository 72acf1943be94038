"""Copy recurrent layers between rnnbook and PyTorch, parameter for parameter.

``from_torch(module)`` builds an ``rnnbook`` layer with the same configuration and
the same numbers; ``to_torch(layer)`` builds the ``torch.nn`` module. Parameter
names are identical on both sides (``weight_ih_l0``, ``bias_hh_l1_reverse``, ...),
so the copy is a loop over ``named_parameters()``. torch is imported inside the
functions: rnnbook itself depends on NumPy only.
"""

from __future__ import annotations

import warnings

import numpy as np

from .layers import GRU, LSTM, RNN

_TORCH_DTYPES = {"torch.float32": np.float32, "torch.float64": np.float64}


def from_torch(module):
    """Make an rnnbook layer with the same configuration and parameters.

    Args:
        module: a ``torch.nn.RNN``, ``torch.nn.LSTM`` or ``torch.nn.GRU`` (or a
            subclass) with float32 or float64 parameters (any device).

    Returns:
        ``rnnbook.RNN``, ``LSTM`` or ``GRU`` (GRU with ``reset_after=True``), whose
        ``params`` are copies of ``module.named_parameters()`` and whose ``dtype``
        is the module's. ``dropout``, the LSTM's ``proj_size`` and the mode
        (``training``, set by ``train()``/``eval()``) are carried over too; the
        dropout masks themselves come from the layer's own generator.

    Raises:
        TypeError: ``module`` is not one of those classes, or its dtype is neither
            float32 nor float64.

    Examples:
        >>> import torch
        >>> m = torch.nn.LSTM(3, 5, num_layers=2, dtype=torch.float64)
        >>> layer = from_torch(m)
        >>> type(layer).__name__, layer.dtype, list(layer.params) == [
        ...     name for name, _ in m.named_parameters()]
        ('LSTM', dtype('float64'), True)
    """
    import torch

    classes = {torch.nn.RNN: RNN, torch.nn.LSTM: LSTM, torch.nn.GRU: GRU}
    # isinstance, so that subclasses of the torch classes are accepted too
    cls = next((ours for theirs, ours in classes.items()
                if isinstance(module, theirs)), None)
    if cls is None:
        raise TypeError(
            "module: expected torch.nn.RNN, torch.nn.LSTM or torch.nn.GRU, "
            f"got {type(module).__name__}"
        )
    first = next(module.parameters())
    dtype = _TORCH_DTYPES.get(str(first.dtype))
    if dtype is None:
        raise TypeError(f"module: expected float32 or float64 parameters, "
                        f"got {first.dtype}")
    kwargs = dict(input_size=module.input_size, hidden_size=module.hidden_size,
                  num_layers=module.num_layers, bias=module.bias,
                  batch_first=module.batch_first, bidirectional=module.bidirectional,
                  dropout=float(module.dropout), dtype=dtype,
                  rng=np.random.default_rng(0))
    if cls is RNN:
        kwargs["nonlinearity"] = module.nonlinearity
    if cls is LSTM:
        kwargs["proj_size"] = module.proj_size
    with warnings.catch_warnings():
        # torch has already warned about dropout with one layer
        warnings.simplefilter("ignore", UserWarning)
        layer = cls(**kwargs)
    layer.train(module.training)
    for name, p in module.named_parameters():
        layer.params[name] = p.detach().cpu().numpy().astype(dtype, copy=True)
    return layer


def to_torch(layer):
    """Make a ``torch.nn`` module with the same configuration and parameters.

    Args:
        layer: an ``rnnbook.RNN``, ``LSTM`` or ``GRU`` (``reset_after=True``).

    Returns:
        ``torch.nn.RNN``, ``LSTM`` or ``GRU`` on the CPU, with the layer's dtype,
        ``dropout``, ``proj_size`` (LSTM) and mode (``train()``/``eval()``), and
        copies of ``layer.params``.

    Raises:
        TypeError: ``layer`` is not an rnnbook RNN, LSTM or GRU.
        ValueError: a GRU with ``reset_after=False`` (Cho et al. v3 / d2l):
            ``torch.nn.GRU`` only computes the reset_after=True form.

    Examples:
        >>> layer = GRU(3, 5, bidirectional=True, rng=np.random.default_rng(0))
        >>> m = to_torch(layer)
        >>> type(m).__name__, m.weight_hh_l0_reverse.shape
        ('GRU', torch.Size([15, 5]))
    """
    import torch

    if not isinstance(layer, (RNN, LSTM, GRU)):
        raise TypeError(
            f"layer: expected rnnbook.RNN, LSTM or GRU, got {type(layer).__name__}"
        )
    if isinstance(layer, GRU) and not layer.reset_after:
        raise ValueError(
            "layer: a GRU with reset_after=False (Cho et al. v3 / d2l form) cannot be "
            "represented by torch.nn.GRU, which applies the reset gate after the "
            "matrix product (reset_after=True)"
        )
    dtype = torch.float32 if layer.dtype == np.float32 else torch.float64
    kwargs = dict(input_size=layer.input_size, hidden_size=layer.hidden_size,
                  num_layers=layer.num_layers, bias=layer.bias,
                  batch_first=layer.batch_first, bidirectional=layer.bidirectional,
                  dropout=layer.dropout, dtype=dtype)
    with warnings.catch_warnings():
        # rnnbook accepts dropout with one layer as torch does, without the warning
        warnings.simplefilter("ignore", UserWarning)
        if isinstance(layer, RNN):
            module = torch.nn.RNN(nonlinearity=layer.nonlinearity, **kwargs)
        elif isinstance(layer, LSTM):
            module = torch.nn.LSTM(proj_size=layer.proj_size, **kwargs)
        else:
            module = torch.nn.GRU(**kwargs)
    module.train(layer.training)
    with torch.no_grad():
        for name, p in module.named_parameters():
            p.copy_(torch.from_numpy(np.ascontiguousarray(layer.params[name])))
    return module
