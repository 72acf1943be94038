"""Tests of rnnbook.counting: parameter counts and output sizes against torch."""

import itertools

import numpy as np
import pytest
import torch

import rnnbook
from rnnbook.charlm import CharLM
from rnnbook.counting import (
    conv2d_output_size,
    conv2d_param_count,
    count_params,
    linear_param_count,
    rnn_param_count,
)

TORCH_RNNS = {"RNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}


def _numel(module):
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
def test_rnn_counts_equal_torch(mode):
    for layers, bidirectional, bias in itertools.product(
        (1, 2, 3), (False, True), (False, True)
    ):
        module = TORCH_RNNS[mode](5, 7, layers, bias=bias, bidirectional=bidirectional)
        expected = _numel(module)
        assert count_params(module) == expected
        assert rnn_param_count(mode, 5, 7, layers, bias, bidirectional) == expected


@pytest.mark.parametrize("bidirectional", [False, True])
def test_lstm_count_with_projection_equals_torch(bidirectional):
    for layers, bias, P in itertools.product((1, 3), (False, True), (1, 4)):
        module = torch.nn.LSTM(5, 7, layers, bias=bias, bidirectional=bidirectional,
                               proj_size=P)
        expected = _numel(module)
        assert rnn_param_count("LSTM", 5, 7, layers, bias, bidirectional,
                               proj_size=P) == expected
        layer = rnnbook.LSTM(5, 7, layers, bias, bidirectional=bidirectional,
                             proj_size=P)
        assert count_params(layer) == expected
    with pytest.raises(ValueError, match="proj_size: expected 0, or 0 < proj_size "
                                         "< hidden_size = 7 for an LSTM, got 2 for "
                                         "'GRU'"):
        rnn_param_count("GRU", 5, 7, proj_size=2)
    with pytest.raises(ValueError, match="hidden_size = 7 for an LSTM, got 7"):
        rnn_param_count("LSTM", 5, 7, proj_size=7)


def test_rnn_count_formula_by_hand():
    # one layer: G*H*(D + H) + 2*G*H
    assert rnn_param_count("RNN", 10, 20) == 20 * 30 + 40
    assert rnn_param_count("gru", 10, 20) == 3 * (20 * 30 + 40)
    assert rnn_param_count("RNN_RELU", 10, 20) == rnn_param_count("RNN_TANH", 10, 20)
    # second layer of a bidirectional LSTM reads 2H inputs
    second = 2 * (4 * 20 * (40 + 20) + 8 * 20)
    first = 2 * (4 * 20 * (10 + 20) + 8 * 20)
    assert rnn_param_count("LSTM", 10, 20, 2, bidirectional=True) == first + second


@pytest.mark.parametrize("cls", [rnnbook.RNN, rnnbook.LSTM, rnnbook.GRU])
def test_count_params_of_rnnbook_layers(cls):
    layer = cls(5, 7, 2, bidirectional=True, rng=np.random.default_rng(0))
    mode = cls.__name__
    assert count_params(layer) == rnn_param_count(mode, 5, 7, 2, bidirectional=True)


def test_count_params_of_charlm():
    model = CharLM(30, 16, "lstm", rng=np.random.default_rng(0))
    expected = rnn_param_count("LSTM", 30, 16) + linear_param_count(16, 30)
    assert count_params(model) == expected


def test_linear_counts_equal_torch():
    for n_in, n_out, bias in itertools.product((1, 7), (3, 10), (False, True)):
        module = torch.nn.Linear(n_in, n_out, bias=bias)
        assert linear_param_count(n_in, n_out, bias) == _numel(module)
        assert count_params(module) == _numel(module)


def test_conv2d_counts_equal_torch():
    for kernel, bias in itertools.product((1, 3, (3, 5), [2, 1]), (False, True)):
        module = torch.nn.Conv2d(4, 6, kernel, bias=bias)
        assert conv2d_param_count(4, 6, kernel, bias) == _numel(module)


def test_conv2d_count_ignores_stride_and_padding():
    a = torch.nn.Conv2d(3, 8, 5, stride=1, padding=0)
    b = torch.nn.Conv2d(3, 8, 5, stride=2, padding=2)
    assert _numel(a) == _numel(b) == conv2d_param_count(3, 8, 5)


def test_conv2d_output_size_equals_torch():
    cases = itertools.product((5, 8, 13), (1, 2, 3), (1, 2, 3), (0, 1, 2), (1, 2))
    for size, k, s, p, d in cases:
        if size + 2 * p < d * (k - 1) + 1:
            continue
        conv = torch.nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d)
        with torch.no_grad():
            out = conv(torch.zeros(1, 1, size, size + 1))
        expected = tuple(out.shape[2:])
        assert conv2d_output_size((size, size + 1), k, s, p, d) == expected
        assert conv2d_output_size(size, k, s, p, d) == expected[0]


def test_conv2d_output_size_with_pairs():
    conv = torch.nn.Conv2d(1, 1, (3, 5), stride=(2, 1), padding=(1, 2))
    out = conv(torch.zeros(1, 1, 9, 11)).shape[2:]
    assert conv2d_output_size((9, 11), (3, 5), (2, 1), (1, 2)) == tuple(out)


# --- the numbers of seed note 002 ------------------------------------------------


def test_stride_and_padding_examples():
    # input + 2 * padding = kernel + stride * (output - 1)
    examples = [  # (size, kernel, stride, padding, output)
        (4, 3, 1, 0, 2),   # 4 x 4 -> 2 x 2
        (5, 3, 1, 1, 5),   # "same" padding: output = input
        (5, 3, 2, 0, 2),   # 5 x 5 -> 2 x 2
        (5, 3, 2, 1, 3),   # 5 x 5 -> 3 x 3
    ]
    for size, k, s, p, out in examples:
        assert conv2d_output_size(size, k, s, p) == out
        assert size + 2 * p == k + s * (out - 1)


def test_rgb_convolution_example():
    # a 32 x 32 x 3 image and four 5 x 5 x 3 filters give 28 x 28 x 4
    assert conv2d_output_size((32, 32), 5) == (28, 28)
    assert conv2d_param_count(3, 4, 5, bias=False) == 5 * 5 * 3 * 4


def test_conv_parameter_example():
    assert conv2d_param_count(128, 64, 3, bias=False) == 73_728


def test_alexnet_layer_counts_from_the_seed_note():
    # two GPUs: each layer's kernels are split in halves (weights only)
    assert conv2d_param_count(3, 48 * 2, 11, bias=False) == 34_848  # ~35k
    assert conv2d_param_count(48, 128 * 2, 5, bias=False) == 307_200  # ~307k
    assert conv2d_param_count(128 * 2, 192 * 2, 3, bias=False) == 884_736  # ~884k
    assert conv2d_param_count(192, 192 * 2, 3, bias=False) == 663_552  # ~663k
    assert conv2d_param_count(192, 128 * 2, 3, bias=False) == 442_368  # ~442k
    # the note's dense layers (it uses 13 x 13 x 256 inputs for the first)
    assert linear_param_count(13 * 13 * 128 * 2, 2048 * 2, bias=False) == 177_209_344
    assert linear_param_count(2048 * 2, 2048 * 2, bias=False) == 16_777_216  # ~16M
    assert linear_param_count(2048 * 2, 1000, bias=False) == 4_096_000  # ~4M
    # the real AlexNet pools to 6 x 6 x 256 first: 37.7M weights in that layer
    assert linear_param_count(6 * 6 * 256, 4096, bias=False) == 37_748_736
    assert conv2d_output_size(227, 11, stride=4) == 55


def test_dense_layer_and_its_convolutionalized_form():
    # (4 x 4 x 16) flattened -> 10 outputs, or ten 4 x 4 x 16 kernels
    dense = linear_param_count(4 * 4 * 16, 10, bias=False)
    conv = conv2d_param_count(16, 10, 4, bias=False)
    assert dense == conv == 2_560
    assert conv2d_output_size((4, 4), 4) == (1, 1)
    assert _numel(torch.nn.Conv2d(16, 10, 4, bias=False)) == 2_560


def test_two_3x3_convolutions_are_cheaper_than_one_5x5():
    C = 128
    two_3x3 = 2 * conv2d_param_count(C, C, 3, bias=False)
    one_5x5 = conv2d_param_count(C, C, 5, bias=False)
    assert (two_3x3, one_5x5) == (294_912, 409_600)
    # same receptive field: 5 -> 3 -> 1 versus 5 -> 1
    assert conv2d_output_size(conv2d_output_size(5, 3), 3) == conv2d_output_size(5, 5)


def test_1x1_convolution_reduces_parameters():
    direct = conv2d_param_count(256, 256, 3, bias=False)
    bottleneck = (conv2d_param_count(256, 64, 1, bias=False)
                  + conv2d_param_count(64, 256, 3, bias=False))
    assert (direct, bottleneck) == (589_824, 163_840)


# --- bad input ------------------------------------------------------------------------


def test_counting_rejects_bad_input():
    with pytest.raises(ValueError, match=r"mode: expected one of \['RNN'"):
        rnn_param_count("CNN", 3, 4)
    with pytest.raises(ValueError, match="hidden_size: expected a positive int, got 0"):
        rnn_param_count("GRU", 3, 0)
    with pytest.raises(TypeError, match="bias: expected a bool, got int"):
        rnn_param_count("GRU", 3, 4, bias=1)
    with pytest.raises(
        TypeError, match="in_features: expected a positive int, got float"
    ):
        linear_param_count(2.0, 3)
    with pytest.raises(ValueError, match=r"kernel_size: expected an int or a pair"):
        conv2d_param_count(3, 4, (3, 3, 3))
    with pytest.raises(ValueError, match="padding: expected an int >= 0, got -1"):
        conv2d_output_size(5, 3, padding=-1)
    with pytest.raises(
        ValueError, match="kernel_size: a kernel spanning 7 does not fit"
    ):
        conv2d_output_size(5, 7)
    with pytest.raises(
        ValueError, match=r"stride\[1\]: expected a positive int, got 0"
    ):
        conv2d_output_size(5, 3, stride=(1, 0))
    with pytest.raises(TypeError, match="obj: expected an rnnbook layer/model"):
        count_params([1, 2, 3])
