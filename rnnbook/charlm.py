"""A character-level language model: read one character, guess the next.

The model is the "hello" example of the book at any size. With the vocabulary
[h, e, l, o], the input "hell" is trained to predict the target "ello":

    x_t      = one_hot(id_t)                     (V,)
    h_t      = cell(x_t, h_{t-1})                (H,)   an RNN, LSTM or GRU
    logits_t = h_t W_hy^T + b_y                  (V,)
    p_t      = softmax(logits_t)
    loss     = mean_t -log p_t[target_t]

At test time we sample one character at a time and feed it back as the next
input. Training uses truncated backpropagation through time: the text is cut
into consecutive chunks of ``seq_len`` characters; the hidden state is carried
from one chunk to the next, but gradients stop at the chunk boundary.
"""

from __future__ import annotations

from importlib import resources

import numpy as np

from ._validate import (
    check_array,
    check_choice,
    check_float_dtype,
    check_int_array,
    check_positive_float,
    check_positive_int,
    check_rng,
)
from .activations import log_softmax, softmax
from .layers import GRU, LSTM, RNN
from .optim import SGD, Adagrad, clip_grad_norm

_CELLS = {"rnn": RNN, "lstm": LSTM, "gru": GRU}


class Vocab:
    """The characters a model knows, and the map between characters and ids.

    Args:
        chars: the characters, in id order (a str, or a sequence of
            one-character strings); no duplicates.

    Attributes:
        chars (str): the characters in id order.
        size (int): the number of characters, V.

    Raises:
        TypeError: ``chars`` is not a str or a sequence of one-character str.
        ValueError: ``chars`` is empty or has a duplicate.

    Examples:
        >>> vocab = Vocab("helo")              # the book's [h, e, l, o]
        >>> vocab.encode("hello")
        array([0, 1, 2, 2, 3])
        >>> vocab.decode(vocab.encode("hello"))
        'hello'
    """

    def __init__(self, chars):
        if isinstance(chars, str):
            chars = list(chars)
        if not isinstance(chars, (list, tuple)) or not all(
            isinstance(c, str) and len(c) == 1 for c in chars
        ):
            raise TypeError(
                "chars: expected a str or a sequence of one-character str, "
                f"got {type(chars).__name__}"
            )
        if not chars:
            raise ValueError("chars: expected at least one character, got none")
        duplicates = sorted({c for c in chars if chars.count(c) > 1})
        if duplicates:
            raise ValueError(f"chars: expected unique characters, got {duplicates}")
        self.chars = "".join(chars)
        self.size = len(chars)
        self._ids = {c: i for i, c in enumerate(chars)}  # char -> id

    @classmethod
    def from_text(cls, text):
        """The sorted distinct characters of ``text``.

        Examples:
            >>> Vocab.from_text("hello").chars
            'ehlo'
        """
        if not isinstance(text, str):
            raise TypeError(f"text: expected a str, got {type(text).__name__}")
        return cls(sorted(set(text)))

    def encode(self, text):
        """Characters -> ids.

        Args:
            text: a str whose characters are all in the vocabulary.

        Returns:
            int64 ndarray, shape (len(text),).

        Raises:
            TypeError: ``text`` is not a str.
            ValueError: a character is not in the vocabulary.
        """
        if not isinstance(text, str):
            raise TypeError(f"text: expected a str, got {type(text).__name__}")
        for position, c in enumerate(text):
            if c not in self._ids:
                raise ValueError(
                    f"text: character {c!r} at position {position} is not in "
                    f"the vocabulary {self.chars!r}"
                )
        return np.array([self._ids[c] for c in text], dtype=np.int64)  # (len,)

    def decode(self, ids):
        """Ids -> characters.

        Args:
            ids: 1-D integer ndarray (or list of ints), each in [0, V).

        Returns:
            str of len(ids) characters.

        Raises:
            TypeError: ``ids`` is not integer.
            ValueError: ``ids`` is not 1-D or an id is out of range.
        """
        if isinstance(ids, (list, tuple)):
            ids = np.array(ids, dtype=np.int64)
        check_int_array("ids", ids, 1, high=self.size)
        return "".join(self.chars[i] for i in ids)

    def __repr__(self):
        return f"Vocab({self.chars!r})"


def one_hot(ids, V, dtype=np.float64):
    """One-hot vectors: row ``ids[...]`` of the V x V identity matrix.

    Args:
        ids: integer ndarray of any shape, each in [0, V).
        V: vocabulary size, >= 1.
        dtype: float32 or float64.

    Returns:
        ndarray of shape (*ids.shape, V) with a single 1 in each last-axis row.

    Raises:
        TypeError: ``ids`` is not an integer ndarray, ``V`` not an int, or
            ``dtype`` not float.
        ValueError: an id is outside [0, V).

    Examples:
        >>> one_hot(np.array([0, 2]), 3)
        array([[1., 0., 0.],
               [0., 0., 1.]])
    """
    V = check_positive_int("V", V)
    dtype = check_float_dtype("dtype", dtype)
    if not isinstance(ids, np.ndarray):
        raise TypeError(
            f"ids: expected a numpy.ndarray of ints, got {type(ids).__name__}"
        )
    check_int_array("ids", ids, ids.ndim, high=V)
    return np.eye(V, dtype=dtype)[ids]  # (*ids.shape, V)


def softmax_cross_entropy(logits, targets):
    """Mean cross-entropy of softmax(logits) against target ids, and its gradient.

        loss = -(1/N) sum_n log softmax(logits_n)[targets_n]
        dloss/dlogits_n = (softmax(logits_n) - one_hot(targets_n)) / N

    Computed with log-softmax (shifted by the row maximum), so logits of
    +-1000 give exact results without overflow or warnings.

    Args:
        logits: float ndarray, shape (N, V).
        targets: integer ndarray, shape (N,), each in [0, V).

    Returns:
        (loss, dlogits): loss is a float; dlogits has shape (N, V).

    Raises:
        TypeError: wrong array types.
        ValueError: wrong shapes, N = 0, or a target outside [0, V).

    Examples:
        >>> loss, dlogits = softmax_cross_entropy(np.zeros((2, 4)), np.array([0, 3]))
        >>> round(loss, 4), round(float(np.log(4)), 4)     # a uniform guess: ln V
        (1.3863, 1.3863)
    """
    check_array("logits", logits, ("N", "V"))
    N, V = logits.shape
    if N == 0:
        raise ValueError("logits: expected at least one row, got shape (0, V)")
    check_int_array("targets", targets, 1, high=V)
    if targets.shape != (N,):
        raise ValueError(f"targets: expected shape ({N},), got {targets.shape}")
    rows = np.arange(N)
    log_p = log_softmax(logits)  # (N, V)
    # loss = -(1/N) sum_n log p_n[target_n]
    loss = -np.mean(log_p[rows, targets])
    # dloss/dlogits = (p - one_hot(targets)) / N
    dlogits = np.exp(log_p)  # (N, V), the probabilities p
    dlogits[rows, targets] -= 1.0
    dlogits /= N
    return float(loss), dlogits


class CharLM:
    """A recurrent layer plus a linear output layer over characters.

        h_t      = cell(one_hot(x_t), h_{t-1})     cell: RNN, LSTM or GRU
        logits_t = h_t W_hy^T + b_y

    Args:
        vocab_size: V, the number of characters.
        hidden_size: H, the size of the hidden state.
        cell: "rnn", "lstm" or "gru".
        rng: numpy Generator for the initial weights (None: a fresh one).
            Every weight is uniform in (-1/sqrt(H), 1/sqrt(H)), like torch.
        dtype: float64 (default) or float32.

    Attributes:
        layer: the ``rnnbook.RNN``/``LSTM``/``GRU`` with input size V.
        head: dict with "weight_hy" (V, H) and "bias_y" (V,).
        params: all parameters in one dict (the layer's, then the head's);
            the arrays are the model's own, so in-place updates train it.

    Raises:
        TypeError, ValueError: a bad size, cell name, rng or dtype.

    Examples:
        >>> vocab = Vocab("helo")
        >>> model = CharLM(vocab.size, 8, "lstm", rng=np.random.default_rng(0))
        >>> inputs, targets = vocab.encode("hell"), vocab.encode("ello")
        >>> loss, grads, state = model.loss(inputs, targets)
        >>> sorted(grads) == sorted(model.params)
        True
    """

    def __init__(self, vocab_size, hidden_size, cell="rnn", *, rng=None,
                 dtype=np.float64):
        V = check_positive_int("vocab_size", vocab_size)
        H = check_positive_int("hidden_size", hidden_size)
        self.cell = check_choice("cell", cell, _CELLS)
        self.dtype = check_float_dtype("dtype", dtype)
        rng = check_rng("rng", rng)
        self.vocab_size, self.hidden_size = V, H
        self.layer = _CELLS[cell](V, H, dtype=self.dtype, rng=rng)
        k = 1.0 / np.sqrt(H)
        self.head = {
            "weight_hy": rng.uniform(-k, k, (V, H)).astype(self.dtype),  # (V, H)
            "bias_y": rng.uniform(-k, k, V).astype(self.dtype),  # (V,)
        }

    @property
    def params(self):
        """All parameters: the recurrent layer's, then "weight_hy", "bias_y"."""
        return {**self.layer.params, **self.head}

    def loss(self, input_ids, target_ids, state=None):
        """Mean cross-entropy over one chunk, its gradients, and the final state.

        Args:
            input_ids: int ndarray (T,), the characters read.
            target_ids: int ndarray (T,), the characters to predict (usually
                the inputs shifted by one).
            state: the state carried from the previous chunk: h (1, H), or
                (h, c) for an LSTM (a tuple or a list); None starts from zeros.

        Returns:
            (loss, grads, state): the mean loss per character (float); a dict
            with the keys of ``params``; the final state, to pass to the next
            chunk (no gradient flows back through it: truncated BPTT).

        Raises:
            TypeError, ValueError: bad ids or state.
        """
        V = self.vocab_size
        check_int_array("input_ids", input_ids, 1, high=V)
        check_int_array("target_ids", target_ids, 1, high=V)
        if input_ids.size == 0:
            raise ValueError(
                "input_ids: expected a chunk of at least one character, got an "
                "empty array of shape (0,)"
            )
        if target_ids.shape != input_ids.shape:
            raise ValueError(
                f"target_ids: expected the shape of input_ids {input_ids.shape}, "
                f"got {target_ids.shape}"
            )
        W_hy, b_y = self.head["weight_hy"], self.head["bias_y"]
        x = one_hot(input_ids, V, self.dtype)  # (T, V)
        hs, state = self.layer(x, self._check_state(state))  # hs: (T, H)
        # logits_t = h_t W_hy^T + b_y
        logits = hs @ W_hy.T + b_y  # (T, V)
        loss, dlogits = softmax_cross_entropy(logits, target_ids)
        # dL/dW_hy = dlogits^T hs ;  dL/db_y = sum_t dlogits_t
        head_grads = {"weight_hy": dlogits.T @ hs, "bias_y": dlogits.sum(axis=0)}
        # dL/dh_t = dlogits_t W_hy  (then BPTT inside the layer)
        dhs = dlogits @ W_hy  # (T, H)
        _, _, layer_grads = self.layer.backward(dhs)
        return loss, {**layer_grads, **head_grads}, state

    def sample(self, start_id, n, temperature=1.0, rng=None, state=None):
        """Generate ``n`` characters, feeding each sampled one back as input.

            p = softmax(logits / temperature)

        A low temperature sharpens p towards the most likely character; a high
        one flattens it towards uniform. ``temperature=0`` picks the argmax
        (greedy decoding).

        Args:
            start_id: the id of the first input character.
            n: how many characters to generate, >= 1.
            temperature: >= 0.
            rng: numpy Generator that draws the samples (None: a fresh one).
                The same seed gives the same text.
            state: initial state as in ``loss``; None starts from zeros.

        Returns:
            int64 ndarray (n,): the generated ids (``start_id`` not included).

        Raises:
            TypeError, ValueError: bad arguments.

        Examples:
            >>> model = CharLM(4, 8, rng=np.random.default_rng(0))
            >>> ids = model.sample(0, 5, rng=np.random.default_rng(1))
            >>> ids.shape
            (5,)
        """
        V = self.vocab_size
        check_int_array("start_id", np.asarray(start_id), 0, high=V)
        n = check_positive_int("n", n)
        temperature = check_positive_float("temperature", temperature, allow_zero=True)
        rng = check_rng("rng", rng)
        state = self._check_state(state)
        W_hy, b_y = self.head["weight_hy"], self.head["bias_y"]
        ids = np.empty(n, dtype=np.int64)  # (n,)
        current = int(start_id)
        for t in range(n):
            x = one_hot(np.array([current]), V, self.dtype)  # (1, V)
            h, state = self.layer(x, state)  # h: (1, H)
            # logits = h W_hy^T + b_y
            logits = (h[0] @ W_hy.T + b_y).astype(np.float64)  # (V,)
            current = _pick(logits, temperature, rng)
            ids[t] = current
        return ids

    def _check_state(self, state):
        """Validate a carried state: h (1, H), or (h, c) for an LSTM."""
        if state is None:
            return None
        shape = (1, self.hidden_size)
        if self.cell == "lstm":
            # a tuple or a list, as the LSTM layer accepts
            if not (isinstance(state, (tuple, list)) and len(state) == 2):
                raise TypeError(
                    f"state: expected a pair (h, c) for an LSTM, "
                    f"got {type(state).__name__}"
                )
            check_array("state[0]", state[0], shape, self.dtype)
            check_array("state[1]", state[1], shape, self.dtype)
            return tuple(state)
        return check_array("state", state, shape, self.dtype)


def _pick(logits, temperature, rng):
    """Choose the next id: argmax at temperature 0, else sample softmax(z / T)."""
    if temperature == 0:
        return int(np.argmax(logits))
    # p = softmax(logits / temperature)
    p = softmax(logits / temperature)
    return int(rng.choice(len(p), p=p))


def train(model, ids, *, steps, seq_len=25, lr=0.1, optimizer="adagrad",
          clip=5.0, rng=None):
    """Train a CharLM with truncated BPTT over consecutive chunks of ``ids``.

    Each step reads ``inputs = ids[p : p + seq_len]``, predicts
    ``targets = ids[p + 1 : p + seq_len + 1]``, clips the gradient norm,
    updates the parameters, and moves ``p`` on by ``seq_len``, carrying the
    hidden state. When the text runs out, a new pass starts from zero state
    at a random offset in [0, seq_len) (drawn from ``rng``), so chunk borders
    differ between passes.

    Args:
        model: a ``CharLM``.
        ids: int ndarray (N,), the encoded text, N >= seq_len + 1.
        steps: number of updates, >= 1.
        seq_len: characters per chunk (the truncation length), >= 1.
        lr: learning rate, > 0.
        optimizer: "adagrad" (as in min-char-rnn) or "sgd".
        clip: the maximum gradient norm (``clip_grad_norm``), or None.
        rng: numpy Generator for the pass offsets (None: a fresh one).

    Returns:
        list of ``steps`` floats: the mean loss per character at each step.

    Raises:
        TypeError, ValueError: bad arguments, or ``ids`` too short.

    Examples:
        >>> vocab = Vocab("helo")
        >>> model = CharLM(4, 10, rng=np.random.default_rng(0))
        >>> losses = train(model, vocab.encode("hello"), steps=100, seq_len=4,
        ...                rng=np.random.default_rng(0))
        >>> losses[-1] < losses[0]
        True
    """
    if not isinstance(model, CharLM):
        raise TypeError(f"model: expected a CharLM, got {type(model).__name__}")
    check_int_array("ids", ids, 1, high=model.vocab_size)
    steps = check_positive_int("steps", steps)
    seq_len = check_positive_int("seq_len", seq_len)
    if len(ids) < seq_len + 1:
        raise ValueError(
            f"ids: expected at least seq_len + 1 = {seq_len + 1} ids, got {len(ids)}"
        )
    check_choice("optimizer", optimizer, ("adagrad", "sgd"))
    opt = Adagrad(lr) if optimizer == "adagrad" else SGD(lr)
    if clip is not None:
        check_positive_float("clip", clip)
    rng = check_rng("rng", rng)
    losses = []
    p, state = len(ids), None  # start with a new pass
    for _ in range(steps):
        if p + seq_len + 1 > len(ids):  # new pass over the text
            p = int(rng.integers(0, min(seq_len, len(ids) - seq_len)))
            state = None
        inputs = ids[p : p + seq_len]  # (seq_len,)
        targets = ids[p + 1 : p + seq_len + 1]  # (seq_len,)
        loss, grads, state = model.loss(inputs, targets, state)
        if clip is not None:
            clip_grad_norm(grads, clip)
        opt.step(model.params, grads)
        losses.append(loss)
        p += seq_len
    return losses


def load_corpus():
    """The book's small Korean + English training text (rnnbook/data/corpus.txt).

    Returns:
        str: the whole corpus, lines separated by "\\n".

    Examples:
        >>> text = load_corpus()
        >>> vocab = Vocab.from_text(text)
        >>> vocab.size < 200
        True
    """
    path = resources.files("rnnbook").joinpath("data", "corpus.txt")
    return path.read_text(encoding="utf-8")
