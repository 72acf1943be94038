"""Sequence to sequence: a GRU encoder-decoder, with or without attention.

The book's task reads a Korean number word and writes its digits
("삼백이십일" -> "321"). The encoder reads the source characters (a packed
batch, so each word stops at its own last character); the decoder starts from
the encoder's last state and writes the target one character at a time::

    h_j     = GRU_enc(x_j, h_{j-1})                 j = 1..S   (encoder states)
    s_0     = h_S                                    (each source's last real step)
    s_t     = GRU_dec(y_{t-1}, s_{t-1})              t = 1..T   (y_0 = "<")
    logits_t = z_t W_o^T + b_o                       z_t = s_t without attention

With attention (dot-product scores, as in Luong et al. 2015), each decoder
state looks at every encoder state::

    e_tj     = s_t . h_j                            (score)
    a_tj     = exp(e_tj) / sum_k exp(e_tk)          (attention weight, real j only)
    c_t      = sum_j a_tj h_j                       (context)
    z_t      = tanh([s_t, c_t] W_c^T + b_c)

Training uses teacher forcing (the decoder reads the true previous character);
``translate`` decodes greedily (it reads its own previous choice).
"""

from __future__ import annotations

import numpy as np

from ._validate import check_bool, check_positive_int, check_rng
from .charlm import Vocab, one_hot, softmax_cross_entropy
from .layers import GRU
from .packing import pack_padded_sequence, pad_packed_sequence

BOS, EOS = "<", ">"  # start and end of a target
DIGITS = "일이삼사오육칠팔구"  # 1..9
SOURCE = Vocab(DIGITS + "십백")
TARGET = Vocab(BOS + EOS + "0123456789")


# ---------------------------------------------------------------- the task


def number_word(n):
    """The Korean reading of 1 <= n <= 999 in Sino-Korean numerals.

    A 1 before 십 or 백 is not read: 110 is "백십", 321 is "삼백이십일".

    Examples:
        >>> number_word(321), number_word(110), number_word(7)
        ('삼백이십일', '백십', '칠')
    """
    n = check_positive_int("n", n)
    if n > 999:
        raise ValueError(f"n: expected 1 <= n <= 999, got {n}")
    word = ""
    for value, unit in ((100, "백"), (10, "십"), (1, "")):
        d = n // value % 10
        if d:
            word += ("" if d == 1 and unit else DIGITS[d - 1]) + unit
    return word


def make_batch(numbers):
    """Padded arrays for a batch of numbers (each 1..999).

    Returns:
        ``(src, lengths, tgt_in, tgt_out, mask)``: src int (S, B), the source
        ids padded with 0; lengths int (B,), each word's length; tgt_in and
        tgt_out int (T, B), the target read ("<321") and predicted ("321>") by
        the decoder, padded with ">"; mask bool (T, B), True on real targets.
    """
    words = [number_word(int(n)) for n in numbers]
    digits = [str(int(n)) for n in numbers]
    B, S, T = len(words), max(map(len, words)), max(map(len, digits)) + 1
    src = np.zeros((S, B), dtype=np.int64)
    tgt_in = np.full((T, B), TARGET.encode(EOS)[0])
    tgt_out = tgt_in.copy()
    mask = np.zeros((T, B), dtype=bool)
    for b, (w, d) in enumerate(zip(words, digits)):
        src[:len(w), b] = SOURCE.encode(w)
        tgt_in[:len(d) + 1, b] = TARGET.encode(BOS + d)
        tgt_out[:len(d) + 1, b] = TARGET.encode(d + EOS)
        mask[:len(d) + 1, b] = True
    return src, np.array([len(w) for w in words]), tgt_in, tgt_out, mask


# ---------------------------------------------------------------- attention


def attention_forward(s, h, mask):
    """Dot-product attention of every decoder state over the encoder states.

    Args:
        s: decoder states (T, B, H).
        h: encoder states (S, B, H).
        mask: bool (S, B), True where h_j is a real step (not padding).

    Returns:
        ``(c, a)``: contexts c (T, B, H) and weights a (B, T, S); each row
        a[b, t] sums to 1 over the real steps and is 0 on the padding.
    """
    # e_tj = s_t . h_j                              (B, T, S)
    e = np.einsum("tbh,sbh->bts", s, h)
    e = np.where(mask.T[:, None, :], e, -np.inf)
    # a_tj = exp(e_tj) / sum_k exp(e_tk)            (B, T, S)
    a = np.exp(e - e.max(axis=2, keepdims=True))
    a /= a.sum(axis=2, keepdims=True)
    # c_t = sum_j a_tj h_j                          (T, B, H)
    c = np.einsum("bts,sbh->tbh", a, h)
    return c, a


def attention_backward(dc, s, h, a):
    """Gradients of the loss with respect to s and h, given dL/dc.

    Args:
        dc: dL/dc (T, B, H); s, h, a: the forward's inputs and weights.

    Returns:
        ``(ds, dh)``: dL/ds (T, B, H) and dL/dh (S, B, H).
    """
    # da_tj = dc_t . h_j                            (B, T, S)
    da = np.einsum("tbh,sbh->bts", dc, h)
    # de_tj = a_tj (da_tj - sum_k a_tk da_tk)       (softmax backward)
    de = a * (da - np.sum(a * da, axis=2, keepdims=True))
    # ds_t = sum_j de_tj h_j
    ds = np.einsum("bts,sbh->tbh", de, h)
    # dh_j = sum_t a_tj dc_t + sum_t de_tj s_t
    dh = np.einsum("bts,tbh->sbh", a, dc) + np.einsum("bts,tbh->sbh", de, s)
    return ds, dh


# ---------------------------------------------------------------- the model


class Seq2Seq:
    """A GRU encoder, a GRU decoder and a linear output layer (see the module).

    Args:
        hidden_size: H, the size of both GRUs' states.
        attention: add dot-product attention and its layer W_c (H, 2H), b_c (H,).
        rng: numpy Generator for the initial weights.

    Attributes:
        encoder, decoder: the two ``rnnbook.GRU`` layers (one-hot inputs).
        params: every parameter, named "encoder.*", "decoder.*", "weight_c",
            "bias_c", "weight_o", "bias_o"; the arrays are the model's own.
    """

    def __init__(self, hidden_size, attention=False, *, rng=None):
        H = check_positive_int("hidden_size", hidden_size)
        self.attention = check_bool("attention", attention)
        rng = check_rng("rng", rng)
        self.encoder = GRU(SOURCE.size, H, rng=rng)
        self.decoder = GRU(TARGET.size, H, rng=rng)
        k = 1 / np.sqrt(H)
        self.head = {"weight_o": rng.uniform(-k, k, (TARGET.size, H)),
                     "bias_o": rng.uniform(-k, k, TARGET.size)}
        if self.attention:
            k = 1 / np.sqrt(2 * H)
            self.head.update(weight_c=rng.uniform(-k, k, (H, 2 * H)),
                             bias_c=rng.uniform(-k, k, H))

    @property
    def params(self):
        """All parameters in one dict (the arrays themselves, for in-place updates)."""
        return {**{"encoder." + k: v for k, v in self.encoder.params.items()},
                **{"decoder." + k: v for k, v in self.decoder.params.items()},
                **self.head}

    def encode(self, src, lengths):
        """Run the encoder on a packed batch.

        Returns:
            ``(h, mask, h_last)``: the encoder states h (S, B, H) (zeros on the
            padding), the mask (S, B) of real steps, and each source's last
            real state (1, B, H).
        """
        x = one_hot(src, SOURCE.size)  # (S, B, V_src)
        packed = pack_padded_sequence(x, lengths, enforce_sorted=False)
        out, h_last = self.encoder(packed)
        h, _ = pad_packed_sequence(out, total_length=src.shape[0])  # (S, B, H)
        mask = np.arange(src.shape[0])[:, None] < lengths[None, :]  # (S, B)
        return h, mask, h_last

    def _head(self, s, h, mask):
        """Logits (T, B, V) from the decoder states, and what backward needs."""
        if not self.attention:
            return s @ self.head["weight_o"].T + self.head["bias_o"], None
        c, a = attention_forward(s, h, mask)
        sc = np.concatenate([s, c], axis=2)  # (T, B, 2H)
        # z_t = tanh([s_t, c_t] W_c^T + b_c)
        z = np.tanh(sc @ self.head["weight_c"].T + self.head["bias_c"])
        # logits_t = z_t W_o^T + b_o
        return z @ self.head["weight_o"].T + self.head["bias_o"], (c, a, sc, z)

    def loss(self, src, lengths, tgt_in, tgt_out, mask):
        """Mean cross-entropy over the real target steps, with teacher forcing.

        Args:
            src: int (S, B), the padded source ids.
            lengths: int (B,), each source's length.
            tgt_in: int (T, B), the target the decoder reads ("<321").
            tgt_out: int (T, B), the target it predicts ("321>").
            mask: bool (T, B), True on the real target steps.

        The five arrays are those of ``make_batch``.

        Returns:
            ``(loss, grads)``: a float and a dict with the keys of ``params``.
        """
        h, src_mask, h_last = self.encode(src, lengths)
        s, _ = self.decoder(one_hot(tgt_in, TARGET.size), h_last)  # (T, B, H)
        logits, saved = self._head(s, h, src_mask)
        # the loss reads only the real steps: the padding gets no gradient
        loss, d_real = softmax_cross_entropy(logits[mask], tgt_out[mask])
        dlogits = np.zeros_like(logits)
        dlogits[mask] = d_real
        W_o = self.head["weight_o"]
        z = s if saved is None else saved[3]
        grads = {"weight_o": np.einsum("tbv,tbh->vh", dlogits, z),
                 "bias_o": dlogits.sum(axis=(0, 1))}
        dz = dlogits @ W_o  # (T, B, H)
        dh = np.zeros_like(h)
        if saved is None:
            ds = dz
        else:
            c, a, sc, z = saved
            H = s.shape[2]
            # z = tanh(u): du = dz (1 - z^2)
            du = dz * (1 - z * z)
            grads["weight_c"] = np.einsum("tbi,tbj->ij", du, sc)
            grads["bias_c"] = du.sum(axis=(0, 1))
            dsc = du @ self.head["weight_c"]  # (T, B, 2H)
            ds_att, dh = attention_backward(dsc[..., H:], s, h, a)
            ds = dsc[..., :H] + ds_att
        _, dh_last, g_dec = self.decoder.backward(ds)
        d_out = pack_padded_sequence(dh, lengths, enforce_sorted=False)
        _, _, g_enc = self.encoder.backward(d_out, dh_last)
        grads.update({"encoder." + k: v for k, v in g_enc.items()})
        grads.update({"decoder." + k: v for k, v in g_dec.items()})
        return loss, {k: grads[k] for k in self.params}

    def translate(self, numbers, max_len=5):
        """Greedy decoding of a batch of numbers: each step feeds back its argmax.

        Returns:
            ``(texts, weights)``: the decoded digit strings (up to ">"), and
            the attention weights (B, max_len, S) (None without attention).
        """
        src, lengths, *_ = make_batch(numbers)
        h, mask, state = self.encode(src, lengths)
        y = np.full(len(numbers), TARGET.encode(BOS)[0])  # (B,)
        ids, weights = [], []
        for _ in range(max_len):
            s, state = self.decoder(one_hot(y[None], TARGET.size), state)  # (1, B, H)
            logits, saved = self._head(s, h, mask)
            y = logits[0].argmax(axis=1)  # the most likely character
            ids.append(y)
            if saved is not None:
                weights.append(saved[1][:, 0])  # (B, S)
        texts = [TARGET.decode(np.array(row)).split(EOS)[0]
                 for row in np.array(ids).T]
        return texts, (np.stack(weights, axis=1) if weights else None)


def train(model, numbers, *, steps, batch_size=32, lr=0.01, clip=1.0, rng=None):
    """Adam on random batches of ``numbers``, with gradient clipping.

    Args:
        model: a ``Seq2Seq``, trained in place.
        numbers: the training numbers (each 1..999).
        steps: the number of updates.
        batch_size: numbers per batch, drawn without replacement.
        lr: Adam's learning rate.
        clip: the largest total gradient norm.
        rng: numpy Generator for the batches.

    Returns:
        list of float: the loss of every step.
    """
    from .optim import Adam, clip_grad_norm

    rng = check_rng("rng", rng)
    numbers = np.asarray(numbers)
    opt, losses = Adam(lr=lr), []
    for _ in range(check_positive_int("steps", steps)):
        batch = rng.choice(numbers, size=batch_size, replace=False)
        loss, grads = model.loss(*make_batch(batch))
        clip_grad_norm(grads, clip)
        opt.step(model.params, grads)
        losses.append(loss)
    return losses


def accuracy(model, numbers):
    """Exact-match accuracy of greedy decoding: the fraction of numbers whose
    decoded digits equal str(n)."""
    texts, _ = model.translate(numbers)
    return float(np.mean([t == str(int(n)) for t, n in zip(texts, numbers)]))
