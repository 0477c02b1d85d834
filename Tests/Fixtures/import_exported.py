"""Imports the graphs TensorGraph exported (Tests/Fixtures/exported/*.json) into TensorFlow and
saves TensorFlow's value of each graph's "output" node beside them as NAME.tf.npy.

    .venv/bin/python Tests/Fixtures/import_exported.py
"""
import glob
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import tensorflow as tf
from google.protobuf import json_format

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "exported")

for path in sorted(glob.glob(os.path.join(HERE, "*.json"))):
    graph_def = json_format.Parse(open(path).read(), tf.compat.v1.GraphDef())
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.import_graph_def(graph_def, name="")
    with tf.compat.v1.Session(graph=graph) as session:
        if any(node.name == "init" for node in graph_def.node):
            session.run("init")
        value = session.run("output:0")
    np.save(path[: -len(".json")] + ".tf.npy", value)
    print(os.path.basename(path), value.shape, value.dtype)
