"""Writes the example graphs in Graphs/ as TensorFlow GraphDef JSON, and TensorFlow's outputs for
them into Tests/Fixtures/graphs/, so the tests can check that TensorGraph runs them identically.

    .venv/bin/python Graphs/generate.py

Each graph runs with no feeds (its inputs are PlaceholderWithDefault or constants) and names its
result node "output". Graphs/broken/ holds graphs with one shape mistake each.
"""
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import tensorflow as tf
from google.protobuf import json_format

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "Tests", "Fixtures", "graphs")
rng = np.random.RandomState(4)
tf1 = tf.compat.v1


def save(graph, name, fetch="output:0", folder=HERE):
    """Writes the GraphDef JSON and, for runnable graphs, TensorFlow's value of `fetch`."""
    text = json_format.MessageToJson(graph.as_graph_def())
    with open(os.path.join(folder, name + ".json"), "w") as f:
        f.write(text + "\n")
    if fetch:
        with tf1.Session(graph=graph) as session:
            value = session.run(fetch)
        np.save(os.path.join(FIXTURES, name + ".npy"), value)


def const(value, name=None):
    return tf.constant(np.asarray(value, np.float32), name=name)


def seed002_2x2():
    g = tf.Graph()
    with g.as_default():
        x = tf1.placeholder_with_default(np.array([[0, 1], [2, 3]], np.float32).reshape(1, 2, 2, 1), [None, 2, 2, 1], name="input")
        w = const(np.array([[4, 1], [2, 3]], np.float32).reshape(2, 2, 1, 1), name="kernel")
        tf.nn.conv2d_transpose(x, w, [1, 3, 3, 1], [1, 1, 1, 1], padding="VALID", name="output")
    save(g, "seed002_2x2_transposed_convolution")


def seed002_4x4x3():
    x = np.array([[[1, 2, 3], [5, 6, 7], [9, 10, 11], [13, 14, 15]], [[17, 18, 19], [21, 22, 23], [25, 26, 27], [29, 30, 31]],
                  [[33, 34, 35], [37, 38, 39], [41, 42, 43], [45, 46, 47]], [[49, 50, 51], [53, 54, 55], [57, 58, 59], [61, 62, 63]]],
                 np.float32).reshape(1, 4, 4, 3)
    w = rng.uniform(-0.5, 0.5, size=(3, 3, 1, 3)).astype(np.float32)
    for padding, size in [("SAME", 8), ("VALID", 9)]:
        g = tf.Graph()
        with g.as_default():
            inp = tf1.placeholder_with_default(x, [None, 4, 4, 3], name="input")
            tf.nn.conv2d_transpose(inp, const(w, "kernel"), tf.stack([tf.shape(inp)[0], size, size, 1]), [1, 2, 2, 1],
                                   padding=padding, name="output")
        save(g, f"seed002_4x4x3_stride2_{padding.lower()}")


def seed004_network():
    g = tf.Graph()
    with g.as_default():
        data = tf1.placeholder_with_default(rng.rand(16, 28, 28, 1).astype(np.float32), [None, 28, 28, 1], name="data")
        w1 = const(rng.randn(5, 5, 1, 16) * 0.1, "layer1_weights")
        b1 = const(np.full(16, 0.05), "layer1_biases")
        w2 = const(rng.randn(5, 5, 16, 16) * 0.1, "layer2_weights")
        b2 = const(rng.randn(16) * 0.1, "layer2_biases")
        w3 = const(rng.randn(28 * 28 * 16, 32) * 0.01, "layer3_weights")
        b3 = const(rng.randn(32) * 0.1, "layer3_biases")
        w4 = const(rng.randn(32, 10) * 0.1, "layer4_weights")
        b4 = const(rng.randn(10) * 0.1, "layer4_biases")
        batch_size = tf.shape(data)[0]
        conv = tf.nn.conv2d(data, w1, [1, 2, 2, 1], padding="SAME")
        hidden = tf.nn.relu(conv + b1)
        conv = tf.nn.conv2d_transpose(hidden, w2, tf.stack([batch_size, 28, 28, 16]), [1, 2, 2, 1], padding="SAME")
        hidden = tf.nn.relu(conv + b2)
        reshape = tf.reshape(hidden, [-1, 28 * 28 * 16])
        hidden = tf.nn.relu(tf.matmul(reshape, w3) + b3)
        tf.add(tf.matmul(hidden, w4), b4, name="output")
    save(g, "seed004_network")


def dcgan_generator():
    g = tf.Graph()
    with g.as_default():
        z = tf1.placeholder_with_default(rng.randn(2, 16).astype(np.float32), [None, 16], name="z")
        h = tf.matmul(z, const(rng.randn(16, 4 * 4 * 512) * 0.05, "project/kernel")) + const(rng.randn(4 * 4 * 512) * 0.01, "project/bias")
        h = tf.reshape(h, [-1, 4, 4, 512])
        channels = [512, 128, 64, 32, 3]
        size = 4
        for stage in range(4):
            cin, cout = channels[stage], channels[stage + 1]
            size *= 2
            with tf.name_scope(f"stage{stage + 1}"):
                w = const(rng.randn(4, 4, cout, cin) * 0.05, "kernel")
                h = tf.nn.conv2d_transpose(h, w, tf.stack([tf.shape(h)[0], size, size, cout]), [1, 2, 2, 1], padding="SAME")
                if stage < 3:
                    scale, offset = const(1 + rng.randn(cout) * 0.1, "gamma"), const(rng.randn(cout) * 0.1, "beta")
                    mean, variance = const(rng.randn(cout) * 0.1, "moving_mean"), const(1 + rng.rand(cout), "moving_variance")
                    h, _, _ = tf1.nn.fused_batch_norm(h, scale, offset, mean, variance, epsilon=0.001, is_training=False)
                    h = tf.nn.relu(h)
        tf.tanh(h, name="output")
    save(g, "dcgan_generator")


def unet_decoder():
    g = tf.Graph()
    with g.as_default():
        x = tf1.placeholder_with_default(rng.rand(1, 32, 32, 3).astype(np.float32), [None, 32, 32, 3], name="image")

        def conv(h, cin, cout, stride, name):
            w = const(rng.randn(3, 3, cin, cout) * 0.2, name + "/kernel")
            return tf.nn.relu(tf.nn.conv2d(h, w, [1, stride, stride, 1], "SAME") + const(rng.randn(cout) * 0.1, name + "/bias"))

        def up(h, cin, cout, size, name):
            w = const(rng.randn(2, 2, cout, cin) * 0.2, name + "/kernel")
            return tf.nn.conv2d_transpose(h, w, tf.stack([tf.shape(h)[0], size, size, cout]), [1, 2, 2, 1], "SAME", name=name)

        e1 = conv(x, 3, 8, 1, "enc1")             # 32x32x8
        e2 = conv(tf.nn.max_pool2d(e1, 2, 2, "VALID"), 8, 16, 1, "enc2")   # 16x16x16
        bottom = conv(tf.nn.max_pool2d(e2, 2, 2, "VALID"), 16, 32, 1, "bottom")  # 8x8x32
        d2 = conv(tf.concat([up(bottom, 32, 16, 16, "up2"), e2], axis=3), 32, 16, 1, "dec2")
        d1 = conv(tf.concat([up(d2, 16, 8, 32, "up1"), e1], axis=3), 16, 8, 1, "dec1")
        logits = tf.nn.conv2d(d1, const(rng.randn(1, 1, 8, 2) * 0.3, "head/kernel"), [1, 1, 1, 1], "VALID")
        tf.nn.softmax(logits, name="output")
    save(g, "unet_decoder")


def classifier_head():
    """A classifier's post-processing built from the array, math and logic ops: top-k scores,
    one-hot labels, splits, masks, gathers and scatters, all with their TensorFlow attributes."""
    local = np.random.RandomState(13)  # its own stream, so the graphs above keep their numbers
    g = tf.Graph()
    with g.as_default():
        logits = tf1.placeholder_with_default(const(local.randn(4, 6)), [None, 6], name="logits")
        labels = tf1.placeholder_with_default(np.array([2, 0, 5, 1], np.int64), [None], name="labels")
        left, right = tf.split(logits, 2, axis=1)
        head, _ = tf.split(logits, [2, -1], axis=1)
        top = tf.math.top_k(logits, k=3)
        rows = tf.range(tf.shape(logits, out_type=tf.int64)[0])
        lowest = tf.gather_nd(logits, tf.stack([rows, tf.argmin(logits, 1)], 1))
        hot = tf.one_hot(labels, 6)
        positive = logits > 0
        mixed = tf.logical_and(tf.reduce_any(positive, 1), tf.logical_not(tf.reduce_all(positive, 1)))
        chosen = tf1.where(tf.logical_or(mixed, rows > 2), left, tf.reverse(right, [1]))
        bounded = tf.raw_ops.ClipByValue(t=tf.pow(tf.abs(head) + 0.5, 1.5), clip_value_min=tf.constant(0.8),
                                         clip_value_max=tf.constant(2.0))
        count = tf.cast(tf.shape(tf.where(positive))[0], tf.float32)
        spread = tf.scatter_nd(tf.expand_dims(labels, 1), top.values, [6, 3])
        columns = [top.values, tf.cast(top.indices, tf.float32), lowest[:, None], hot, chosen, bounded, spread[:4]]
        tf.add(tf.concat(columns, axis=1), count, name="output")
    save(g, "classifier_head")


def broken():
    """One shape mistake each, made by editing a valid graph's JSON as a user's typo would."""
    folder = os.path.join(HERE, "broken")

    def base(output_shape, filter_shape=(3, 3, 2, 4), input_shape=(1, 3, 3, 4), rank4=True):
        g = tf.Graph()
        with g.as_default():
            x = tf1.placeholder_with_default(np.zeros(input_shape, np.float32), list(input_shape), name="input")
            w = tf.constant(np.zeros(filter_shape, np.float32), name="kernel")
            sizes = tf.constant(np.array(output_shape, np.int32), name="output_shape")
            tf.raw_ops.Conv2DBackpropInput(input_sizes=tf.constant([1, 6, 6, 2], name="valid_shape"), filter=w, out_backprop=x,
                                           strides=[1, 2, 2, 1], padding="SAME", name="decoder/deconv")
        graph = json.loads(json_format.MessageToJson(g.as_graph_def()))
        for node in graph["node"]:
            if node["name"] == "decoder/deconv":
                node["input"][0] = "output_shape"
        return graph

    def write(name, graph):
        with open(os.path.join(folder, name + ".json"), "w") as f:
            json.dump(graph, f, indent=2)
            f.write("\n")

    write("bad_output_height", base([1, 7, 6, 2]))
    write("bad_output_width", base([1, 6, 4, 2]))
    write("wrong_output_channels", base([1, 6, 6, 3]))
    write("batch_mismatch", base([2, 6, 6, 2]))
    graph = base([1, 6, 6, 2])
    for node in graph["node"]:
        if node["name"] == "kernel":
            dims = node["attr"]["value"]["tensor"]["tensorShape"]["dim"]
            dims[3]["size"] = "3"  # in_channels 3, but the input has 4
            tensor = node["attr"]["value"]["tensor"]
            tensor.pop("tensorContent", None)
            tensor["floatVal"] = [0.0]
    write("wrong_filter_in_channels", graph)
    graph = base([1, 6, 6, 2])
    for node in graph["node"]:
        if node["name"] == "input":
            node["attr"]["shape"]["shape"]["dim"] = node["attr"]["shape"]["shape"]["dim"][1:]  # declared rank 3
            node["op"] = "Placeholder"
            node["input"] = []
            node["attr"].pop("dtype", None)
            node["attr"]["dtype"] = {"type": "DT_FLOAT"}
    write("rank_mismatch", graph)


if __name__ == "__main__":
    os.makedirs(FIXTURES, exist_ok=True)
    seed002_2x2()
    seed002_4x4x3()
    seed004_network()
    dcgan_generator()
    unet_decoder()
    classifier_head()
    broken()
    print("graphs written with TensorFlow", tf.__version__)
