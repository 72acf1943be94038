"""Textbook peers for the benchmark. NOT part of the rnnbook package.

Two from-scratch NumPy versions of each cell, written the way most textbooks and
tutorials write them, so the benchmark can show what rnnbook's two habits buy:
hoisting the input projection out of the time loop, and fusing the gates into one
stacked block.

``PerGate*`` -- the d2l "from scratch" classes, with a hand-written backward:
    per time step AND per gate, separate matrix products
    ``x_t @ W_x? + h @ W_h? + b_?`` (one pair per gate: 4 for the LSTM, 3 for the
    GRU), an activation per gate, and in the backward pass per step and per gate
    ``dW_x? += x_t.T @ da_?``, ``dW_h? += h.T @ da_?``, ``dx_t += da_? @ W_x?.T``
    (min-char-rnn's loop). Column-vector weights (D, H) as in d2l.

``Fused*`` -- "naive fused": the gates stacked in PyTorch's (G*H, D) layout, so ONE
    ``x_t @ W_ih.T`` and ONE ``h @ W_hh.T`` per step give all gates, but the input
    projection is still inside the loop, the sigmoid is ``1 / (1 + exp(-a))`` on
    fresh temporaries, and the backward pass still accumulates ``dW_ih``/``dW_hh``
    with two small matrix products per step (karpathy's lstm.py / min-char-rnn).
    For the RNN (one gate) this is the same as the per-gate version, so there is
    no ``FusedRNN``.

All peers compute exactly the functions of ``torch.nn.RNN``/``LSTM``/``GRU``
(the GRU in PyTorch's reset-after form, so results can be checked against
rnnbook; d2l's GRU applies the reset before the product, which costs the same).
They take an rnnbook/torch-style parameter dict and convert it once, outside the
timed calls. Interface, mirroring rnnbook's functional core:

    hs, cache = peer.forward(x, h0)            # LSTM: peer.forward(x, h0, c0)
    dx, dh0, grads = peer.backward(dhs, cache) # grads keyed like the params dict
"""

from __future__ import annotations

import numpy as np


def sigmoid(a):
    """The textbook logistic function."""
    return 1.0 / (1.0 + np.exp(-a))


def _split(W, G):
    """(G*H, K) stacked rows -> list of G column-form (K, H) blocks (d2l layout)."""
    H = W.shape[0] // G
    return [W[k * H:(k + 1) * H].T.copy() for k in range(G)]


def _stack_grads(dW_x, dW_h, db_x, db_h):
    """Per-gate gradients back to PyTorch's stacked (G*H, ...) layout."""
    return {"weight_ih": np.concatenate([g.T for g in dW_x]),
            "weight_hh": np.concatenate([g.T for g in dW_h]),
            "bias_ih": np.concatenate(db_x), "bias_hh": np.concatenate(db_h)}


# ------------------------------------------------------------------ RNN


class PerGateRNN:
    """h_t = tanh(x_t W_xh + b_ih + h_{t-1} W_hh + b_hh), one step at a time."""

    label = "per-gate (textbook)"

    def __init__(self, params):
        self.W_xh, = _split(params["weight_ih"], 1)  # (D, H)
        self.W_hh, = _split(params["weight_hh"], 1)  # (H, H)
        self.b_ih, self.b_hh = params["bias_ih"], params["bias_hh"]

    def forward(self, x, h0):
        h, hs = h0, []
        for x_t in x:
            h = np.tanh(x_t @ self.W_xh + self.b_ih + h @ self.W_hh + self.b_hh)
            hs.append(h)
        return np.stack(hs), (x, h0, hs)

    def backward(self, dhs, cache):
        x, h0, hs = cache
        dW_xh, dW_hh = np.zeros_like(self.W_xh), np.zeros_like(self.W_hh)
        db = np.zeros_like(self.b_ih)
        dx = np.empty_like(x)
        dh_next = np.zeros_like(h0)
        for t in reversed(range(len(x))):
            h_prev = hs[t - 1] if t else h0
            dh = dhs[t] + dh_next
            da = dh * (1 - hs[t] ** 2)
            dW_xh += x[t].T @ da
            dW_hh += h_prev.T @ da
            db += da.sum(axis=0)
            dx[t] = da @ self.W_xh.T
            dh_next = da @ self.W_hh.T
        return dx, dh_next, _stack_grads([dW_xh], [dW_hh], [db], [db.copy()])


# ------------------------------------------------------------------ LSTM


class PerGateLSTM:
    """d2l's scratch LSTM (gates i, f, g, o), four matrix-product pairs per step."""

    label = "per-gate (textbook)"

    def __init__(self, params):
        self.W_xi, self.W_xf, self.W_xg, self.W_xo = _split(params["weight_ih"], 4)
        self.W_hi, self.W_hf, self.W_hg, self.W_ho = _split(params["weight_hh"], 4)
        self.b_i, self.b_f, self.b_g, self.b_o = np.split(
            params["bias_ih"] + params["bias_hh"], 4)

    def forward(self, x, h0, c0):
        h, c, hs, steps = h0, c0, [], []
        for x_t in x:
            i = sigmoid(x_t @ self.W_xi + h @ self.W_hi + self.b_i)
            f = sigmoid(x_t @ self.W_xf + h @ self.W_hf + self.b_f)
            g = np.tanh(x_t @ self.W_xg + h @ self.W_hg + self.b_g)
            o = sigmoid(x_t @ self.W_xo + h @ self.W_ho + self.b_o)
            c_new = f * c + i * g
            tanh_c = np.tanh(c_new)
            steps.append((h, c, i, f, g, o, tanh_c))
            h, c = o * tanh_c, c_new
            hs.append(h)
        return np.stack(hs), (x, h0, c, steps)

    def backward(self, dhs, cache, dc_T=None):
        x, h0, c_T, steps = cache
        W_x = [self.W_xi, self.W_xf, self.W_xg, self.W_xo]
        W_h = [self.W_hi, self.W_hf, self.W_hg, self.W_ho]
        dW_x = [np.zeros_like(W) for W in W_x]
        dW_h = [np.zeros_like(W) for W in W_h]
        db = [np.zeros_like(self.b_i) for _ in range(4)]
        dx = np.empty_like(x)
        dh_next = np.zeros_like(h0)
        dc_next = np.zeros_like(h0) if dc_T is None else dc_T
        for t in reversed(range(len(x))):
            h_prev, c_prev, i, f, g, o, tanh_c = steps[t]
            dh = dhs[t] + dh_next
            dc = dc_next + dh * o * (1 - tanh_c ** 2)
            da = [dc * g * i * (1 - i),           # input gate
                  dc * c_prev * f * (1 - f),      # forget gate
                  dc * i * (1 - g ** 2),          # candidate cell
                  dh * tanh_c * o * (1 - o)]      # output gate
            dx_t = np.zeros_like(x[t])
            dh_next = np.zeros_like(h0)
            for k in range(4):
                dW_x[k] += x[t].T @ da[k]
                dW_h[k] += h_prev.T @ da[k]
                db[k] += da[k].sum(axis=0)
                dx_t += da[k] @ W_x[k].T
                dh_next += da[k] @ W_h[k].T
            dx[t] = dx_t
            dc_next = dc * f
        return dx, dh_next, _stack_grads(dW_x, dW_h, db, [b.copy() for b in db])


class FusedLSTM:
    """Stacked gates, one product pair per step, nothing hoisted (karpathy's lstm.py)."""

    label = "naive fused"

    def __init__(self, params):
        self.W_ih, self.W_hh = params["weight_ih"], params["weight_hh"]
        self.b = params["bias_ih"] + params["bias_hh"]

    def forward(self, x, h0, c0):
        H = h0.shape[1]
        h, c, hs, steps = h0, c0, [], []
        for x_t in x:
            a = x_t @ self.W_ih.T + h @ self.W_hh.T + self.b     # (B, 4H)
            ifo = sigmoid(a)
            i, f, o = ifo[:, :H], ifo[:, H:2 * H], ifo[:, 3 * H:]
            g = np.tanh(a[:, 2 * H:3 * H])
            c_new = f * c + i * g
            tanh_c = np.tanh(c_new)
            steps.append((h, c, i, f, g, o, tanh_c))
            h, c = o * tanh_c, c_new
            hs.append(h)
        return np.stack(hs), (x, h0, c, steps)

    def backward(self, dhs, cache, dc_T=None):
        x, h0, c_T, steps = cache
        dW_ih, dW_hh = np.zeros_like(self.W_ih), np.zeros_like(self.W_hh)
        db = np.zeros_like(self.b)
        dx = np.empty_like(x)
        dh_next = np.zeros_like(h0)
        dc_next = np.zeros_like(h0) if dc_T is None else dc_T
        for t in reversed(range(len(x))):
            h_prev, c_prev, i, f, g, o, tanh_c = steps[t]
            dh = dhs[t] + dh_next
            dc = dc_next + dh * o * (1 - tanh_c ** 2)
            da = np.hstack([dc * g * i * (1 - i), dc * c_prev * f * (1 - f),
                            dc * i * (1 - g ** 2), dh * tanh_c * o * (1 - o)])
            dW_ih += da.T @ x[t]
            dW_hh += da.T @ h_prev
            db += da.sum(axis=0)
            dx[t] = da @ self.W_ih
            dh_next = da @ self.W_hh
            dc_next = dc * f
        grads = {"weight_ih": dW_ih, "weight_hh": dW_hh, "bias_ih": db,
                 "bias_hh": db.copy()}
        return dx, dh_next, grads


# ------------------------------------------------------------------ GRU


class PerGateGRU:
    """d2l-style scratch GRU (gates r, z, n) in PyTorch's reset-after form."""

    label = "per-gate (textbook)"

    def __init__(self, params):
        self.W_xr, self.W_xz, self.W_xn = _split(params["weight_ih"], 3)
        self.W_hr, self.W_hz, self.W_hn = _split(params["weight_hh"], 3)
        self.b_ir, self.b_iz, self.b_in = np.split(params["bias_ih"], 3)
        self.b_hr, self.b_hz, self.b_hn = np.split(params["bias_hh"], 3)

    def forward(self, x, h0):
        h, hs, steps = h0, [], []
        for x_t in x:
            r = sigmoid(x_t @ self.W_xr + self.b_ir + h @ self.W_hr + self.b_hr)
            z = sigmoid(x_t @ self.W_xz + self.b_iz + h @ self.W_hz + self.b_hz)
            hn = h @ self.W_hn + self.b_hn
            n = np.tanh(x_t @ self.W_xn + self.b_in + r * hn)
            steps.append((h, r, z, n, hn))
            h = (1 - z) * n + z * h
            hs.append(h)
        return np.stack(hs), (x, h0, steps)

    def backward(self, dhs, cache):
        x, h0, steps = cache
        W_x = [self.W_xr, self.W_xz, self.W_xn]
        W_h = [self.W_hr, self.W_hz, self.W_hn]
        dW_x = [np.zeros_like(W) for W in W_x]
        dW_h = [np.zeros_like(W) for W in W_h]
        db_x = [np.zeros_like(self.b_ir) for _ in range(3)]
        db_h = [np.zeros_like(self.b_ir) for _ in range(3)]
        dx = np.empty_like(x)
        dh_next = np.zeros_like(h0)
        for t in reversed(range(len(x))):
            h_prev, r, z, n, hn = steps[t]
            dh = dhs[t] + dh_next
            da_n = dh * (1 - z) * (1 - n ** 2)
            da_z = dh * (h_prev - n) * z * (1 - z)
            da_r = da_n * hn * r * (1 - r)
            dax = [da_r, da_z, da_n]          # input side
            dah = [da_r, da_z, da_n * r]      # hidden side
            dx_t = np.zeros_like(x[t])
            dh_next = dh * z
            for k in range(3):
                dW_x[k] += x[t].T @ dax[k]
                dW_h[k] += h_prev.T @ dah[k]
                db_x[k] += dax[k].sum(axis=0)
                db_h[k] += dah[k].sum(axis=0)
                dx_t += dax[k] @ W_x[k].T
                dh_next += dah[k] @ W_h[k].T
            dx[t] = dx_t
        return dx, dh_next, _stack_grads(dW_x, dW_h, db_x, db_h)


class FusedGRU:
    """Stacked r, z, n blocks, one product pair per step, nothing hoisted."""

    label = "naive fused"

    def __init__(self, params):
        self.W_ih, self.W_hh = params["weight_ih"], params["weight_hh"]
        self.b_ih, self.b_hh = params["bias_ih"], params["bias_hh"]

    def forward(self, x, h0):
        H = h0.shape[1]
        h, hs, steps = h0, [], []
        for x_t in x:
            ax = x_t @ self.W_ih.T + self.b_ih                   # (B, 3H)
            ah = h @ self.W_hh.T + self.b_hh                     # (B, 3H)
            rz = sigmoid(ax[:, :2 * H] + ah[:, :2 * H])
            r, z = rz[:, :H], rz[:, H:]
            n = np.tanh(ax[:, 2 * H:] + r * ah[:, 2 * H:])
            steps.append((h, r, z, n, ah[:, 2 * H:]))
            h = (1 - z) * n + z * h
            hs.append(h)
        return np.stack(hs), (x, h0, steps)

    def backward(self, dhs, cache):
        x, h0, steps = cache
        dW_ih, dW_hh = np.zeros_like(self.W_ih), np.zeros_like(self.W_hh)
        db_ih, db_hh = np.zeros_like(self.b_ih), np.zeros_like(self.b_hh)
        dx = np.empty_like(x)
        dh_next = np.zeros_like(h0)
        for t in reversed(range(len(x))):
            h_prev, r, z, n, hn = steps[t]
            dh = dhs[t] + dh_next
            da_n = dh * (1 - z) * (1 - n ** 2)
            da_z = dh * (h_prev - n) * z * (1 - z)
            da_r = da_n * hn * r * (1 - r)
            dax = np.hstack([da_r, da_z, da_n])
            dah = np.hstack([da_r, da_z, da_n * r])
            dW_ih += dax.T @ x[t]
            dW_hh += dah.T @ h_prev
            db_ih += dax.sum(axis=0)
            db_hh += dah.sum(axis=0)
            dx[t] = dax @ self.W_ih
            dh_next = dh * z + dah @ self.W_hh
        grads = {"weight_ih": dW_ih, "weight_hh": dW_hh, "bias_ih": db_ih,
                 "bias_hh": db_hh}
        return dx, dh_next, grads


PEERS = {
    "RNN": {"pergate": PerGateRNN},
    "LSTM": {"pergate": PerGateLSTM, "fused": FusedLSTM},
    "GRU": {"pergate": PerGateGRU, "fused": FusedGRU},
}
