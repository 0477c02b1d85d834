"""Writes the checkpoint fixtures with TensorFlow: a small conv -> conv2d_transpose network built in
TF1 graph mode with variables (resource variables from get_variable, and one VariableV2), saved by
tf.compat.v1.train.Saver, with its inference graph as a binary GraphDef, an input and TensorFlow's
output after restoring; and the whole graph, Savers and all, as tf.io.write_graph writes it and as
the Saver writes it into conv_deconv.ckpt.meta (a MetaGraphDef).

    .venv/bin/python Tests/Fixtures/checkpoint/generate.py
"""
import contextlib
import io
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
import numpy as np
import tensorflow as tf
from tensorflow.python.tools import inspect_checkpoint

tf1 = tf.compat.v1
HERE = os.path.dirname(os.path.abspath(__file__))


def build():
    """The network; returns (graph, input, output). Variable names are what checkpoints key."""
    graph = tf.Graph()
    with graph.as_default():
        tf1.set_random_seed(13)
        x = tf1.placeholder(tf.float32, [None, 8, 8, 3], name="input")
        with tf1.variable_scope("conv"):
            kernel = tf1.get_variable("kernel", [3, 3, 3, 8], use_resource=True)
            bias = tf1.get_variable("bias", [8], initializer=tf1.random_normal_initializer(stddev=0.1),
                                    use_resource=True)
        h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, kernel, [1, 2, 2, 1], "SAME"), bias), name="h")
        with tf1.variable_scope("deconv"):
            # A reference (VariableV2) variable, as TF1 code before resource variables made them.
            filters = tf1.Variable(tf1.random_normal([4, 4, 2, 8], stddev=0.3, seed=5), name="filters",
                                   use_resource=False)
            shift = tf1.get_variable("bias", [2], initializer=tf1.constant_initializer([0.25, -0.5]),
                                     use_resource=True)
        batch = tf.shape(x)[0]
        y = tf.nn.conv2d_transpose(h, filters, tf.stack([batch, 8, 8, 2]), [1, 2, 2, 1], "SAME")
        tf.tanh(tf.nn.bias_add(y, shift) * 2.0, name="output")
        tf1.train.get_or_create_global_step()
    return graph


def main():
    graph = build()
    value = np.random.RandomState(20261129).randn(2, 8, 8, 3).astype(np.float32)
    with graph.as_default(), tf1.Session(graph=graph) as session:
        session.run(tf1.global_variables_initializer())
        saver = tf1.train.Saver()
        tf1.train.Saver(sharded=True)  # a second saver (save_1/), which names its shards with string ops
        prefix = saver.save(session, os.path.join(HERE, "conv_deconv.ckpt"), write_state=False)
        output = session.run("output:0", {"input:0": value})
        inference = tf1.graph_util.extract_sub_graph(graph.as_graph_def(), ["output"])
    tf.io.write_graph(inference, HERE, "conv_deconv.pb", as_text=False)
    # The whole graph as a TF1 training script writes it once its Savers are made: initializers, and the
    # save/ and save_1/ subgraphs with their string tensors, which TensorGraph leaves out when it loads.
    tf.io.write_graph(graph.as_graph_def(), HERE, "conv_deconv_with_savers.pb", as_text=False)
    np.save(os.path.join(HERE, "conv_deconv_input.npy"), value)
    np.save(os.path.join(HERE, "conv_deconv_output.npy"), output)
    # What `tensorgraph checkpoint` must print: inspect_checkpoint's own listing.
    listing = io.StringIO()
    with contextlib.redirect_stdout(listing):
        inspect_checkpoint.print_tensors_in_checkpoint_file(prefix, tensor_name="", all_tensors=False)
    with open(os.path.join(HERE, "conv_deconv_inspect.txt"), "w") as file:
        file.write(listing.getvalue())

if __name__ == "__main__":
    main()
    print("checkpoint fixtures written with TensorFlow", tf.__version__)
