"""Peak resident memory of `tensorgraph bench` against a TensorFlow session doing the same run.

For each model frozen by models.py into .models/ (run that first): `/usr/bin/time -v` of
`tensorgraph bench NAME.pb --runs R --warmup 3` and of this script's own TensorFlow child (import the
same GraphDef, a session with 2 intra-op threads, 3 + R runs of batch 1), with oneDNN on and off;
prints the maximum resident set sizes in MB.

    swift build -c release --product tensorgraph
    .venv/bin/python Tests/Benchmarks/peak_memory.py [--only resnet50] [--runs 10]
"""
import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, ".models")
TOOL = os.path.join(ROOT, ".build", "release", "tensorgraph")


def run_in_tensorflow(graph_path, input_path, fetch, runs):
    """The child process: 3 + `runs` runs of the graph in a TF1 session."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import numpy as np
    import tensorflow as tf
    graph_def = tf.compat.v1.GraphDef()
    with open(graph_path, "rb") as f:
        graph_def.ParseFromString(f.read())
    with tf.Graph().as_default() as graph:
        tf.compat.v1.import_graph_def(graph_def, name="")
    config = tf.compat.v1.ConfigProto(intra_op_parallelism_threads=2, inter_op_parallelism_threads=1)
    x = np.load(input_path)
    with tf.compat.v1.Session(graph=graph, config=config) as session:
        for _ in range(3 + runs):
            session.run(fetch + ":0", {"input:0": x})


def peak_mb(command, environment=None):
    """The maximum resident set size of `command` in MB, as /usr/bin/time -v reports it."""
    run = subprocess.run(["/usr/bin/time", "-v"] + command, capture_output=True, text=True,
                         env=dict(os.environ, **(environment or {})))
    if run.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {run.stderr.strip().splitlines()[-1]}")
    return int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr).group(1)) / 1024


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--tf-run":
        run_in_tensorflow(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="resnet50")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--fetch", default="Identity")
    args = parser.parse_args()
    for name in args.only.split(","):
        graph, x = os.path.join(OUT, name + ".pb"), os.path.join(OUT, name + "_input.npy")
        ours = peak_mb([TOOL, "bench", graph, "--feed", f"input={x}", "--fetch", args.fetch, "--runs", str(args.runs)])
        child = [sys.executable, __file__, "--tf-run", graph, x, args.fetch, str(args.runs)]
        onednn = peak_mb(child, {"TF_ENABLE_ONEDNN_OPTS": "1"})
        eigen = peak_mb(child, {"TF_ENABLE_ONEDNN_OPTS": "0"})
        print(f"{name}: tensorgraph bench {ours:.0f} MB; TensorFlow {onednn:.0f} MB with oneDNN, {eigen:.0f} MB without")


if __name__ == "__main__":
    main()
