"""Tests of rnnbook.charlm: the character-level language model."""

import time

import numpy as np
import pytest
import torch

from rnnbook.charlm import (
    CharLM,
    Vocab,
    load_corpus,
    one_hot,
    softmax_cross_entropy,
    train,
)
from rnnbook.gradcheck import check_function, numerical_gradient

CELLS = ["rnn", "lstm", "gru"]


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def _hello():
    vocab = Vocab("helo")  # the book's vocabulary [h, e, l, o]
    return vocab, vocab.encode("hell"), vocab.encode("ello")


# --- Vocab and one_hot ----------------------------------------------------------


def test_vocab_keeps_order_and_round_trips():
    vocab, inputs, targets = _hello()
    assert vocab.chars == "helo" and vocab.size == 4
    np.testing.assert_array_equal(inputs, [0, 1, 2, 2])
    np.testing.assert_array_equal(targets, [1, 2, 2, 3])
    assert inputs.dtype == np.int64
    assert vocab.decode(vocab.encode("hello")) == "hello"
    assert vocab.decode([3, 2]) == "ol"
    assert vocab.decode(np.array([], dtype=np.int64)) == ""


def test_vocab_from_corpus_round_trips():
    text = load_corpus()
    vocab = Vocab.from_text(text)
    assert vocab.chars == "".join(sorted(set(text)))
    assert vocab.decode(vocab.encode(text)) == text


def test_corpus_is_small_bilingual_and_repetitive():
    text = load_corpus()
    vocab = Vocab.from_text(text)
    assert vocab.size < 150
    assert "hello" in text and "신경망" in text and "날씨" in text
    assert text.count("the network") >= 10


def test_one_hot():
    x = one_hot(np.array([[0, 2], [1, 1]]), 3)
    assert x.shape == (2, 2, 3) and x.dtype == np.float64
    np.testing.assert_array_equal(x[0, 1], [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(x.sum(axis=-1), np.ones((2, 2)))
    assert one_hot(np.array([1]), 2, dtype=np.float32).dtype == np.float32


# --- softmax cross-entropy --------------------------------------------------------


def test_softmax_cross_entropy_matches_torch_and_finite_differences(rng):
    logits = 3 * rng.standard_normal((5, 7))
    targets = rng.integers(0, 7, 5)
    loss, dlogits = softmax_cross_entropy(logits, targets)
    t = torch.tensor(logits, requires_grad=True)
    expected = torch.nn.functional.cross_entropy(t, torch.tensor(targets))
    expected.backward()
    assert loss == pytest.approx(expected.item(), rel=1e-12)
    np.testing.assert_allclose(dlogits, t.grad.numpy(), rtol=1e-10, atol=1e-14)
    numeric = numerical_gradient(lambda: softmax_cross_entropy(logits, targets)[0],
                                 logits)
    np.testing.assert_allclose(dlogits, numeric, rtol=1e-6, atol=1e-9)


def test_softmax_cross_entropy_is_stable_at_plus_minus_1000():
    logits = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 1000.0]])
    loss, dlogits = softmax_cross_entropy(logits, np.array([0, 1]))
    # row 0 is certain and right (loss 0); row 1 splits between two (loss ln 2)
    assert loss == pytest.approx(np.log(2) / 2, rel=1e-12)
    np.testing.assert_allclose(dlogits, [[0, 0, 0], [0, -0.25, 0.25]], atol=1e-15)
    # confidently wrong: a huge but finite loss
    loss, dlogits = softmax_cross_entropy(np.array([[1000.0, -1000.0]]), np.array([1]))
    assert loss == pytest.approx(2000.0)
    np.testing.assert_allclose(dlogits, [[1.0, -1.0]])


def test_uniform_logits_give_ln_V():
    loss, _ = softmax_cross_entropy(np.zeros((3, 10)), np.array([0, 5, 9]))
    assert loss == pytest.approx(np.log(10))


# --- CharLM gradients -------------------------------------------------------------


@pytest.mark.parametrize("cell", CELLS)
def test_loss_gradient_matches_finite_differences(cell, rng):
    V, H, T = 5, 4, 6
    model = CharLM(V, H, cell, rng=rng)
    inputs, targets = rng.integers(0, V, T), rng.integers(0, V, T)
    h = 0.5 * rng.standard_normal((1, H))
    state = (h, 0.5 * rng.standard_normal((1, H))) if cell == "lstm" else h
    loss, grads, _ = model.loss(inputs, targets, state)
    assert list(grads) == list(model.params)
    errors = check_function(lambda: model.loss(inputs, targets, state)[0],
                            model.params, grads)
    assert max(errors.values()) < 1e-6, errors


def test_params_are_the_models_own_arrays(rng):
    model = CharLM(4, 3, "gru", rng=rng)
    assert list(model.params)[-2:] == ["weight_hy", "bias_y"]
    assert model.params["weight_hy"].shape == (4, 3)
    assert model.params["bias_y"].shape == (4,)
    model.params["bias_y"][:] = 7.0
    assert np.all(model.head["bias_y"] == 7.0)
    assert model.params["weight_ih_l0"] is model.layer.params["weight_ih_l0"]


@pytest.mark.parametrize("cell", CELLS)
def test_untrained_loss_is_close_to_ln_V(cell):
    text = load_corpus()
    vocab = Vocab.from_text(text)
    model = CharLM(vocab.size, 32, cell, rng=np.random.default_rng(0))
    ids = vocab.encode(text[:200])
    loss, _, _ = model.loss(ids[:-1], ids[1:])
    assert loss == pytest.approx(np.log(vocab.size), rel=0.03)


def test_state_is_carried_between_chunks(rng):
    model = CharLM(4, 5, "lstm", rng=rng)
    vocab, inputs, targets = _hello()
    _, _, state = model.loss(inputs, targets)
    h, c = state
    assert h.shape == c.shape == (1, 5)
    loss_fresh, _, _ = model.loss(inputs, targets)
    loss_carried, _, _ = model.loss(inputs, targets, state)
    assert loss_fresh != loss_carried


# --- training on "hello" ------------------------------------------------------------


@pytest.mark.parametrize("cell", CELLS)
def test_overfits_hello_and_samples_it(cell):
    vocab, inputs, targets = _hello()
    model = CharLM(vocab.size, 10, cell, rng=np.random.default_rng(0))
    wall, cpu = time.perf_counter(), time.process_time()
    losses = train(model, vocab.encode("hello"), steps=100, seq_len=4, lr=0.1,
                   rng=np.random.default_rng(0))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"\n{cell}: 100 steps on 'hello' in {wall:.3f} s ({cpu:.3f} s CPU), "
          f"loss {losses[0]:.3f} -> {losses[-1]:.5f}")
    assert losses[0] == pytest.approx(np.log(4), rel=0.1)
    assert losses[-1] < 0.02
    h = vocab.encode("h")[0]
    greedy = model.sample(h, 4, temperature=0.0)
    assert "h" + vocab.decode(greedy) == "hello"
    cold = model.sample(h, 4, temperature=0.1, rng=np.random.default_rng(1))
    assert "h" + vocab.decode(cold) == "hello"


def test_train_with_sgd_and_without_clipping_also_learns():
    vocab, _, _ = _hello()
    model = CharLM(4, 10, "rnn", rng=np.random.default_rng(0))
    losses = train(model, vocab.encode("hello"), steps=300, seq_len=4, lr=0.5,
                   optimizer="sgd", clip=None, rng=np.random.default_rng(0))
    assert losses[-1] < 0.5 * losses[0]


def test_train_runs_over_consecutive_chunks_of_a_longer_text():
    text = load_corpus()[:300]
    vocab = Vocab.from_text(text)
    model = CharLM(vocab.size, 16, "gru", rng=np.random.default_rng(0))
    losses = train(model, vocab.encode(text), steps=30, seq_len=20,
                   rng=np.random.default_rng(0))
    assert len(losses) == 30 and all(np.isfinite(losses))
    assert np.mean(losses[-5:]) < np.mean(losses[:5])


# --- sampling -------------------------------------------------------------------------


def test_sampling_is_reproducible_from_a_seed(rng):
    model = CharLM(6, 8, "lstm", rng=rng)
    a = model.sample(0, 60, rng=np.random.default_rng(42))
    b = model.sample(0, 60, rng=np.random.default_rng(42))
    c = model.sample(0, 60, rng=np.random.default_rng(43))
    assert a.dtype == np.int64 and a.shape == (60,)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def _entropy(ids, V):
    p = np.bincount(ids, minlength=V) / len(ids)
    p = p[p > 0]
    return float(-np.sum(p * np.log(p)))


def test_temperature_sharpens_or_flattens_the_distribution():
    V = 5
    model = CharLM(V, 8, "rnn", rng=np.random.default_rng(0))
    model.head["weight_hy"] *= 5  # a peaked next-character distribution
    greedy = model.sample(0, 30, temperature=0.0)
    cold = model.sample(0, 30, temperature=1e-3, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(cold, greedy)
    entropies = [
        _entropy(model.sample(0, 800, temperature=t, rng=np.random.default_rng(0)), V)
        for t in (0.3, 1.0, 100.0)
    ]
    assert entropies[0] < entropies[1] < entropies[2]
    assert entropies[2] == pytest.approx(np.log(V), abs=0.02)  # nearly uniform


def test_sampling_continues_from_a_given_state(rng):
    vocab, inputs, targets = _hello()
    model = CharLM(4, 10, "gru", rng=np.random.default_rng(0))
    train(model, vocab.encode("hello"), steps=300, seq_len=4,
          rng=np.random.default_rng(0))
    _, _, state = model.loss(vocab.encode("he"), vocab.encode("el"))
    ids = model.sample(vocab.encode("l")[0], 2, temperature=0.0, state=state)
    assert vocab.decode(ids) == "lo"  # "he" + "l" -> "lo"


# --- bad input 


def test_vocab_rejects_bad_input():
    with pytest.raises(
        ValueError, match=r"chars: expected unique characters, got \['l'\]"
    ):
        Vocab("hello")
    with pytest.raises(ValueError, match="chars: expected at least one character"):
        Vocab("")
    with pytest.raises(TypeError, match="chars: expected a str or a sequence"):
        Vocab(["he", "l"])
    with pytest.raises(TypeError, match="chars: expected a str"):
        Vocab(42)
    vocab = Vocab("helo")
    with pytest.raises(ValueError, match="text: character 'x' at position 2"):
        vocab.encode("hex")
    with pytest.raises(TypeError, match="text: expected a str, got list"):
        vocab.encode(["h"])
    with pytest.raises(ValueError, match=r"ids: expected ids in \[0, 4\), got values"):
        vocab.decode(np.array([0, 4]))
    with pytest.raises(TypeError, match="ids: expected an integer dtype, got float64"):
        vocab.decode(np.array([0.0]))
    with pytest.raises(TypeError, match="text: expected a str"):
        Vocab.from_text(None)


def test_one_hot_and_cross_entropy_reject_bad_input():
    with pytest.raises(ValueError, match=r"ids: expected ids in \[0, 3\)"):
        one_hot(np.array([3]), 3)
    with pytest.raises(
        TypeError, match="ids: expected a numpy.ndarray of ints, got list"
    ):
        one_hot([0, 1], 3)
    with pytest.raises(TypeError, match="V: expected a positive int, got float"):
        one_hot(np.array([0]), 3.0)
    with pytest.raises(TypeError, match="dtype: expected float32 or float64"):
        one_hot(np.array([0]), 3, dtype=np.int32)
    with pytest.raises(ValueError, match=r"targets: expected shape \(2,\), got \(3,\)"):
        softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"logits: expected 2 dimensions"):
        softmax_cross_entropy(np.zeros(3), np.array([0]))
    with pytest.raises(ValueError, match="logits: contains NaN"):
        softmax_cross_entropy(np.full((1, 2), np.nan), np.array([0]))


def test_charlm_rejects_bad_input(rng):
    with pytest.raises(
        ValueError, match=r"cell: expected one of \['rnn', 'lstm', 'gru'\]"
    ):
        CharLM(4, 8, "transformer")
    with pytest.raises(ValueError, match="hidden_size: expected a positive int, got 0"):
        CharLM(4, 0)
    with pytest.raises(TypeError, match="rng: expected numpy.random.Generator"):
        CharLM(4, 8, rng=42)
    with pytest.raises(TypeError, match="dtype: expected float32 or float64"):
        CharLM(4, 8, dtype=np.int64)
    model = CharLM(4, 8, "lstm", rng=rng)
    ids = np.array([0, 1, 2])
    with pytest.raises(ValueError,
                       match=r"target_ids: expected the shape of input_ids \(3,\), "
                             r"got \(2,\)"):
        model.loss(ids, ids[:2])
    empty = np.array([], dtype=np.int64)
    with pytest.raises(ValueError, match=r"input_ids: expected a chunk of at least "
                                         r"one character, got an empty array"):
        model.loss(empty, empty)
    with pytest.raises(ValueError, match=r"input_ids: expected ids in \[0, 4\)"):
        model.loss(np.array([0, 9]), np.array([0, 1]))
    with pytest.raises(TypeError, match=r"state: expected a pair \(h, c\)"):
        model.loss(ids, ids, np.zeros((1, 8)))
    with pytest.raises(
        ValueError, match=r"state\[0\]: expected 2 dimensions with shape \(1, 8\)"
    ):
        model.loss(ids, ids, (np.zeros((8,)), np.zeros((1, 8))))
    with pytest.raises(ValueError, match="temperature: expected a finite number >= 0"):
        model.sample(0, 5, temperature=-1.0)
    with pytest.raises(ValueError, match="n: expected a positive int, got 0"):
        model.sample(0, 0)
    with pytest.raises(ValueError, match=r"start_id: expected ids in \[0, 4\)"):
        model.sample(4, 5)


def test_train_rejects_bad_input(rng):
    model = CharLM(4, 8, rng=rng)
    ids = np.array([0, 1, 2, 3])
    with pytest.raises(
        ValueError, match="ids: expected at least seq_len \\+ 1 = 5 ids, got 4"
    ):
        train(model, ids, steps=1, seq_len=4)
    with pytest.raises(
        ValueError, match=r"optimizer: expected one of \['adagrad', 'sgd'\]"
    ):
        train(model, ids, steps=1, seq_len=2, optimizer="adam")
    with pytest.raises(ValueError, match="clip: expected a finite number > 0"):
        train(model, ids, steps=1, seq_len=2, clip=-1.0)
    with pytest.raises(TypeError, match="model: expected a CharLM, got str"):
        train("model", ids, steps=1)
    with pytest.raises(TypeError, match="steps: expected a positive int, got float"):
        train(model, ids, steps=1.5, seq_len=2)


def test_lstm_state_may_be_a_list_like_the_layer_accepts(rng):
    """CharLM.loss and sample take (h, c) as a list too, with the tuple's result."""
    model = CharLM(4, 8, "lstm", rng=rng)
    ids = np.array([0, 1, 2, 3])
    h0, c0 = rng.standard_normal((1, 8)), rng.standard_normal((1, 8))
    loss_t, grads_t, state_t = model.loss(ids, ids, (h0, c0))
    loss_l, grads_l, state_l = model.loss(ids, ids, [h0, c0])
    assert loss_l == loss_t
    for name in grads_t:
        np.testing.assert_array_equal(grads_l[name], grads_t[name])
    np.testing.assert_array_equal(state_l[1], state_t[1])
    sample_t = model.sample(0, 6, rng=np.random.default_rng(5), state=(h0, c0))
    sample_l = model.sample(0, 6, rng=np.random.default_rng(5), state=[h0, c0])
    np.testing.assert_array_equal(sample_l, sample_t)
