"""The encoder-decoder of rnnbook.seq2seq: the task's readings, attention's
forward and backward against torch autograd, the whole model's gradients by
finite differences, and a short training run that must learn."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnbook import seq2seq as s2s
from rnnbook.gradcheck import numerical_gradient, relative_error


@pytest.mark.parametrize("n, word", [(1, "일"), (10, "십"), (11, "십일"), (20, "이십"),
                                     (100, "백"), (101, "백일"), (110, "백십"),
                                     (321, "삼백이십일"), (999, "구백구십구"),
                                     (405, "사백오")])
def test_number_word(n, word):
    assert s2s.number_word(n) == word


@pytest.mark.parametrize("bad", [0, 1000])
def test_number_word_out_of_range(bad):
    with pytest.raises(ValueError, match="n: expected"):
        s2s.number_word(bad)


def test_make_batch_pads_and_masks():
    src, lengths, tgt_in, tgt_out, mask = s2s.make_batch([321, 7])
    assert src.shape == (5, 2) and lengths.tolist() == [5, 1]
    assert s2s.TARGET.decode(tgt_in[:, 0]) == "<321"
    assert s2s.TARGET.decode(tgt_out[:, 0]) == "321>"
    assert s2s.TARGET.decode(tgt_out[:2, 1]) == "7>"
    assert mask[:, 1].tolist() == [True, True, False, False]


def test_attention_matches_torch_autograd():
    rng = np.random.default_rng(0)
    T, S, B, H = 3, 5, 2, 4
    s, h = rng.normal(size=(T, B, H)), rng.normal(size=(S, B, H))
    mask = np.arange(S)[:, None] < np.array([5, 3])[None, :]
    dc = rng.normal(size=(T, B, H))
    c, a = s2s.attention_forward(s, h, mask)
    ds, dh = s2s.attention_backward(dc, s, h, a)

    st, ht = (torch.tensor(v, requires_grad=True) for v in (s, h))
    e = torch.einsum("tbh,sbh->bts", st, ht)
    e = e.masked_fill(~torch.tensor(mask.T)[:, None, :], float("-inf"))
    at = torch.softmax(e, dim=2)
    ct = torch.einsum("bts,sbh->tbh", at, ht)
    (ct * torch.tensor(dc)).sum().backward()
    assert np.abs(c - ct.detach().numpy()).max() < 1e-12
    assert np.abs(a - at.detach().numpy()).max() < 1e-12
    assert np.abs(ds - st.grad.numpy()).max() < 1e-12
    assert np.abs(dh - ht.grad.numpy()).max() < 1e-12
    assert np.all(a[1, :, 3:] == 0)  # the padding gets no weight
    assert np.allclose(a.sum(axis=2), 1)


@pytest.mark.parametrize("attention", [False, True])
def test_model_gradients_by_finite_differences(attention):
    model = s2s.Seq2Seq(5, attention=attention, rng=np.random.default_rng(3))
    batch = s2s.make_batch([321, 7, 110])
    _, grads = model.loss(*batch)
    assert sorted(grads) == sorted(model.params)
    for name, p in model.params.items():
        num = numerical_gradient(lambda: model.loss(*batch)[0], p)
        assert relative_error(grads[name], num) < 1e-6, name


def test_training_learns_the_task():
    rng = np.random.default_rng(0)
    numbers = rng.permutation(np.arange(1, 1000))
    model = s2s.Seq2Seq(32, attention=True, rng=np.random.default_rng(1))
    before = s2s.accuracy(model, numbers[:100])
    losses = s2s.train(model, numbers[100:], steps=200, rng=np.random.default_rng(2))
    assert losses[-1] < 0.2 * losses[0]
    assert before < 0.05 and s2s.accuracy(model, numbers[:100]) > 0.9


def test_recorded_runs_come_from_this_code():
    """bench/seq2seq.json: one recorded seed, re-run from the file's settings."""
    import json
    import sys
    from pathlib import Path

    bench = Path(__file__).resolve().parents[1] / "bench"
    record = json.loads((bench / "seq2seq.json").read_text(encoding="utf-8"))
    sys.path.insert(0, str(bench))
    try:
        from record_seq2seq import run
    finally:
        sys.path.remove(str(bench))
    seed = record["seeds"][0]
    for attention in (False, True):
        recorded = next(r for r in record["runs"]
                        if r["seed"] == seed and r["attention"] == attention)
        accuracy, _, loss = run(attention, seed, record["settings"])
        assert accuracy == recorded["accuracy"]
        assert abs(loss - recorded["final_loss"]) < 1e-9
