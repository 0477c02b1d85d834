"""TensorFlow's gradients (tf.gradients in graph mode) of small graphs covering every op family,
for TensorGraph's gradient tests to compare with. Each case: inputs, and d(loss)/d(input).

    .venv/bin/python Tests/Fixtures/gradients.py
"""
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import tensorflow as tf

tf1 = tf.compat.v1
HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.RandomState(11)


def f(*shape):
    return rng.randn(*shape).astype(np.float32)


LABELS = np.exp(f(4, 5))
LABELS = (LABELS / LABELS.sum(axis=1, keepdims=True)).astype(np.float32)


CASES = {
    "conv_relu": (lambda x, w, b: tf.nn.relu(tf.nn.conv2d(x, w, [1, 2, 2, 1], "SAME") + b), [f(2, 5, 5, 3), f(3, 3, 3, 4), f(4)]),
    "conv2d_transpose": (lambda x, w: tf.nn.conv2d_transpose(x, w, [2, 6, 5, 3], [1, 2, 2, 1], "SAME"), [f(2, 3, 3, 4), f(3, 3, 3, 4)]),
    "dense_softmax_cross_entropy": (
        lambda x, w, b: tf.nn.softmax_cross_entropy_with_logits(labels=tf.constant(LABELS), logits=tf.matmul(x, w) + b),
        [f(4, 3), f(3, 5), f(5)]),
    "pool_batch_norm": (
        lambda x, scale, offset: tf1.nn.fused_batch_norm(tf.nn.max_pool2d(x, 2, 2, "VALID") + tf.nn.avg_pool2d(x, 2, 2, "VALID"),
                                                         scale, offset, epsilon=0.001, is_training=True)[0],
        [f(2, 4, 4, 3), f(3), f(3)]),
    "elementwise": (lambda x, y: tf.sigmoid(x) * tf.tanh(y) + tf.maximum(x, y) / (1 + tf.square(y)) - tf.exp(-tf.abs(x)),
                    [f(3, 4), f(4)]),
    "reshape_and_slice": (
        lambda x: tf.concat([tf.reduce_mean(x, axis=1), tf.reduce_max(tf.transpose(x, [1, 0, 2]), axis=0)], axis=1)[:, 1:5]
        + tf.pad(tf.reshape(x[:, 0, :2], [2, 2]), [[0, 0], [1, 1]]),
        [f(2, 3, 4)]),
    # Its own generator, so that the inputs and weights of the cases above keep their numbers.
    "split_select_gather": (lambda x, y: _split_select_gather(x, y),
                            [np.random.RandomState(13).randn(*shape).astype(np.float32) for shape in [(3, 6), (3, 2)]]),
}


def _split_select_gather(x, y):
    """The array, math and logic ops with gradients: Split, SplitV, TopKV2, ClipByValue, Pow,
    GatherNd, ReverseV2, Select and ScatterNd."""
    a, b, c = tf.split(x, 3, axis=1)
    p, q = tf.split(x, [4, -1], axis=1)
    top = tf.math.top_k(p, k=2).values
    clipped = tf.raw_ops.ClipByValue(t=c, clip_value_min=tf.constant(-0.5), clip_value_max=tf.constant(0.5))
    powered = tf.pow(tf.abs(a) + 0.5, y)
    gathered = tf.reshape(tf.gather_nd(x, [[0, 1], [2, 5], [0, 1]]), [3, 1])
    selected = tf1.where(tf.constant([True, False, True]), b, tf.reverse(q, [1]))
    scattered = tf.scatter_nd([[2], [0]], y[:2], [3, 2])
    return top + clipped + powered * selected + gathered + scattered


def main():
    cases = []
    for name, (function, inputs) in CASES.items():
        graph = tf.Graph()
        with graph.as_default():
            placeholders = [tf1.placeholder(tf.float32, value.shape) for value in inputs]
            y = function(*placeholders)
            weights = f(*y.shape.as_list())
            loss = tf.reduce_sum(y * weights)
            grads = tf.gradients(loss, placeholders)
            with tf1.Session() as session:
                values = session.run([y, loss] + grads, dict(zip(placeholders, inputs)))
        cases.append({
            "name": name,
            "inputs": [{"shape": list(v.shape), "values": v.reshape(-1).tolist()} for v in inputs],
            "weights": {"shape": list(weights.shape), "values": weights.reshape(-1).tolist()},
            "output": {"shape": list(values[0].shape), "values": values[0].reshape(-1).tolist()},
            "loss": float(values[1]),
            "gradients": [{"shape": list(g.shape), "values": g.reshape(-1).tolist()} for g in values[2:]],
        })
    with open(os.path.join(HERE, "gradients.json"), "w") as out:
        json.dump({"tensorflow": tf.__version__, "labels": LABELS.reshape(-1).tolist(), "cases": cases}, out, separators=(",", ":"))
        out.write("\n")
    print(len(cases), "gradient cases written with TensorFlow", tf.__version__)


if __name__ == "__main__":
    main()
