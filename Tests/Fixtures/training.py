"""TensorFlow's losses over 100 training steps of seed 004's network and of a small
conv2d_transpose autoencoder, from committed initial weights and batches, with plain SGD and with
Adam — the reference for TensorGraph's training parity tests.

    .venv/bin/python Tests/Fixtures/training.py

Writes Tests/Fixtures/training/: the initial weights and batches (.npy), the losses per step for
each network and optimizer, and two of TensorFlow's own training graphs as GraphDef JSON: seed
004's network with SGD on ref variables (ApplyGradientDescent) and the autoencoder with Adam on
resource variables (ResourceApplyAdam) — the autoencoder's Adam losses come from that graph.
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import tensorflow as tf
from google.protobuf import json_format

tf1 = tf.compat.v1
tf1.disable_resource_variables()
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "training")
os.makedirs(HERE, exist_ok=True)
rng = np.random.RandomState(5)
STEPS = 100


def save(name, value):
    np.save(os.path.join(HERE, name + ".npy"), value)


def seed004_weights():
    return {
        "layer1_weights": (rng.randn(5, 5, 1, 16) * 0.1).astype(np.float32),
        "layer1_biases": np.zeros(16, np.float32),
        "layer2_weights": (rng.randn(5, 5, 16, 16) * 0.05).astype(np.float32),
        "layer2_biases": np.full(16, 0.1, np.float32),
        "layer3_weights": (rng.randn(28 * 28 * 16, 16) * 0.01).astype(np.float32),
        "layer3_biases": np.full(16, 0.1, np.float32),
        "layer4_weights": (rng.randn(16, 10) * 0.1).astype(np.float32),
        "layer4_biases": np.zeros(10, np.float32),
    }


def seed004_loss(v, data, labels):
    batch_size = tf.shape(data)[0]
    conv = tf.nn.conv2d(data, v["layer1_weights"], [1, 2, 2, 1], padding="SAME")
    hidden = tf.nn.relu(conv + v["layer1_biases"])
    conv = tf.nn.conv2d_transpose(hidden, v["layer2_weights"], tf.stack([batch_size, 28, 28, 16]), [1, 2, 2, 1], padding="SAME")
    hidden = tf.nn.relu(conv + v["layer2_biases"])
    reshape = tf.reshape(hidden, [-1, 28 * 28 * 16])
    hidden = tf.nn.relu(tf.matmul(reshape, v["layer3_weights"]) + v["layer3_biases"])
    logits = tf.matmul(hidden, v["layer4_weights"]) + v["layer4_biases"]
    return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits), name="loss")


def autoencoder_weights():
    return {
        "encoder_kernel": (rng.randn(3, 3, 1, 8) * 0.3).astype(np.float32),
        "encoder_bias": np.zeros(8, np.float32),
        "decoder_kernel": (rng.randn(3, 3, 1, 8) * 0.3).astype(np.float32),
        "decoder_bias": np.zeros(1, np.float32),
    }


def autoencoder_loss(v, data, _labels):
    code = tf.nn.relu(tf.nn.conv2d(data, v["encoder_kernel"], [1, 2, 2, 1], "SAME") + v["encoder_bias"])
    output_shape = tf.stack([tf.shape(data)[0], 16, 16, 1])
    decoded = tf.sigmoid(tf.nn.conv2d_transpose(code, v["decoder_kernel"], output_shape, [1, 2, 2, 1], "SAME") + v["decoder_bias"])
    return tf.reduce_mean(tf.square(decoded - data), name="loss")


def run(name, weights, loss_fn, image, optimizers, export=None, export_resource=None):
    for key, value in weights.items():
        save(f"{name}_{key}", value)
    batches = [rng.rand(4, image, image, 1).astype(np.float32) for _ in range(4)]
    labels = [np.eye(10, dtype=np.float32)[rng.randint(0, 10, size=4)] for _ in range(4)]
    for i, (x, y) in enumerate(zip(batches, labels)):
        save(f"{name}_batch{i}", x)
        save(f"{name}_labels{i}", y)
    for optimizer_name, make in optimizers.items():
        graph = tf.Graph()
        with graph.as_default():
            data = tf1.placeholder(tf.float32, [None, image, image, 1], name="data")
            label = tf1.placeholder(tf.float32, [None, 10], name="labels")
            resource = export_resource is not None and optimizer_name == "adam"
            variables = {k: tf1.Variable(w, name=k, use_resource=resource) for k, w in weights.items()}
            loss = loss_fn(variables, data, label)
            train = make().minimize(loss, name="train")
            init = tf1.global_variables_initializer()
        losses = []
        with tf1.Session(graph=graph) as session:
            session.run(init)
            for step in range(STEPS):
                value, _ = session.run([loss, train], {data: batches[step % 4], label: labels[step % 4]})
                losses.append(value)
        save(f"{name}_{optimizer_name}_losses", np.array(losses, np.float32))
        print(name, optimizer_name, losses[0], losses[-1])
        if export and optimizer_name == "sgd":
            with open(os.path.join(HERE, export), "w") as f:
                f.write(json_format.MessageToJson(graph.as_graph_def()) + "\n")
        if export_resource and optimizer_name == "adam":
            with open(os.path.join(HERE, export_resource), "w") as f:
                f.write(json_format.MessageToJson(graph.as_graph_def()) + "\n")


if __name__ == "__main__":
    run("seed004", seed004_weights(), seed004_loss, 28,
        {"sgd": lambda: tf1.train.GradientDescentOptimizer(0.02), "adam": lambda: tf1.train.AdamOptimizer(0.0005)},
        export="seed004_sgd_graph.json")
    run("autoencoder", autoencoder_weights(), autoencoder_loss, 16,
        {"sgd": lambda: tf1.train.GradientDescentOptimizer(0.5), "adam": lambda: tf1.train.AdamOptimizer(0.01)},
        export_resource="autoencoder_adam_resource_graph.json")
