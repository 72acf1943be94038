"""Batches of sequences of different lengths, like ``torch.nn.utils.rnn``.

A batch of B sequences with lengths L_0, ..., L_{B-1} can be stored two ways:

- **padded**: one array (T, B, *) (``batch_first``: (B, T, *)) with T = max L_b;
  sequence b fills ``x[:L_b, b]`` and the rest is padding;
- **packed**: the sequences sorted by decreasing length, then read time step by
  time step: ``data`` holds step 0 of every sequence, then step 1 of the
  sequences that have one, and so on. ``batch_sizes[t]`` counts the sequences
  that are longer than t, so the packed data has sum(L_b) rows and no padding.

For lengths 3, 1, 2 (already sorted it is 3, 2, 1) the packed rows are::

    t = 0:  seq0  seq2  seq1     batch_sizes[0] = 3
    t = 1:  seq0  seq2           batch_sizes[1] = 2
    t = 2:  seq0                 batch_sizes[2] = 1

A recurrent layer that reads a ``PackedSequence`` runs each sequence for exactly
its own L_b steps: its ``h_n`` holds every sequence's last real step, which a
padded batch cannot give (there, the steps on the padding run too).

``sorted_indices`` (None when the batch was already sorted) says which sequence
of the caller's batch is in each sorted position; ``unsorted_indices`` is its
inverse, and the layers use both to return ``h_n`` in the caller's order.
"""

from __future__ import annotations

from typing import NamedTuple, Optional

import numpy as np

from ._validate import _shape_str, check_bool


class PackedSequence(NamedTuple):
    """A packed batch, like ``torch.nn.utils.rnn.PackedSequence``.

    Attributes:
        data: (N, *) with N = sum of the lengths: the steps of all sequences,
            time step by time step (sorted by decreasing length within a step).
        batch_sizes: int64 (T,): how many sequences have a step t, for
            t = 0..T-1 (T = the longest length); never increasing.
        sorted_indices: int64 (B,) or None: ``sorted_indices[i]`` is the
            caller's batch index of the i-th longest sequence (None: the batch
            was given sorted).
        unsorted_indices: int64 (B,) or None: the inverse permutation.
    """

    data: np.ndarray
    batch_sizes: np.ndarray
    sorted_indices: Optional[np.ndarray] = None
    unsorted_indices: Optional[np.ndarray] = None


# ---------------------------------------------------------------- checks


def _check_lengths(lengths, B, T, enforce_sorted):
    """Check B lengths with 1 <= L_b <= T; return them as int64 (B,)."""
    if isinstance(lengths, (list, tuple)):
        lengths = np.asarray(lengths)
    if not isinstance(lengths, np.ndarray) or not (
            lengths.ndim == 1 and lengths.dtype.kind in "iu"):
        raise TypeError(
            f"lengths: expected a list or 1-D integer array of {B} lengths, "
            f"got {type(lengths).__name__}"
            + (f" of dtype {lengths.dtype} and shape {_shape_str(lengths.shape)}"
               if isinstance(lengths, np.ndarray) else "")
        )
    if lengths.shape != (B,):
        raise ValueError(
            f"lengths: expected {B} lengths (one per sequence of the batch), "
            f"got {lengths.size}"
        )
    for b, L in enumerate(lengths):
        if L < 1:
            raise ValueError(
                f"lengths: expected every length >= 1, got {int(L)} at index {b} "
                f"(lengths {lengths.tolist()})"
            )
        if L > T:
            raise ValueError(
                f"lengths: expected every length <= T = {T} (the padded input's "
                f"time steps), got {int(L)} at index {b}"
            )
    if enforce_sorted and np.any(np.diff(lengths) > 0):
        raise ValueError(
            "lengths: expected lengths sorted in decreasing order with "
            f"enforce_sorted=True, got {lengths.tolist()}; pass "
            "enforce_sorted=False to have them sorted"
        )
    return lengths.astype(np.int64)


def _check_packed(name, packed):
    """Check that ``packed`` is a consistent PackedSequence; return it.

    Raises:
        TypeError: not a PackedSequence, or its fields have the wrong types.
        ValueError: batch_sizes empty, increasing, < 1 or not summing to the
            rows of data, or indices that are not permutations of the batch.
    """
    if not isinstance(packed, PackedSequence):
        raise TypeError(
            f"{name}: expected an rnnbook.PackedSequence, got {type(packed).__name__}"
        )
    data, batch_sizes, sorted_indices, unsorted_indices = packed
    if not isinstance(data, np.ndarray) or data.ndim < 1:
        raise TypeError(f"{name}.data: expected a numpy.ndarray (N, *), "
                        f"got {type(data).__name__}")
    if not (isinstance(batch_sizes, np.ndarray) and batch_sizes.ndim == 1
            and batch_sizes.dtype.kind in "iu" and batch_sizes.size > 0):
        raise TypeError(f"{name}.batch_sizes: expected a non-empty 1-D integer "
                        f"numpy.ndarray, got {batch_sizes!r}")
    if batch_sizes.min() < 1 or np.any(np.diff(batch_sizes) > 0):
        raise ValueError(f"{name}.batch_sizes: expected values >= 1 that never "
                         f"increase, got {batch_sizes.tolist()}")
    if batch_sizes.sum() != data.shape[0]:
        raise ValueError(
            f"{name}.data: expected sum(batch_sizes) = {batch_sizes.sum()} rows, "
            f"got shape {_shape_str(data.shape)}"
        )
    B = int(batch_sizes[0])
    for field, idx in (("sorted_indices", sorted_indices),
                       ("unsorted_indices", unsorted_indices)):
        if idx is not None and not (isinstance(idx, np.ndarray) and idx.shape == (B,)
                                    and np.array_equal(np.sort(idx), np.arange(B))):
            raise ValueError(f"{name}.{field}: expected None or a permutation of "
                             f"0..{B - 1}, got {idx!r}")
    inverse = None if sorted_indices is None else np.argsort(sorted_indices)
    if (unsorted_indices is None) != (inverse is None) or (
            inverse is not None and not np.array_equal(unsorted_indices, inverse)):
        raise ValueError(f"{name}.unsorted_indices: expected the inverse of "
                         f"sorted_indices, {inverse!r}, got {unsorted_indices!r}")
    return packed


# ---------------------------------------------------------------- packing


def _batch_sizes(sorted_lengths):
    """batch_sizes[t] = how many sequences are longer than t   (max length,)."""
    return np.array([np.sum(sorted_lengths > t) for t in range(sorted_lengths[0])],
                    dtype=np.int64)


def _lengths(batch_sizes):
    """The inverse of ``_batch_sizes``: L_b = how many t have batch_sizes[t] > b."""
    B = batch_sizes[0]
    return np.array([np.sum(batch_sizes > b) for b in range(B)], dtype=np.int64)


def _pack_time_major(x, batch_sizes):
    """(T, B, *) in sorted order -> data (sum of batch_sizes, *).

    Step t contributes its first batch_sizes[t] rows: the sequences still running.
    """
    return np.concatenate([x[t, :n] for t, n in enumerate(batch_sizes)])


def _unpack_time_major(data, batch_sizes, T=None, padding_value=0.0):
    """data (N, *) -> (T, B, *) in sorted order; padding_value past each end."""
    T = len(batch_sizes) if T is None else T
    out = np.full((T, batch_sizes[0], *data.shape[1:]), padding_value,
                  dtype=data.dtype)
    start = 0
    for t, n in enumerate(batch_sizes):
        out[t, :n] = data[start:start + n]
        start += n
    return out


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch, like ``torch.nn.utils.rnn.pack_padded_sequence``.

    Args:
        input: padded batch, (T, B, *) or (B, T, *) if ``batch_first``.
        lengths: the B lengths (list or 1-D int array), each 1 <= L_b <= T.
        batch_first: whether ``input`` is (B, T, *).
        enforce_sorted: if True, ``lengths`` must already be in decreasing
            order (and ``sorted_indices`` is None); if False, the batch is
            sorted here and the permutation kept.

    Returns:
        ``PackedSequence`` whose ``data`` is (sum of lengths, *).

    Raises:
        TypeError: ``input`` is not an array with at least 2 dimensions, or
            ``lengths`` is not a list/1-D int array.
        ValueError: not B lengths, a length < 1 or > T, or unsorted lengths
            with ``enforce_sorted=True``.

    Examples:
        >>> x = np.arange(6.0).reshape(3, 2, 1)          # (T, B, 1)
        >>> packed = pack_padded_sequence(x, [1, 3], enforce_sorted=False)
        >>> packed.data[:, 0], packed.batch_sizes, packed.sorted_indices
        (array([1., 0., 3., 5.]), array([2, 1, 1]), array([1, 0]))
    """
    check_bool("batch_first", batch_first)
    check_bool("enforce_sorted", enforce_sorted)
    if not isinstance(input, np.ndarray) or input.ndim < 2:
        raise TypeError(
            "input: expected a numpy.ndarray (T, B, *) or (B, T, *) with at least "
            f"2 dimensions, got {type(input).__name__}"
            + (f" of shape {_shape_str(input.shape)}"
               if isinstance(input, np.ndarray) else "")
        )
    x = input.swapaxes(0, 1) if batch_first else input  # (T, B, *)
    T, B = x.shape[:2]
    if B == 0:
        raise ValueError(f"input: expected at least one sequence, got shape "
                         f"{_shape_str(input.shape)}")
    lengths = _check_lengths(lengths, B, T, enforce_sorted)
    if enforce_sorted:
        sorted_indices = unsorted_indices = None
        order = np.arange(B)
    else:
        # longest first; ties keep their order (as torch does)
        order = sorted_indices = np.argsort(-lengths, kind="stable")
        unsorted_indices = np.argsort(sorted_indices)
    batch_sizes = _batch_sizes(lengths[order])
    data = _pack_time_major(x[:, order], batch_sizes)
    return PackedSequence(data, batch_sizes, sorted_indices, unsorted_indices)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0,
                        total_length=None):
    """Undo packing, like ``torch.nn.utils.rnn.pad_packed_sequence``.

    Args:
        sequence: a ``PackedSequence``.
        batch_first: return (B, T, *) instead of (T, B, *).
        padding_value: the value written past each sequence's end.
        total_length: pad to this many time steps (None: the longest length).

    Returns:
        ``(padded, lengths)``: (T, B, *) (or (B, T, *)) in the caller's original
        batch order, and the int64 lengths (B,) in that order.

    Raises:
        TypeError: ``sequence`` is not a consistent PackedSequence.
        ValueError: ``total_length`` is shorter than the longest sequence.

    Examples:
        >>> packed = pack_sequence([np.ones((2, 1)), np.ones((3, 1))],
        ...                        enforce_sorted=False)
        >>> padded, lengths = pad_packed_sequence(packed, batch_first=True)
        >>> padded[..., 0], lengths
        (array([[1., 1., 0.],
               [1., 1., 1.]]), array([2, 3]))
    """
    _check_packed("sequence", sequence)
    check_bool("batch_first", batch_first)
    data, batch_sizes, _, unsorted_indices = sequence
    T = len(batch_sizes)
    if total_length is not None:
        if isinstance(total_length, bool) or not isinstance(total_length,
                                                            (int, np.integer)):
            raise TypeError(f"total_length: expected an int or None, "
                            f"got {type(total_length).__name__}")
        if total_length < T:
            raise ValueError(
                f"total_length: expected at least the longest length {T}, "
                f"got {total_length}"
            )
        T = int(total_length)
    padded = _unpack_time_major(data, batch_sizes, T, padding_value)  # (T, B, *)
    lengths = _lengths(batch_sizes)
    if unsorted_indices is not None:
        # back to the caller's order
        padded, lengths = padded[:, unsorted_indices], lengths[unsorted_indices]
    return (padded.swapaxes(0, 1) if batch_first else padded), lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0):
    """Stack sequences of different lengths into one padded array.

    Like ``torch.nn.utils.rnn.pad_sequence``.

    Args:
        sequences: a list of B arrays (L_b, *) with the same trailing shape
            and dtype.
        batch_first: return (B, T, *) instead of (T, B, *).
        padding_value: the value written past each sequence's end.

    Returns:
        (T, B, *) (or (B, T, *)) with T = max L_b.

    Raises:
        TypeError: not a non-empty list of arrays of one dtype.
        ValueError: an empty sequence or a different trailing shape.
    """
    check_bool("batch_first", batch_first)
    if not isinstance(sequences, (list, tuple)) or not sequences:
        raise TypeError(f"sequences: expected a non-empty list of numpy.ndarrays, "
                        f"got {type(sequences).__name__}")
    first = sequences[0]
    for i, s in enumerate(sequences):
        if not isinstance(s, np.ndarray) or s.ndim < 1:
            raise TypeError(f"sequences[{i}]: expected a numpy.ndarray (L, *), "
                            f"got {type(s).__name__}")
        if s.shape[1:] != first.shape[1:] or s.dtype != first.dtype or not len(s):
            raise ValueError(
                f"sequences[{i}]: expected shape (L, "
                f"{', '.join(map(str, first.shape[1:]))}) with L >= 1 and dtype "
                f"{first.dtype} like sequences[0], got shape {_shape_str(s.shape)} "
                f"and dtype {s.dtype}"
            )
    T = max(len(s) for s in sequences)
    out = np.full((T, len(sequences), *first.shape[1:]), padding_value,
                  dtype=first.dtype)
    for b, s in enumerate(sequences):
        out[:len(s), b] = s
    return out.swapaxes(0, 1) if batch_first else out


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of sequences, like ``torch.nn.utils.rnn.pack_sequence``.

    Args:
        sequences: a list of B arrays (L_b, *), longest first unless
            ``enforce_sorted=False``.
        enforce_sorted: see ``pack_padded_sequence``.

    Returns:
        ``PackedSequence``.

    Raises:
        TypeError, ValueError: as ``pad_sequence`` and ``pack_padded_sequence``.

    Examples:
        >>> packed = pack_sequence([np.ones((3, 2)), np.ones((1, 2))])
        >>> packed.data.shape, packed.batch_sizes
        ((4, 2), array([2, 1, 1]))
    """
    padded = pad_sequence(sequences)
    return pack_padded_sequence(padded, [len(s) for s in sequences],
                                enforce_sorted=enforce_sorted)


# ---------------------------------------------------------------- used by the layers


def _segments(lengths):
    """Runs of time steps in which the same sequences are running.

    ``lengths`` (B,) is sorted in decreasing order, so at step t the running
    sequences are the first n_t = #(L_b > t) rows. Returns [(t0, t1, n), ...]:
    steps t0..t1-1 all have n running rows. One segment if all lengths are equal.
    """
    ends = sorted(set(int(L) for L in lengths))  # increasing distinct lengths
    segments, t0 = [], 0
    for t1 in ends:
        segments.append((t0, t1, int(np.sum(lengths >= t1))))
        t0 = t1
    return segments


def _reverse_each(x, lengths):
    """Reverse every sequence within its own length   (T, B, *) -> (T, B, *).

    out[t, b] = x[L_b - 1 - t, b] for t < L_b; zeros past L_b. This is what the
    reverse direction reads: sequence b from its last real step back to step 0.
    Applying it twice gives x back (with zeros past each end).
    """
    T = x.shape[0]
    if np.all(lengths == T):
        return x[::-1]
    out = np.zeros_like(x)
    for b, L in enumerate(lengths):
        out[:L, b] = x[L - 1::-1, b]
    return out
