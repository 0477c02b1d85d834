"""Benchmarks TensorGraph against TensorFlow on the graphs issue 4 names, both limited to 2 threads.

    swift build -c release --product tensorgraph
    .venv/bin/python Tests/Benchmarks/run.py [--runs N] [--rounds R] [--only NAME] [--isa avx512,avx2,portable]

Writes each benchmark graph as GraphDef JSON with TensorFlow (which must be installed) into a
temporary folder, times it with `tensorgraph bench --json` (once per instruction set named by
--isa, forced with TENSORGRAPH_ISA; default: the one the CPU's best) and with tf.compat.v1.Session
importing the same GraphDef, alternating them R times per case, and prints a table of GFLOP/s,
ratios (TensorFlow ms / TensorGraph ms; the median of the rounds on each side) and the share of
--peak GFLOP/s that each reaches.
"""
import argparse
import json
import os
import subprocess
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import tensorflow as tf
from google.protobuf import json_format

tf1 = tf.compat.v1
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
TOOL = os.path.join(ROOT, ".build", "release", "tensorgraph")
rng = np.random.RandomState(0)

# name: (kind, batch, in_h, in_w, in_c, out_c, kernel) with stride 2 SAME for the convolutions.
CASES = {
    "deconv_a_seed004": ("deconv", 16, 14, 14, 16, 16, 5),
    "deconv_b_dcgan": ("deconv", 64, 8, 8, 256, 128, 5),
    "deconv_c": ("deconv", 1, 32, 32, 64, 32, 4),
    "deconv_d": ("deconv", 8, 64, 64, 128, 64, 3),
    "conv_a_seed004": ("conv", 16, 28, 28, 16, 16, 5),
    "conv_b_dcgan": ("conv", 64, 16, 16, 128, 256, 5),
    "conv_c": ("conv", 1, 64, 64, 32, 64, 4),
    "conv_d": ("conv", 8, 128, 128, 64, 128, 3),
    "matmul_512": ("matmul", 512, 512, 512),
    "matmul_64x4096x1024": ("matmul", 64, 4096, 1024),
    "tiny_graph": ("tiny",),
}


def build(name, spec, folder):
    """Writes the graph and its input; returns (graph path, feed path, fetch name, FLOPs)."""
    graph = tf.Graph()
    kind = spec[0]
    with graph.as_default():
        if kind == "deconv":
            _, n, h, w, cin, cout, k = spec
            x = rng.randn(n, h, w, cin).astype(np.float32)
            inp = tf1.placeholder(tf.float32, x.shape, name="x")
            filt = tf.constant(rng.randn(k, k, cout, cin).astype(np.float32) * 0.05)
            tf.nn.conv2d_transpose(inp, filt, [n, 2 * h, 2 * w, cout], [1, 2, 2, 1], "SAME", name="y")
            flops = 2 * n * h * w * cin * k * k * cout
        elif kind == "conv":
            _, n, h, w, cin, cout, k = spec
            x = rng.randn(n, h, w, cin).astype(np.float32)
            inp = tf1.placeholder(tf.float32, x.shape, name="x")
            filt = tf.constant(rng.randn(k, k, cin, cout).astype(np.float32) * 0.05)
            tf.nn.conv2d(inp, filt, [1, 2, 2, 1], "SAME", name="y")
            flops = 2 * n * (h // 2) * (w // 2) * cin * k * k * cout
        elif kind == "matmul":
            _, m, kk, n = spec
            x = rng.randn(m, kk).astype(np.float32)
            inp = tf1.placeholder(tf.float32, x.shape, name="x")
            tf.matmul(inp, tf.constant(rng.randn(kk, n).astype(np.float32)), name="y")
            flops = 2 * m * kk * n
        else:
            x = rng.randn(4).astype(np.float32)
            inp = tf1.placeholder(tf.float32, [4], name="x")
            tf.nn.relu(tf.multiply(tf.add(inp, 1.0), 2.0), name="y")
            flops = 0
    path = os.path.join(folder, name + ".json")
    with open(path, "w") as f:
        f.write(json_format.MessageToJson(graph.as_graph_def()))
    feed = os.path.join(folder, name + "_x.npy")
    np.save(feed, x)
    return path, feed, x, flops


def time_tensorgraph(path, feed, runs, isa):
    env = dict(os.environ)
    if isa:
        env["TENSORGRAPH_ISA"] = isa
    out = subprocess.run([TOOL, "bench", path, "--feed", "x=" + feed, "--fetch", "y", "--runs", str(runs), "--warmup", "3", "--json"],
                         capture_output=True, text=True, check=True, env=env)
    result = json.loads(out.stdout)
    return result["median_ms"], result["isa"]


def tensorflow_session(path):
    """A session on the imported GraphDef, limited to 2 threads."""
    graph_def = json_format.Parse(open(path).read(), tf1.GraphDef())
    graph = tf.Graph()
    with graph.as_default():
        tf1.import_graph_def(graph_def, name="")
    config = tf1.ConfigProto(intra_op_parallelism_threads=2, inter_op_parallelism_threads=1)
    return tf1.Session(graph=graph, config=config)


def time_tensorflow(session, x, runs):
    for _ in range(3):
        session.run("y:0", {"x:0": x})
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        session.run("y:0", {"x:0": x})
        times.append((time.perf_counter() - start) * 1000)
    return float(np.median(times))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternate the two this many times per case; this shared machine's speed drifts over seconds")
    parser.add_argument("--only")
    parser.add_argument("--isa", default="", help="comma-separated instruction sets to time (default: the CPU's best)")
    parser.add_argument("--peak", type=float, default=345.0,
                        help="the machine's peak GFLOP/s (2 cores x 2 AVX-512 FMA units x 16 lanes x 2 x ~2.7 GHz)")
    args = parser.parse_args()
    isas = args.isa.split(",") if args.isa else [None]
    print(f"TensorFlow {tf.__version__}, oneDNN {os.environ.get('TF_ENABLE_ONEDNN_OPTS', 'default (on)')}; tensorgraph {TOOL}")
    header = f"{'benchmark':22} {'TF ms':>8} {'GFLOP/s':>7}"
    for isa in isas:
        header += f" | {isa or 'best':>8} ms {'GFLOP/s':>7} {'peak':>5} {'ratio':>5}"
    print(header)
    with tempfile.TemporaryDirectory() as folder:
        for name, spec in CASES.items():
            if args.only and args.only not in name:
                continue
            path, feed, x, flops = build(name, spec, folder)
            ours_rounds, theirs_rounds = {isa: [] for isa in isas}, []
            with tensorflow_session(path) as session:
                for _ in range(args.rounds):
                    for isa in isas:
                        ours_rounds[isa].append(time_tensorgraph(path, feed, args.runs, isa)[0])
                    theirs_rounds.append(time_tensorflow(session, x, args.runs))
            # The median round of each, all measured side by side.
            theirs = float(np.median(theirs_rounds))
            rate = lambda ms: flops / ms / 1e6 if flops else float("nan")
            line = f"{name:22} {theirs:8.3f} {rate(theirs):7.1f}"
            for isa in isas:
                ours = float(np.median(ours_rounds[isa]))
                line += f" | {ours:11.3f} {rate(ours):7.1f} {rate(ours) / args.peak:5.0%} {theirs / ours:5.2f}"
            print(line, flush=True)


if __name__ == "__main__":
    main()
