"""Checks once, by hand, that TensorFlow restores a checkpoint TensorGraph wrote: `tensorgraph train
--save` writes a graph (GraphDef JSON) and its checkpoint; TensorFlow imports the graph, restores
every variable with tf.compat.v1.train.Saver, and computes the logits, which must match
`tensorgraph run --checkpoint` on the same graph and input.

    swift build && .venv/bin/python Tests/Fixtures/checkpoint/verify_tf_restores.py [.build/debug/tensorgraph]
"""
import os
import subprocess
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
import numpy as np
import tensorflow as tf
from google.protobuf import json_format

tf1 = tf.compat.v1
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def main():
    tool = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "tensorgraph")
    work = tempfile.mkdtemp(prefix="tg-verify-")
    subprocess.run([tool, "train", "--epochs", "1", "--save", work], check=True, stdout=subprocess.DEVNULL)
    graph_def = json_format.Parse(open(os.path.join(work, "graph.json")).read(), tf1.GraphDef())
    logits = next(n.name for n in graph_def.node if n.name.startswith("logits/") and n.op == "BiasAdd") + ":0"
    images = np.random.RandomState(7).rand(5, 8, 8, 1).astype(np.float32)
    np.save(os.path.join(work, "images.npy"), images)
    graph = tf.Graph()
    with graph.as_default():
        tf1.import_graph_def(graph_def, name="")
        variables = {n.name: graph.get_tensor_by_name(n.name + ":0") for n in graph_def.node if n.op == "VariableV2"}
        saver = tf1.train.Saver(variables)
        with tf1.Session(graph=graph) as session:
            saver.restore(session, os.path.join(work, "model.ckpt"))
            theirs = session.run(logits, {"images:0": images})
    out = os.path.join(work, "logits.npy")
    subprocess.run([tool, "run", os.path.join(work, "graph.json"), "--checkpoint", os.path.join(work, "model.ckpt"),
                    "--feed", "images=" + os.path.join(work, "images.npy"), "--fetch", logits + "=" + out], check=True)
    ours = np.load(out)
    difference = np.max(np.abs(ours - theirs)) / max(1e-12, np.sqrt(np.mean(theirs ** 2)))
    print("TensorFlow %s restored %d variables from TensorGraph's checkpoint; logits differ by %.2e (relative to RMS)"
          % (tf.__version__, len(variables), difference))
    assert difference < 1e-5, difference


if __name__ == "__main__":
    main()
