"""A TF1 while_loop of a small body run for many iterations, by TensorFlow and by TensorGraph:
iterations per second and peak memory (RSS), to show that a loop runs in bounded memory.

    .venv/bin/python Tests/Benchmarks/loop.py [--iterations 1000000] [--tensorgraph .build/release/tensorgraph]

The graph goes to .models/loop/ (git-ignored). Each side runs in its own process, so each peak RSS
is that process's whole peak (TensorFlow's includes its own import).
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FOLDER = os.path.join(ROOT, ".models", "loop")


def build(path):
    import tensorflow as tf
    tf.compat.v1.disable_eager_execution()
    tf.compat.v1.disable_control_flow_v2()
    graph = tf.Graph()
    with graph.as_default():
        n = tf.compat.v1.placeholder(tf.int32, [], name="n")
        x = tf.compat.v1.placeholder(tf.float32, [4], name="x")
        _, y = tf.compat.v1.while_loop(lambda i, v: i < n, lambda i, v: (i + 1, v * 0.999 + 0.001), [0, x])
        tf.identity(y, name="y")
    with open(path, "wb") as f:
        f.write(graph.as_graph_def().SerializeToString())


def tensorflow_side(path, iterations):
    """Runs in a child process: prints seconds for the run and peak RSS in KiB."""
    import resource
    import numpy as np
    import tensorflow as tf
    tf.compat.v1.disable_eager_execution()
    graph_def = tf.compat.v1.GraphDef()
    with open(path, "rb") as f:
        graph_def.ParseFromString(f.read())
    graph = tf.Graph()
    with graph.as_default():
        tf.import_graph_def(graph_def, name="")
    config = tf.compat.v1.ConfigProto(intra_op_parallelism_threads=2, inter_op_parallelism_threads=2)
    with tf.compat.v1.Session(graph=graph, config=config) as session:
        feeds = {"n:0": iterations, "x:0": np.ones(4, np.float32)}
        start = time.perf_counter()
        result = session.run("y:0", feeds)
        seconds = time.perf_counter() - start
    print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, result[0])


def measure_tensorflow(path, iterations):
    out = subprocess.run([sys.executable, __file__, "--tensorflow-child", path, str(iterations)],
                         capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), int(out[1]) / 1024, float(out[2])


def measure_tensorgraph(tool, path, iterations):
    import numpy as np
    with tempfile.TemporaryDirectory() as scratch:
        n, x, y = (os.path.join(scratch, name) for name in ("n.npy", "x.npy", "y.npy"))
        np.save(n, np.array(iterations, np.int32))
        np.save(x, np.ones(4, np.float32))
        start = time.perf_counter()
        run = subprocess.run(["/usr/bin/time", "-v", tool, "run", path, "--feed", f"n={n}", "--feed", f"x={x}",
                              "--fetch", f"y={y}"], capture_output=True, text=True, check=True)
        seconds = time.perf_counter() - start
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr).group(1)) / 1024
        return seconds, rss, float(np.load(y)[0])


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--tensorflow-child":
        return tensorflow_side(sys.argv[2], int(sys.argv[3]))
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", default="10000,1000000")
    parser.add_argument("--tensorgraph", default=os.path.join(ROOT, ".build", "release", "tensorgraph"))
    args = parser.parse_args()
    os.makedirs(FOLDER, exist_ok=True)
    path = os.path.join(FOLDER, "while.pb")
    build(path)
    print(f"{'iterations':>10} | {'TF s':>7} | {'TF it/s':>9} | {'TF MiB':>7} | {'ours s':>7} | {'ours it/s':>9} | "
          f"{'ours MiB':>8} | same result")
    for iterations in (int(value) for value in args.iterations.split(",")):
        tf_seconds, tf_rss, tf_value = measure_tensorflow(path, iterations)
        our_seconds, our_rss, our_value = measure_tensorgraph(args.tensorgraph, path, iterations)
        same = abs(tf_value - our_value) <= 1e-5 * max(1.0, abs(tf_value))
        print(f"{iterations:>10} | {tf_seconds:7.2f} | {iterations / tf_seconds:9.0f} | {tf_rss:7.0f} | "
              f"{our_seconds:7.2f} | {iterations / our_seconds:9.0f} | {our_rss:8.0f} | {same}")


if __name__ == "__main__":
    main()
