"""rnnbook: NumPy RNN, LSTM and GRU with backpropagation through time.

The companion package of the rnnbook textbook; every layer matches ``torch.nn``
number for number.
"""

from . import gru, layers, lstm, rnn
from .layers import GRU, LSTM, RNN
from .torch_bridge import from_torch, to_torch

__all__ = [
    # layers mirroring torch.nn
    "RNN",
    "LSTM",
    "GRU",
    # copying to and from PyTorch
    "from_torch",
    "to_torch",
    # functional cell modules
    "rnn",
    "lstm",
    "gru",
    "layers",
]
