"""rnnbook: NumPy RNN, LSTM and GRU with backpropagation through time.

The companion package of the rnnbook textbook; every layer matches ``torch.nn``
number for number. One deliberate difference: NaN or inf in an input, state,
parameter or gradient raises ``ValueError`` naming the argument, where torch
propagates it.
"""

from . import gru, layers, lstm, packing, rnn
from .layers import GRU, LSTM, RNN
from .packing import (
    PackedSequence,
    pack_padded_sequence,
    pack_sequence,
    pad_packed_sequence,
    pad_sequence,
)
from .torch_bridge import from_torch, to_torch

from . import charlm, counting, gradcheck, optim, seq2seq, tasks
from .charlm import CharLM, Vocab, one_hot, softmax_cross_entropy
from .counting import (
    conv2d_output_size,
    conv2d_param_count,
    count_params,
    linear_param_count,
    rnn_param_count,
)
from .gradcheck import check_function, check_layer, numerical_gradient, relative_error

__all__ = [
    # layers mirroring torch.nn
    "RNN",
    "LSTM",
    "GRU",
    # batches of sequences of different lengths, like torch.nn.utils.rnn
    "packing",
    "PackedSequence",
    "pack_padded_sequence",
    "pad_packed_sequence",
    "pack_sequence",
    "pad_sequence",
    # copying to and from PyTorch
    "from_torch",
    "to_torch",
    # functional cell modules
    "rnn",
    "lstm",
    "gru",
    "layers",
    # gradient checking
    "gradcheck",
    "check_layer",
    "check_function",
    "numerical_gradient",
    "relative_error",
    # character-level language model
    "charlm",
    "Vocab",
    "one_hot",
    "softmax_cross_entropy",
    "CharLM",
    # training and experiments
    "optim",
    "tasks",
    # sequence to sequence with attention
    "seq2seq",
    # parameter counting
    "counting",
    "count_params",
    "rnn_param_count",
    "linear_param_count",
    "conv2d_param_count",
    "conv2d_output_size",
]
