"""Benchmark rnnbook's RNN, LSTM and GRU against torch.nn and two textbook peers.

    .venv/bin/python bench/bench_rnn.py                 # cells, full; writes bench/results.json
    .venv/bin/python bench/bench_rnn.py --quick         # fewer repeats; writes nothing
    .venv/bin/python bench/bench_rnn.py --site          # cells and the site
    .venv/bin/python bench/bench_rnn.py --site --no-cells --json bench/results.json

Run on demand (``make bench``), never in the test suite. What is measured and how
is described in bench/README.md. In short: for every cell, dtype and size
(T, B, D=H), the median wall time (time.perf_counter) of a forward call and of a
forward+backward call of

- rnnbook: the public layer (``rnnbook.LSTM(...)(x)`` and ``layer.backward``),
- torch: ``torch.nn.LSTM`` with the same parameters (``rnnbook.to_torch``), autograd
  recording in the forward (it keeps what backward needs, as rnnbook does), and the
  same forward under ``torch.inference_mode`` for reference,
- the textbook peers of bench/peers.py (per-gate, and naive fused),
- "matmul": only the matrix products of rnnbook's algorithm, on the same shapes,
  in NumPy: the practical ceiling for a NumPy implementation.

Implementations are timed in rounds (each round: one warm-up call, then a few
timed calls of each implementation in turn), so load that comes and goes on a
shared machine hits all of them alike. torch gets as many threads as NumPy's BLAS.
Results (with the machine, the versions, the thread count and the load average)
go to the JSON file that the book's performance page plots at build time.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import glob
import json
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import peers  # noqa: E402

CELLS = ("RNN", "LSTM", "GRU")
GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}
SIZES = ((100, 64, 256), (50, 32, 128), (200, 1, 64))  # (T, B, D = H)
DTYPES = ("float32", "float64")
PASSES = ("fwd", "fwdbwd")

# NumPy calls per time step in rnnbook's loops (counted by reading rnnbook/*.py;
# see bench/README.md). "compute": ufuncs and matmul that touch the data;
# "views": indexing/reshape calls that only make array views (Python overhead).
NUMPY_CALLS_PER_STEP = {
    "RNN": {"fwd": {"compute": 3, "views": 3}, "bwd": {"compute": 5, "views": 4}},
    "LSTM": {"fwd": {"compute": 14, "views": 11}, "bwd": {"compute": 17, "views": 15}},
    "GRU": {"fwd": {"compute": 13, "views": 12}, "bwd": {"compute": 17, "views": 17}},
}


# ------------------------------------------------------------------ machine


def _openblas_fn(name):
    """A function of NumPy's bundled OpenBLAS, through ctypes (no threadpoolctl)."""
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__) + ".libs",
                                  "lib*openblas*.so*"))
    for path in libs:
        lib = ctypes.CDLL(path)
        for prefix, suffix in (("scipy_openblas", "64_"), ("scipy_openblas", ""),
                               ("openblas", "64_"), ("openblas", "")):
            fn = getattr(lib, f"{prefix}_{name}{suffix}", None)
            if fn is not None:
                return fn
    return None


def _openblas():
    """(kernel name, threads, build configuration) of NumPy's OpenBLAS, or Nones."""
    corename, threads, config = (_openblas_fn(n) for n in
                                 ("get_corename", "get_num_threads", "get_config"))
    if corename is None:
        return None, None, None
    corename.restype = config.restype = ctypes.c_char_p
    return corename().decode(), int(threads()), config().decode()


def set_blas_threads(n):
    """Set the number of threads of NumPy's OpenBLAS (like OPENBLAS_NUM_THREADS)."""
    fn = _openblas_fn("set_num_threads")
    if fn is None:
        raise SystemExit("cannot set the BLAS thread count: OpenBLAS not found")
    fn(ctypes.c_int(n))


def _cpu():
    """CPU model name, family/model numbers and the vector extensions that matter."""
    fields, flags = {}, set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            key = key.strip()
            if key in ("model name", "cpu family", "model") and key not in fields:
                fields[key] = value.strip()
            elif key == "flags" and not flags:
                flags = set(value.split())
    except OSError:
        pass
    simd = [f for f in ("avx2", "fma", "avx512f") if f in flags]
    return {"cpu": fields.get("model name") or platform.processor() or platform.machine(),
            "cpu_family": fields.get("cpu family"), "cpu_model": fields.get("model"),
            "simd": simd}


def machine_info(torch=None):
    """The machine and software the numbers belong to."""
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    corename, blas_threads, blas_config = _openblas()
    info = {
        **_cpu(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": f"{blas.get('name')} {blas.get('version')}",
        "blas_kernel": corename,
        "blas_config": blas_config,
        "blas_threads": blas_threads,
        "openblas_env": {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS")},
    }
    if torch is not None:
        info.update(torch=torch.__version__.split("+")[0],
                    torch_build=torch.__version__,
                    torch_threads=torch.get_num_threads(),
                    torch_blas="MKL" if torch.backends.mkl.is_available() else "?",
                    torch_onednn=torch.backends.mkldnn.is_available())
    return info


def load_average():
    return [round(v, 2) for v in os.getloadavg()]


# ------------------------------------------------------------------ timing


def measure(fns, repeats, rounds):
    """Median seconds per call of each function, timed in interleaved rounds.

    Each round runs, for every function in turn, one warm-up call (the other
    library's threads may still be spinning) and then ceil(repeats / rounds) timed
    calls. Returns {name: [seconds, ...]}.
    """
    per_round = math.ceil(repeats / rounds)
    times = {name: [] for name in fns}
    gc.collect()
    gc.disable()
    try:
        for _ in range(rounds):
            for name, fn in fns.items():
                fn()
                for _ in range(per_round):
                    start = time.perf_counter()
                    fn()
                    times[name].append(time.perf_counter() - start)
    finally:
        gc.enable()
    return times


def flops(cell, T, B, D, H):
    """Matrix-product FLOPs of a forward pass (2 per multiply-add).

    x W_ih^T for T*B rows and h W_hh^T for T*B rows; the backward pass does twice
    as many (dx, dW_ih and dh, dW_hh), so forward+backward is 3x. Element-wise
    gate math is not counted.
    """
    return 2 * T * B * GATES[cell] * H * (D + H)


# ------------------------------------------------------------------ the contenders


def _matmul_only(cell, x, params, dtype):
    """Only the matrix products of rnnbook's forward and backward, preallocated.

    Forward: one (T*B, D) x (D, GH) product, then T products (B, H) x (H, GH).
    Backward adds T products (B, GH) x (GH, H) and after the loop dx, dW_ih, dW_hh.
    """
    T, B, D = x.shape
    GH, H = params["weight_hh"].shape
    W_ih_T, W_hh_T = params["weight_ih"].T, params["weight_hh"].T
    W_ih, W_hh = params["weight_ih"], params["weight_hh"]
    rows = x.reshape(T * B, D)
    proj = np.empty((T * B, GH), dtype)
    h = np.ascontiguousarray(x[:, :, :H] if D >= H else np.ones((T, B, H), dtype))
    h_rows = h.reshape(T * B, H)
    rec = np.empty((B, GH), dtype)
    da = np.asarray(proj).reshape(T, B, GH)
    dh = np.empty((B, H), dtype)
    dx = np.empty((T * B, D), dtype)
    dW_ih = np.empty((GH, D), dtype)
    dW_hh = np.empty((GH, H), dtype)

    def fwd():
        np.matmul(rows, W_ih_T, out=proj)
        for t in range(T):
            np.matmul(h[t], W_hh_T, out=rec)

    def fwdbwd():
        fwd()
        for t in range(T):
            np.matmul(da[t], W_hh, out=dh)
        np.matmul(proj, W_ih, out=dx)
        np.matmul(proj.T, rows, out=dW_ih)
        np.matmul(proj.T, h_rows, out=dW_hh)

    return fwd, fwdbwd


def contenders(cell, dtype, T, B, D, torch, check=True):
    """{name: (forward fn, forward+backward fn)} for one configuration."""
    import rnnbook

    H = D
    rng = np.random.default_rng(0)
    layer = getattr(rnnbook, cell)(D, H, dtype=np.dtype(dtype).type, rng=rng)
    x = rng.standard_normal((T, B, D)).astype(dtype)
    dout = rng.standard_normal((T, B, H)).astype(dtype)
    params = {k: layer.params[k + "_l0"]
              for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
    h0 = np.zeros((B, H), dtype)
    states = (h0, h0) if cell == "LSTM" else (h0,)

    def rnnbook_fwdbwd():
        layer(x)
        return layer.backward(dout)

    fns = {"rnnbook": (lambda: layer(x), rnnbook_fwdbwd)}

    module = rnnbook.to_torch(layer)
    x_t = torch.from_numpy(x).requires_grad_(True)
    x_plain = torch.from_numpy(x)
    dout_t = torch.from_numpy(dout)

    def torch_fwd():
        return module(x_t)

    def torch_fwdbwd():
        module.zero_grad(set_to_none=True)
        x_t.grad = None
        out, _ = module(x_t)
        out.backward(dout_t)

    def torch_inference():
        with torch.inference_mode():
            return module(x_plain)

    fns["torch"] = (torch_fwd, torch_fwdbwd)
    fns["torch_inference"] = (torch_inference, None)

    for name, cls in peers.PEERS[cell].items():
        peer = cls(params)

        def peer_fwdbwd(peer=peer):
            hs, cache = peer.forward(x, *states)
            return peer.backward(dout, cache)

        fns[name] = ((lambda peer=peer: peer.forward(x, *states)), peer_fwdbwd)

    fns["matmul"] = _matmul_only(cell, x, params, dtype)
    if check:
        _check(cell, dtype, layer, module, fns, x, dout, x_t, torch)
    return fns


def _close(a, b, dtype):
    tol = 2e-3 if dtype == "float32" else 1e-8
    return float(np.max(np.abs(a - b))) <= tol * max(1.0, float(np.max(np.abs(b))))


def _check(cell, dtype, layer, module, fns, x, dout, x_t, torch):
    """Every contender computes the same outputs and gradients (else abort)."""
    out, _ = layer(x)
    dx, _, grads = layer.backward(dout)
    torch_fwdbwd = fns["torch"][1]
    torch_fwdbwd()
    out_t, _ = module(x_t)
    problems = []
    if not _close(out, out_t.detach().numpy(), dtype):
        problems.append("torch output")
    if not _close(dx, x_t.grad.numpy(), dtype):
        problems.append("torch input gradient")
    for name, p in module.named_parameters():
        if not _close(grads[name], p.grad.numpy(), dtype):
            problems.append(f"torch {name}")
    for name in peers.PEERS[cell]:
        hs, _ = fns[name][0]()
        pdx, _, pgrads = fns[name][1]()
        if not _close(hs, out, dtype):
            problems.append(f"{name} output")
        if not _close(pdx, dx, dtype):
            problems.append(f"{name} input gradient")
        for key, g in pgrads.items():
            if not _close(g, grads[key + "_l0"], dtype):
                problems.append(f"{name} {key}")
    if problems:
        raise SystemExit(f"{cell} {dtype} {x.shape}: results differ: {problems}")


# ------------------------------------------------------------------ the run


def run_cells(torch, repeats, rounds, sizes, dtypes, cells, log=print):
    results = []
    header = (f"{'cell':5} {'dtype':7} {'(T, B, D=H)':15} {'pass':6} "
              f"{'rnnbook':>9} {'torch':>9} {'ratio':>6} {'per-gate':>9} "
              f"{'fused':>9} {'GFLOP/s':>8} {'matmul':>8}")
    log(header + "\n" + "-" * len(header))
    for cell in cells:
        for dtype in dtypes:
            for T, B, D in sizes:
                fns = contenders(cell, dtype, T, B, D, torch)
                for k, pass_ in enumerate(PASSES):
                    chosen = {n: f[k] for n, f in fns.items() if f[k] is not None}
                    times = measure(chosen, repeats, rounds)
                    row = _row(cell, dtype, T, B, D, pass_, times)
                    results.append(row)
                    log(_format_row(row))
    return results


def _row(cell, dtype, T, B, D, pass_, times):
    ms = {n: statistics.median(v) * 1e3 for n, v in times.items()}
    work = flops(cell, T, B, D, D) * (3 if pass_ == "fwdbwd" else 1)
    row = {
        "cell": cell, "dtype": dtype, "T": T, "B": B, "D": D, "H": D, "pass": pass_,
        "ms": {n: round(v, 4) for n, v in ms.items()},
        "ms_min": {n: round(min(v) * 1e3, 4) for n, v in times.items()},
        "samples": len(times["rnnbook"]),
        "gflop": work / 1e9,
        "gflops": {n: round(work / (ms[n] * 1e-3) / 1e9, 2)
                   for n in ("rnnbook", "torch", "matmul")},
        "ratio_torch": round(ms["rnnbook"] / ms["torch"], 3),
    }
    if "torch_inference" in ms:
        row["ratio_torch_inference"] = round(ms["rnnbook"] / ms["torch_inference"], 3)
    for peer in ("pergate", "fused"):
        if peer in ms:
            row[f"speedup_vs_{peer}"] = round(ms[peer] / ms["rnnbook"], 3)
    row["fraction_of_matmul"] = round(ms["matmul"] / ms["rnnbook"], 3)
    return row


def _format_row(r):
    ms = r["ms"]
    fused = f"{ms['fused']:9.2f}" if "fused" in ms else f"{'-':>9}"
    return (f"{r['cell']:5} {r['dtype']:7} {str((r['T'], r['B'], r['D'])):15} "
            f"{r['pass']:6} {ms['rnnbook']:9.2f} {ms['torch']:9.2f} "
            f"{r['ratio_torch']:6.2f} {ms['pergate']:9.2f} {fused} "
            f"{r['gflops']['rnnbook']:8.1f} {r['gflops']['matmul']:8.1f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="3 repeats in 1 round; writes no JSON unless --json")
    parser.add_argument("--site", action="store_true",
                        help="also benchmark the site (build, serve, browser)")
    parser.add_argument("--no-cells", action="store_true",
                        help="skip the cell benchmark (with --site)")
    parser.add_argument("--json", metavar="PATH",
                        help="results file (default bench/results.json; "
                             "sections not run are kept from the existing file)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="timed calls per implementation (default 9, quick 3)")
    parser.add_argument("--rounds", type=int, default=None,
                        help="interleaved rounds (default 3, quick 1)")
    parser.add_argument("--cells", default=",".join(CELLS))
    parser.add_argument("--dtypes", default=",".join(DTYPES))
    parser.add_argument("--sizes", default=None,
                        help="e.g. 100x64x256,200x1x64 (T x B x D=H)")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for NumPy's BLAS and torch alike (default: "
                             "NumPy's BLAS thread count, i.e. the cores)")
    parser.add_argument("--site-page", default="rnn.md",
                        help="page edited for the incremental-rebuild timing")
    args = parser.parse_args(argv)

    repeats = args.repeats or (3 if args.quick else 9)
    rounds = args.rounds or (1 if args.quick else 3)
    json_path = Path(args.json) if args.json else (
        None if args.quick else HERE / "results.json")
    sizes = SIZES if not args.sizes else tuple(
        tuple(int(v) for v in s.split("x")) for s in args.sizes.split(","))

    results = {}
    if json_path is not None and json_path.exists():
        results = json.loads(json_path.read_text(encoding="utf-8"))

    if not args.no_cells:
        import torch

        if args.threads:
            set_blas_threads(args.threads)
        blas_threads = _openblas()[1] or os.cpu_count()
        # both libraries on the same cores with the same number of threads
        torch.set_num_threads(blas_threads)
        machine = machine_info(torch)
        print(_machine_line(machine))
        load_before = load_average()
        started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        rows = run_cells(torch, repeats, rounds, sizes, args.dtypes.split(","),
                         args.cells.split(","))
        results["machine"] = machine
        results["cells"] = {
            "run": {"started": started, "load_before": load_before,
                    "load_after": load_average(), "repeats": repeats,
                    "rounds": rounds, "quick": args.quick,
                    "threads": {"numpy_blas": machine["blas_threads"],
                                "torch": machine["torch_threads"]}},
            "numpy_calls_per_step": NUMPY_CALLS_PER_STEP,
            "results": rows,
        }
        print(f"load average before {load_before}, after {load_average()}")
    if args.site:
        import bench_site

        results.setdefault("machine", machine_info())
        results["site"] = bench_site.run(page=args.site_page)
    if json_path is not None:
        json_path.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n",
                             encoding="utf-8")
        print(f"wrote {json_path}")


def _machine_line(m):
    return (f"{m['cpu']}, {m['cores']} cores; numpy {m['numpy']} ({m['blas']}, "
            f"kernel {m['blas_kernel']}, {m['blas_threads']} threads); torch "
            f"{m.get('torch')} ({m.get('torch_threads')} threads); "
            f"OPENBLAS env {m['openblas_env'] or 'unset'}")


if __name__ == "__main__":
    main()
