"""Writes the model-format fixtures: a small conv -> conv2d_transpose network that TensorFlow
builds in TF1 graph mode and saves as a binary GraphDef, with an input and TensorFlow's output.

    .venv/bin/python Tests/Fixtures/formats/generate.py
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
import numpy as np
import tensorflow as tf

tf1 = tf.compat.v1
HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.RandomState(20261129)


def conv_deconv():
    """Placeholder -> Conv2D + BiasAdd + Relu -> conv2d_transpose + BiasAdd -> tanh, and a mean."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf1.placeholder(tf.float32, [None, 8, 8, 3], name="input")
        w1 = tf.constant(rng.randn(3, 3, 3, 8).astype(np.float32) * 0.3, name="w1")
        b1 = tf.constant(rng.randn(8).astype(np.float32) * 0.1, name="b1")
        h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w1, [1, 2, 2, 1], "SAME"), b1), name="h")
        w2 = tf.constant(rng.randn(4, 4, 2, 8).astype(np.float32) * 0.3, name="w2")
        batch = tf.shape(x)[0]
        y = tf.nn.conv2d_transpose(h, w2, tf.stack([batch, 8, 8, 2]), [1, 2, 2, 1], "SAME", name="deconv")
        y = tf.nn.bias_add(y, tf.constant([0.25, -0.5], tf.float32), name="bias2")
        out = tf.tanh(y * 2.0, name="output")
        tf.reduce_mean(out, axis=[1, 2], keepdims=True, name="pooled")
        value = rng.randn(2, 8, 8, 3).astype(np.float32)
        with tf1.Session(graph=graph) as session:
            output, pooled = session.run(["output:0", "pooled:0"], {"input:0": value})
    tf.io.write_graph(graph.as_graph_def(), HERE, "conv_deconv.pb", as_text=False)
    np.save(os.path.join(HERE, "conv_deconv_input.npy"), value)
    np.save(os.path.join(HERE, "conv_deconv_output.npy"), output)
    np.save(os.path.join(HERE, "conv_deconv_pooled.npy"), pooled)


if __name__ == "__main__":
    conv_deconv()
    print("format fixtures written with TensorFlow", tf.__version__)
