"""Checks that TensorFlow imports and runs what `tensorgraph optimize` writes, with the same results.

For each model frozen by models.py into .models/ (run that first): writes NAME_optimized.pb with
`tensorgraph optimize` (the default --for tensorflow profile), then, in a fresh TensorFlow process
for each of oneDNN off and on, runs the original and the optimized GraphDef on NAME_input.npy and
prints the largest relative difference between them, the optimized graph's fused ops, and how many
nodes each graph has. Exit status 1 if TensorFlow cannot run an optimized graph or a difference
exceeds 1e-4.

    swift build -c release --product tensorgraph
    .venv/bin/python Tests/Benchmarks/check_optimized.py [--only resnet50,mobilenetv2] [--fetch Identity]
"""
import argparse
import collections
import json
import os
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, ".models")
TOOL = os.path.join(ROOT, ".build", "release", "tensorgraph")
TOLERANCE = 1e-4


def run_in_tensorflow(graph_path, feeds, fetch, result):
    """The child process: runs `graph_path` in a TF1 session and saves `fetch` to `result`."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import numpy as np
    import tensorflow as tf
    graph_def = tf.compat.v1.GraphDef()
    with open(graph_path, "rb") as f:
        graph_def.ParseFromString(f.read())
    with tf.Graph().as_default() as graph:
        tf.compat.v1.import_graph_def(graph_def, name="")
        with tf.compat.v1.Session(graph=graph) as session:
            values = {name + ":0": np.load(path) for name, path in feeds.items()}
            np.save(result, session.run(fetch + ":0", values))
    print(json.dumps(collections.Counter(node.op for node in graph_def.node)))


def tensorflow(graph_path, feeds, fetch, result, onednn):
    """Runs the graph in a fresh TensorFlow process with oneDNN on or off; (op counts, None) or
    (None, the error's last line)."""
    environment = dict(os.environ, TF_ENABLE_ONEDNN_OPTS=str(int(onednn)), TF_CPP_MIN_LOG_LEVEL="2")
    run = subprocess.run([sys.executable, __file__, "--tf-run", graph_path, json.dumps(feeds), fetch, result],
                         capture_output=True, text=True, env=environment)
    if run.returncode != 0:
        return None, (run.stderr.strip().splitlines() or ["exit status %d" % run.returncode])[-1]
    return json.loads(run.stdout.strip().splitlines()[-1]), None


def relative_difference(ours, theirs):
    """As models.py: the largest difference relative to each value or to the output's RMS."""
    import numpy as np
    return float(np.max(np.abs(ours - theirs) / np.maximum(np.abs(theirs), np.sqrt(np.mean(theirs ** 2)))))


def check(name, fetch):
    import numpy as np
    original = os.path.join(OUT, name + ".pb")
    optimized = os.path.join(OUT, name + "_optimized.pb")
    feeds = {"input": os.path.join(OUT, name + "_input.npy")}
    written = subprocess.run([TOOL, "optimize", original, "-o", optimized, "--fetch", fetch]
                             + [argument for feed in feeds for argument in ("--feed", feed)],
                             capture_output=True, text=True)
    if written.returncode != 0:
        print(f"{name}: tensorgraph optimize fails: {written.stderr.strip()}")
        return False
    print(f"{name}: {written.stdout.strip()}")
    ok = True
    for onednn in (False, True):
        label = "oneDNN on " if onednn else "oneDNN off"
        results = {}
        for kind, path in (("original", original), ("optimized", optimized)):
            result = os.path.join(OUT, f"{name}_{kind}_tf{int(onednn)}.npy")
            ops, error = tensorflow(path, feeds, fetch, result, onednn)
            if error:
                print(f"  {label}: TensorFlow cannot run the {kind} graph: {error}")
                ok = False
                break
            results[kind] = (np.load(result), ops)
        else:
            difference = relative_difference(results["optimized"][0], results["original"][0])
            fused = {op: count for op, count in results["optimized"][1].items() if op.startswith("_")}
            ok = ok and difference <= TOLERANCE
            print(f"  {label}: optimized vs original in TensorFlow within {difference:.2e} relative; "
                  f"{sum(results['optimized'][1].values())} nodes against {sum(results['original'][1].values())}; "
                  f"fused {fused}")
    return ok


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--tf-run":
        graph_path, feeds, fetch, result = sys.argv[2:6]
        run_in_tensorflow(graph_path, json.loads(feeds), fetch, result)
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="resnet50,mobilenetv2", help="comma-separated model names in .models/")
    parser.add_argument("--fetch", default="Identity", help="the output tensor's node (models.py freezes to Identity)")
    args = parser.parse_args()
    results = [check(name, args.fetch) for name in args.only.split(",")]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
