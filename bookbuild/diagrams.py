"""Cell and graph diagrams of the book, drawn with matplotlib at build time.

One small function per diagram returns a matplotlib figure; a page's hidden
snippet prints it with ``bookfig.html``::

    from bookbuild import bookfig, diagrams
    print(bookfig.html(diagrams.lstm_cell(), bookfig.tr("LSTM 셀", "the LSTM cell")))

The diagrams are built from a few primitives on a canvas measured in
"units" (about 0.8 inch each): ``box`` (a layer or a matrix product),
``node`` (an element-wise operation), ``wire`` (a line with an arrowhead),
``dot`` (a branch point: the value is copied) and ``label``. Words go
through ``bookfig.tr``; symbols are mathtext and the same in both languages
(Hangul never goes inside ``$...$``: mathtext has no Hangul glyphs).
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle
from matplotlib.path import Path

from bookbuild import bookfig

tr = bookfig.tr

INK = "#000000"
GRAD = "#c62828"  # gradients are red, as on the BPTT page
# fill and edge colours per kind of shape
STYLES = {
    "layer": ("#ffe9a8", "#a07800"),    # a layer with its own weights (σ, tanh)
    "linear": ("#d6e4ff", "#3f5fa8"),   # a matrix product x W^T
    "point": ("#f9d5e5", "#ad1457"),    # an element-wise operation (⊙, +, tanh)
    "cell": ("#f1f2f9", "#9fa8da"),     # the cell's outline
    "state": ("#dff0d8", "#4a8a3a"),    # a hidden state in an unrolled graph
    "window": ("#fbf3e4", "#e0a040"),   # a truncation window
}
UNIT = 0.8  # inches per unit of the canvas


@dataclass(frozen=True)
class Shape:
    """Where a drawn box or node is: centre (x, y), width w, height h."""

    x: float
    y: float
    w: float
    h: float

    @property
    def top(self):
        return (self.x, self.y + self.h / 2)

    @property
    def bottom(self):
        return (self.x, self.y - self.h / 2)

    @property
    def left(self):
        return (self.x - self.w / 2, self.y)

    @property
    def right(self):
        return (self.x + self.w / 2, self.y)


def canvas(width: float, height: float, bottom: float = 0.0):
    """An empty figure from (0, bottom) to (width, height) units; returns (fig, ax)."""
    fig, ax = bookfig.figure(figsize=(width * UNIT, (height - bottom) * UNIT))
    ax.set_xlim(0, width)
    ax.set_ylim(bottom, height)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def label(ax, xy, text, size=11, color=INK, **kwargs):
    """Text centred at xy (pass ha/va to anchor it elsewhere)."""
    kwargs = {"ha": "center", "va": "center", **kwargs}
    ax.text(*xy, text, fontsize=size, color=color, zorder=5, clip_on=False, **kwargs)


def box(ax, xy, text, kind="layer", w=0.9, h=0.55, size=12, edge=None,
        lw=1.3) -> Shape:
    """A rounded box (a layer, a matrix product, a state) with its label."""
    fill, kind_edge = STYLES[kind]
    ax.add_patch(FancyBboxPatch((xy[0] - w / 2, xy[1] - h / 2), w, h,
                                boxstyle="round,pad=0,rounding_size=0.12",
                                fc=fill, ec=edge or kind_edge, lw=lw, zorder=3, clip_on=False))
    label(ax, xy, text, size=size)
    return Shape(xy[0], xy[1], w, h)


def node(ax, xy, text, r=0.22, size=13, kind="point") -> Shape:
    """A circle holding an element-wise operation such as ⊙ or +."""
    fill, edge = STYLES[kind]
    ax.add_patch(Circle(xy, r, fc=fill, ec=edge, lw=1.3, zorder=3, clip_on=False))
    label(ax, xy, text, size=size)
    return Shape(xy[0], xy[1], 2 * r, 2 * r)


def dot(ax, xy, color=INK):
    """A branch point: the value goes on along every line leaving it."""
    ax.add_patch(Circle(xy, 0.06, fc=color, ec="none", zorder=4, clip_on=False))


def wire(ax, *points, color=INK, lw=1.4, head=True, ls="-"):
    """A line through the points, with an arrowhead at the last one."""
    codes = [Path.MOVETO] + [Path.LINETO] * (len(points) - 1)
    ax.add_patch(FancyArrowPatch(
        path=Path(points, codes), arrowstyle="-|>" if head else "-",
        mutation_scale=12, color=color, lw=lw, ls=ls, joinstyle="miter",
        capstyle="butt", zorder=2, clip_on=False))


def frame(ax, corner, w, h, kind="cell"):
    """A large rounded rectangle behind the other shapes (a cell, a window)."""
    fill, edge = STYLES[kind]
    ax.add_patch(FancyBboxPatch(corner, w, h, boxstyle="round,pad=0,rounding_size=0.3",
                                fc=fill, ec=edge, lw=1.2, zorder=0, clip_on=False))


def text_width(text, size):
    """About how many units wide a line of plain text is (Hangul is one em)."""
    ems = sum(1.0 if "\u1100" <= ch <= "\ud7af" else 0.58 for ch in text)
    return ems * size / 72 / UNIT


def legend(ax, x, y, entries, size=9):
    """A row of (kind, symbol, words) samples from x to the right at height y,
    going on in a row below when the canvas is not wide enough.

    kind is "op" for a node, "wire" for a line (symbol is its colour), "mark"
    for a red sign, or a box kind of STYLES.
    """
    u, right = x, ax.get_xlim()[1]
    for kind, symbol, words in entries:
        if u + 0.4 + text_width(words, size) > right + 0.6:  # on to the next row
            u, y = x, y - 0.5
        if kind == "wire":
            wire(ax, (u - 0.3, y), (u + 0.3, y), color=symbol)
        elif kind == "mark":
            label(ax, (u, y), symbol, size=13, color=GRAD)
        elif kind == "op":
            node(ax, (u, y), symbol, r=0.18, size=11)
        else:
            box(ax, (u, y), symbol, kind, w=0.6, h=0.38, size=10)
        gap = 0.3 if kind in ("op", "mark") else 0.4  # from the sample's centre
        label(ax, (u + gap, y), words, size=size, ha="left")
        u += gap + text_width(words, size) + 1.0


# ---------------------------------------------------------------- RNN cell

def rnn_cell():
    """The RNN cell: a_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh, h_t = tanh(a_t)."""
    fig, ax = canvas(8.4, 5.6, bottom=-0.8)
    frame(ax, (0.7, 0.9), 6.0, 3.3)
    w_hh = box(ax, (1.9, 2.6), r"$W_{hh}$", "linear")
    w_ih = box(ax, (3.4, 1.6), r"$W_{ih}$", "linear")
    plus = node(ax, (3.4, 2.6), "+")
    tanh = box(ax, (4.8, 2.6), "tanh", "point", w=0.8, h=0.42, size=11)
    w_hy = box(ax, (5.8, 4.8), r"$W_{hy}$", "linear")
    wire(ax, (0, 2.6), w_hh.left)
    label(ax, (0.05, 2.85), r"$h_{t-1}$", ha="left")
    wire(ax, w_hh.right, plus.left)
    wire(ax, (3.4, 0.1), w_ih.bottom)
    label(ax, (3.6, 0.3), r"$x_t$", ha="left")
    wire(ax, w_ih.top, plus.bottom)
    wire(ax, (3.4, 3.6), plus.top)
    label(ax, (3.4, 3.85), r"$b_{ih} + b_{hh}$", size=10)
    wire(ax, plus.right, tanh.left)
    label(ax, (4.05, 2.85), r"$a_t$", size=10)
    wire(ax, tanh.right, (8.2, 2.6))
    label(ax, (8.15, 2.85), r"$h_t$", ha="right")
    dot(ax, (5.8, 2.6))
    wire(ax, (5.8, 2.6), w_hy.bottom)
    wire(ax, w_hy.top, (5.8, 5.55))
    label(ax, (6.0, 5.4), r"$y_t$", ha="left")
    label(ax, (6.0, 3.75), r"$h_t$", ha="left")
    label(ax, (1.2, 3.85), tr("RNN 셀", "RNN cell"), size=10, color="#5c6bc0")
    legend(ax, 0.9, -0.5, keys("matmul", "sum", "tanh"))
    return fig


# ---------------------------------------------------------------- LSTM cell

def _gates(ax, xs, names, funcs, bus_y=1.5, box_y=2.6):
    """Gate layers fed by the bus [h_{t-1}, x_t]; returns their shapes."""
    shapes = []
    for x, name, func in zip(xs, names, funcs):
        if x != xs[-1]:  # the last one is where the bus ends
            dot(ax, (x, bus_y))
        shape = box(ax, (x, box_y), func, "layer", w=0.8)
        wire(ax, (x, bus_y), shape.bottom)
        label(ax, (x, bus_y - 0.3), name, size=9, color="#6d4c00")
        shapes.append(shape)
    return shapes


def _inputs(ax, state_y, bus_end, bus_y=1.5, x_at=1.4, drop_at=None):
    """h_{t-1} (from the left, or dropped from the state line) and x_t join the bus."""
    if drop_at is None:
        wire(ax, (0, bus_y), (bus_end, bus_y), head=False)
        label(ax, (0.05, bus_y + 0.25), r"$h_{t-1}$", ha="left")
    else:
        dot(ax, (drop_at, state_y))
        wire(ax, (drop_at, state_y), (drop_at, bus_y), (bus_end, bus_y), head=False)
    dot(ax, (x_at, bus_y))
    wire(ax, (x_at, 0.0), (x_at, bus_y), head=False)
    label(ax, (x_at - 0.15, 0.2), r"$x_t$", ha="right")


def lstm_cell():
    """The LSTM cell: the cell state runs along the top like a conveyor belt."""
    fig, ax = canvas(10.4, 6.6, bottom=-0.8)
    belt = 4.9
    frame(ax, (0.7, 0.9), 8.6, 4.7)
    label(ax, (5.0, 5.3), tr("셀 상태(컨베이어 벨트)", "cell state (the conveyor belt)"),
          size=10, color="#2e7d32")
    forget = node(ax, (2.4, belt), r"$\odot$")
    add = node(ax, (4.8, belt), "+")
    keep = node(ax, (4.8, 3.7), r"$\odot$")
    out = node(ax, (7.6, 3.0), r"$\odot$")
    squash = box(ax, (7.6, 4.0), "tanh", "point", w=0.8, h=0.42, size=11)
    wire(ax, (0, belt), forget.left, lw=2.6, color="#2e7d32")
    wire(ax, forget.right, add.left, lw=2.6, color="#2e7d32")
    wire(ax, add.right, (10.3, belt), lw=2.6, color="#2e7d32")
    label(ax, (0.05, belt + 0.25), r"$c_{t-1}$", ha="left")
    label(ax, (10.25, belt + 0.25), r"$c_t$", ha="right")
    _inputs(ax, belt, 6.4)
    f, i, g, o = _gates(ax, [2.4, 3.6, 4.8, 6.4],
                        [tr("망각", "forget"), tr("입력", "input"),
                         tr("후보", "candidate"), tr("출력", "output")],
                        [r"$\sigma$", r"$\sigma$", "tanh", r"$\sigma$"])
    wire(ax, f.top, forget.bottom)
    label(ax, (2.25, 3.8), r"$f_t$", ha="right")
    wire(ax, i.top, (3.6, 3.7), keep.left)
    label(ax, (3.45, 3.3), r"$i_t$", ha="right")
    wire(ax, g.top, keep.bottom)
    label(ax, (4.95, 3.15), r"$g_t$", ha="left")
    wire(ax, keep.top, add.bottom)
    dot(ax, (7.6, belt))
    wire(ax, (7.6, belt), squash.top)
    wire(ax, squash.bottom, out.top)
    wire(ax, o.top, (6.4, 3.0), out.left)
    label(ax, (6.25, 3.3), r"$o_t$", ha="right")
    wire(ax, out.bottom, (7.6, 1.5), (10.3, 1.5))
    label(ax, (10.25, 1.75), r"$h_t$", ha="right")
    dot(ax, (8.6, 1.5))
    wire(ax, (8.6, 1.5), (8.6, 6.5))
    label(ax, (8.75, 6.3), r"$h_t$", ha="left")
    legend(ax, 0.9, -0.5, keys("sigmoid", "tanh layer", "product", "sum"))
    return fig


def keys(*names):
    """Legend entries by name (words looked up when drawn, in the page's language)."""
    entries = {
        "sigmoid": ("layer", r"$\sigma$", tr("시그모이드 층", "sigmoid layer")),
        "tanh layer": ("layer", "tanh", tr("tanh 층", "tanh layer")),
        "matmul": ("linear", "W", tr("행렬 곱", "matrix product")),
        "affine": ("linear", "W", tr("행렬 곱과 편향", "matrix product and bias")),
        "tanh": ("point", "tanh", tr("원소별 tanh", "element-wise tanh")),
        "product": ("op", r"$\odot$", tr("원소별 곱", "element-wise product")),
        "sum": ("op", "+", tr("원소별 합", "element-wise sum")),
    }
    return [entries[name] for name in names]


# ---------------------------------------------------------------- GRU cell

def gru_cell():
    """The GRU cell in torch's form: z_t weights the old state h_{t-1}."""
    fig, ax = canvas(10.4, 6.6, bottom=-1.3)
    top = 4.9
    frame(ax, (0.7, 0.6), 8.6, 5.0)
    keep = node(ax, (2.2, top), r"$\odot$")
    add = node(ax, (6.6, top), "+")
    one_minus = node(ax, (3.3, 3.9), r"$1-$", r=0.27, size=10)
    new = node(ax, (6.6, 3.9), r"$\odot$")
    w_hn = box(ax, (4.6, 3.9), r"$W_{hn}$", "linear", w=0.8, h=0.5, size=11)
    reset = node(ax, (4.6, 2.6), r"$\odot$")
    plus = node(ax, (5.6, 2.6), "+")
    w_in = box(ax, (5.6, 1.6), r"$W_{in}$", "linear", w=0.8, h=0.5, size=11)
    squash = box(ax, (6.6, 2.6), "tanh", "point", w=0.7, h=0.42, size=11)
    wire(ax, (0, top), keep.left, lw=2)
    wire(ax, keep.right, add.left, lw=2)
    wire(ax, add.right, (10.3, top), lw=2)
    label(ax, (0.05, top + 0.25), r"$h_{t-1}$", ha="left")
    label(ax, (10.25, top + 0.25), r"$h_t$", ha="right")
    _inputs(ax, top, 3.4, drop_at=0.95, x_at=1.4)
    z, r = _gates(ax, [2.2, 3.4], [tr("업데이트", "update"), tr("리셋", "reset")],
                  [r"$\sigma$", r"$\sigma$"])
    wire(ax, z.top, keep.bottom)
    label(ax, (2.05, 3.3), r"$z_t$", ha="right")
    dot(ax, (2.2, 3.9))
    wire(ax, (2.2, 3.9), one_minus.left)
    wire(ax, one_minus.right, new.left)
    label(ax, (5.6, 4.15), r"$1-z_t$", size=10)
    dot(ax, (4.6, top))
    wire(ax, (4.6, top), w_hn.top)
    wire(ax, w_hn.bottom, reset.top)
    wire(ax, r.right, reset.left)
    label(ax, (4.0, 2.85), r"$r_t$", size=10)
    wire(ax, reset.right, plus.left)
    wire(ax, (1.4, 0.95), (5.6, 0.95), w_in.bottom)
    dot(ax, (1.4, 0.95))
    wire(ax, w_in.top, plus.bottom)
    wire(ax, plus.right, squash.left)
    wire(ax, squash.top, new.bottom)
    label(ax, (6.75, 3.3), r"$n_t$", ha="left")
    label(ax, (6.6, 2.15), tr("후보", "candidate"), size=9, color="#6d4c00")
    wire(ax, new.top, add.bottom)
    dot(ax, (8.6, top))
    wire(ax, (8.6, top), (8.6, 6.5))
    label(ax, (8.75, 6.3), r"$h_t$", ha="left")
    legend(ax, 0.9, -0.5, keys("sigmoid", "affine", "tanh", "product", "sum"))
    return fig


# ---------------------------------------------------------------- BPTT

def bptt_paths():
    """The unrolled RNN around step t and the two gradients that reach h_t."""
    fig, ax = canvas(10.6, 4.8, bottom=-0.8)
    xs, names = [1.8, 5.0, 8.2], ["t-1", "t", "t+1"]
    states = []
    for x, t in zip(xs, names):
        hot = t == "t"
        h = box(ax, (x, 1.9), rf"$h_{{{t}}}$", "state", w=1.0, h=0.6,
                edge=GRAD if hot else None, lw=2.2 if hot else 1.3)
        y = box(ax, (x, 3.7), rf"$y_{{{t}}}$", "linear", w=0.8, h=0.5)
        wire(ax, (x, 0.55), h.bottom)
        label(ax, (x, 0.3), rf"$x_{{{t}}}$")
        wire(ax, h.top, y.bottom)
        wire(ax, y.top, (x, 4.6))
        label(ax, (x + 0.12, 4.5), rf"$L_{{{t}}}$", ha="left")
        states.append(h)
    for a, b in zip(states, states[1:]):
        wire(ax, (a.right[0], 2.05), (b.left[0], 2.05))
        label(ax, ((a.x + b.x) / 2, 2.3), r"$W_{hh}$", size=10)
    wire(ax, (0.2, 2.05), (states[0].left[0], 2.05))
    wire(ax, (states[-1].right[0], 2.05), (10.4, 2.05))
    # the two gradients into h_t, in red, beside the forward arrows
    h = states[1]
    wire(ax, (5.3, 3.45), (5.3, h.top[1]), color=GRAD, lw=1.8)
    label(ax, (5.45, 3.15), r"$\mathrm{d}y_t\,W_{hy}$", color=GRAD, ha="left")
    label(ax, (5.45, 2.82), tr("① 단계 t의 손실에서", "① from the loss at t"),
          size=9, color=GRAD, ha="left")
    wire(ax, (states[2].left[0], 1.75), (h.right[0], 1.75), color=GRAD, lw=1.8)
    label(ax, (6.6, 1.45), r"$\mathrm{d}a_{t+1}W_{hh}$", color=GRAD)
    label(ax, (6.6, 1.1), tr("② 다음 단계에서", "② from the next step"),
          size=9, color=GRAD)
    label(ax, (5.0, -0.45),
          r"$\mathrm{d}h_t = \mathrm{d}y_t\,W_{hy} + \mathrm{d}a_{t+1}W_{hh}$",
          size=13, color=GRAD)
    return fig


def bptt_truncated(T=12, k=4):
    """Truncated BPTT: the state crosses chunk borders, the gradient does not."""
    fig, ax = canvas(13.3, 3.5, bottom=-0.9)
    gap = 1.05
    xs = [0.85 + i * gap for i in range(T)]
    for start in range(0, T, k):
        left, right = xs[start] - 0.46, xs[min(start + k, T) - 1] + 0.46
        frame(ax, (left, 0.55), right - left, 2.75, kind="window")
        label(ax, ((left + right) / 2, 0.3),
              tr(f"조각 {start // k + 1} ({start + 1}~{start + k}단계)",
                 f"chunk {start // k + 1} (steps {start + 1}-{start + k})"),
              size=9, color="#8a5a00")
    for i, x in enumerate(xs):
        box(ax, (x, 1.6), rf"$h_{{{i + 1}}}$", "state", w=0.6, h=0.5, size=10)
        wire(ax, (x, 2.9), (x, 1.85), color=GRAD, lw=1.2)
        label(ax, (x, 3.05), rf"$L_{{{i + 1}}}$", size=9, color=GRAD)
    for i, (a, b) in enumerate(zip(xs, xs[1:])):
        wire(ax, (a + 0.3, 1.72), (b - 0.3, 1.72), lw=1.2)
        if (i + 1) % k:
            wire(ax, (b - 0.3, 1.47), (a + 0.3, 1.47), color=GRAD, lw=1.2)
        else:
            label(ax, ((a + b) / 2, 1.4), "×", size=13, color=GRAD)
    legend(ax, 0.6, -0.55, [
        ("wire", INK, tr("순전파(상태는 조각 경계를 넘어간다)",
                         "forward: the state crosses the border")),
        ("wire", GRAD, tr("역전파(조각 안에서만)", "backward: inside the chunk only")),
        ("mark", "×", tr("경계에서 기울기를 버린다(h.detach())",
                         "the gradient stops at the border (h.detach())"))])
    return fig


# ---------------------------------------------------------------- LSTM backward

def lstm_backward():
    """One LSTM step backward along the belt: + passes dc_t on, ⊙ multiplies by f_t."""
    fig, ax = canvas(11.8, 5.3, bottom=-0.3)
    belt, back = 4.2, 3.85     # the forward belt and the gradient beside it
    fx, ax_, bx = 2.4, 6.0, 8.8  # the ⊙ f_t node, the + node, the branch to h_t
    forget = node(ax, (fx, belt), r"$\odot$")
    add = node(ax, (ax_, belt), "+")
    squash = box(ax, (bx, 3.0), "tanh", "point", w=0.8, h=0.42, size=11)
    out = node(ax, (bx, 1.9), r"$\odot$")
    wire(ax, (0, belt), forget.left, lw=2.6, color="#2e7d32")
    wire(ax, forget.right, add.left, lw=2.6, color="#2e7d32")
    wire(ax, add.right, (11.7, belt), lw=2.6, color="#2e7d32")
    label(ax, (0.05, belt + 0.28), r"$c_{t-1}$", ha="left")
    label(ax, (11.65, belt + 0.28), r"$c_t$", ha="right")
    for x, name in [(fx, r"$f_t$"), (ax_, r"$i_t \odot g_t$")]:
        wire(ax, (x, 2.3), (x, belt - 0.22))
        label(ax, (x - 0.15, 2.45), name, ha="right")
    dot(ax, (bx, belt))
    wire(ax, (bx, belt), squash.top)
    wire(ax, squash.bottom, out.top)
    wire(ax, (bx - 1.4, 1.9), out.left)
    label(ax, (bx - 1.5, 1.9), r"$o_t$", ha="right")
    wire(ax, out.right, (11.7, 1.9))
    label(ax, (11.65, 2.15), r"$h_t$", ha="right")
    # backward, in red: from the right end to the left end of the belt
    red = bx + 0.6  # where dh_t climbs to the belt, right of the tanh box
    wire(ax, (11.7, back), (red, back), color=GRAD, lw=1.8)
    label(ax, (10.6, back - 0.3), tr("단계 t+1에서", "from step t+1"), size=9,
          color=GRAD)
    wire(ax, (11.7, 1.6), (red, 1.6), (red, back - 0.05), color=GRAD, lw=1.8)
    label(ax, (11.6, 1.35), r"$\mathrm{d}h_t$", color=GRAD, ha="right")
    label(ax, (red + 0.12, 2.75), r"$\odot\, o_t \odot (1-\tanh^2 c_t)$", size=10,
          color=GRAD, ha="left")
    dot(ax, (red, back), color=GRAD)
    wire(ax, (red, back), (fx + 0.3, back), color=GRAD, lw=1.8)
    label(ax, (7.4, back - 0.3), r"$\mathrm{d}c_t$", color=GRAD)
    for x, name in [(ax_, r"$\mathrm{d}c_t$"), (fx, r"$\mathrm{d}c_t \odot c_{t-1}$")]:
        wire(ax, (x + 0.25, back), (x + 0.25, 2.3), color=GRAD, lw=1.4)
        label(ax, (x + 0.4, 2.75), name, size=10, color=GRAD, ha="left")
    wire(ax, (fx - 0.25, back), (0, back), color=GRAD, lw=1.8)
    label(ax, (0.1, back - 0.35), r"$\mathrm{d}c_{t-1} = \mathrm{d}c_t \odot f_t$",
          color=GRAD, ha="left")
    label(ax, (ax_ - 0.4, 4.85), tr("+ 노드는 기울기를 그대로 보낸다",
                                    "+ passes the gradient on unchanged"),
          size=9, ha="left")
    label(ax, (fx - 1.4, 4.85), tr("⊙ 노드는 상대편 값을 곱한다",
                                   "⊙ multiplies by the other input"), size=9, ha="left")
    label(ax, (5.0, 0.9), tr("벨트를 따라가는 기울기는 가중치 행렬도 tanh의 미분도 지나지 않는다",
                             "along the belt the gradient meets no weight matrix "
                             "and no tanh derivative"), size=10)
    legend(ax, 0.6, 0.0, [("wire", INK, tr("순전파", "forward")),
                          ("wire", GRAD, tr("역전파(기울기)", "backward (gradient)"))])
    return fig


# ---------------------------------------------------------------- lengths

PAD = "#f1f2f9"  # the padding's pale fill (the "cell" style)


def padded_batch(words=("hell", "kin", "exper")):
    """A padded batch (one row per sequence) and the same batch packed."""
    T, gap = max(map(len, words)), 0.62
    fig, ax = canvas(11.4, 5.6, bottom=0.3)
    label(ax, (0.2, 5.25), tr("패딩한 배치(짧은 시퀀스 끝에 0을 채운다)",
                              "padded batch (zeros after the short sequences)"),
          size=10, ha="left")
    for b, w in enumerate(words):
        y = 4.3 - b * 0.62
        label(ax, (0.35, y), f"b = {b}", size=10, ha="left")
        for t in range(T):
            real = t < len(w)
            box(ax, (1.6 + t * gap, y), w[t] if real else "0",
                "state" if real else "cell", w=0.5, h=0.46, size=11)
        label(ax, (1.6 + T * gap, y), rf"$L_{b} = {len(w)}$", size=10, ha="left")
    for t in range(T):
        label(ax, (1.6 + t * gap, 4.78), f"t={t + 1}", size=8)
    # packed: longest first, read one time step after another
    order = sorted(range(len(words)), key=lambda b: -len(words[b]))
    label(ax, (0.2, 2.25), tr("패킹한 데이터(길이순으로 정렬하고 단계별로 읽는다)",
                              "packed data (sorted by length, read step by step)"),
          size=10, ha="left")
    x = 2.4
    for t in range(T):
        rows = [b for b in order if t < len(words[b])]
        start = x
        for b in rows:
            box(ax, (x, 1.45), words[b][t], "state", w=0.5, h=0.46, size=11)
            x += 0.55
        frame(ax, (start - 0.33, 1.1), x - start + 0.11, 0.7, kind="window")
        label(ax, ((start + x - 0.55) / 2, 0.75), str(len(rows)), size=10)
        x += 0.35
    label(ax, (0.2, 0.75), "batch_sizes", size=10, ha="left", family="monospace")
    return fig


# ---------------------------------------------------------------- seq2seq

ATTN = "#6a1b9a"  # attention's lines


def seq2seq_attention(S=5, T=4, step=3):
    """The encoder-decoder unrolled, with decoder step ``step``'s attention."""
    fig, ax = canvas(11.6, 6.1, bottom=-0.9)
    ys, gap = 1.6, 1.25
    enc = [box(ax, (0.9 + j * gap, ys), rf"$h_{j + 1}$", "state", w=0.8, h=0.55)
           for j in range(S)]
    x0 = enc[-1].x + 1.8
    dec = [box(ax, (x0 + t * gap, ys), rf"$s_{t + 1}$", "state", w=0.8, h=0.55)
           for t in range(T)]
    for j, h in enumerate(enc):
        wire(ax, (h.x, 0.45), h.bottom)
        label(ax, (h.x, 0.25), rf"$x_{j + 1}$")
    for row in (enc, dec):
        for a, b in zip(row, row[1:]):
            wire(ax, a.right, b.left)
    wire(ax, enc[-1].right, dec[0].left, lw=2.2)
    label(ax, ((enc[-1].x + dec[0].x) / 2, ys + 0.3), r"$s_0 = h_S$", size=10)
    for t, s in enumerate(dec):
        wire(ax, (s.x, 0.45), s.bottom)
        label(ax, (s.x, 0.25), rf"$y_{t}$")
        top = box(ax, (s.x, 3.1), rf"$z_{t + 1}$", "linear", w=0.7, h=0.5, size=11)
        wire(ax, s.top, top.bottom)
        wire(ax, top.top, (s.x, 3.95))
        label(ax, (s.x, 4.15), rf"$y_{t + 1}$")
    # attention of one decoder step: its score with every h_j, weights a_tj
    s = dec[step - 1]
    ctx = node(ax, (enc[S // 2].x, 4.75), r"$\Sigma$", kind="point")
    for j, h in enumerate(enc):
        wire(ax, h.top, (ctx.x + (j - S // 2) * 0.12, ctx.bottom[1]), color=ATTN,
             lw=1.2)
    label(ax, (enc[0].x - 0.3, 3.4), rf"$a_{{{step}j}}$", color=ATTN, size=11)
    wire(ax, (s.x - 0.2, s.top[1]), (s.x - 0.2, 2.45), (enc[-1].x + 0.5, 2.45),
         color=ATTN, lw=1.2, ls="--")
    label(ax, (enc[-1].x + 1.0, 2.7), rf"$e_{{{step}j}} = s_{step} \cdot h_j$",
          color=ATTN, size=10)
    wire(ax, ctx.right, (dec[step - 1].x - 0.5, 4.75),
         (dec[step - 1].x - 0.5, 3.1), (dec[step - 1].x - 0.35, 3.1), color=ATTN, lw=1.6)
    label(ax, (ctx.x + 1.2, 5.0), rf"$c_{step}$", color=ATTN, size=12)
    label(ax, (enc[S // 2].x, 5.7), tr("인코더", "encoder"), size=11)
    label(ax, (dec[1].x + gap / 2, 5.7), tr("디코더", "decoder"), size=11)
    legend(ax, 0.5, -0.6, [("wire", INK, tr("순환(상태 전달)", "recurrence (state)")),
                           ("wire", ATTN, tr("어텐션(가중합)", "attention (weighted sum)"))])
    return fig
