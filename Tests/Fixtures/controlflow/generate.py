"""Writes the control-flow fixtures: graphs that branch and loop inside the graph, built and run by
TensorFlow, each saved as a binary GraphDef with its feeds and TensorFlow's fetched outputs as .npy
files, and listed in manifest.json (file, feeds, fetches, tolerance, the ops the graph holds).

TF1 graphs (control flow v1: Switch, Merge, Enter, Exit, NextIteration, LoopCond; TensorArrayV3):
  cond_true / cond_false      tf.cond on a fed boolean, both ways, and its gradient
  while_nested_cond           a tf.cond inside a tf.while_loop with a fed trip count, and its gradient
  while_data_dependent        a tf.while_loop that runs until its value passes a fed limit, and its gradient
  dynamic_rnn_lstm / _gru     tf.compat.v1.nn.dynamic_rnn over a fed [batch, time, features] sequence with a
                              fed sequence_length, and the gradient with respect to the input and the weights
  tensorarray                 TensorArrayV3 and its ops in a straight line (no loop), and their gradients
TF2 graphs (control flow v2), frozen by convert_variables_to_constants_v2 keeping If / While functional:
  tf2_cond_true / _false      tf.cond in a tf.function: an If (or StatelessIf) calling two library functions
  tf2_while                   tf.while_loop in a tf.function: a While (or StatelessWhile)
  tf2_keras_lstm              a Keras LSTM layer: a While whose body uses TensorList ops
  tensorlist                  TensorList ops in a straight line (no loop)

Keras 3 has no tf.compat.v1 LSTMCell or GRUCell, so the two dynamic_rnn cells are written here with
exactly their arithmetic (kernel over concat([x, h]), gates i, j, f, o with forget_bias 1 for LSTM;
gates r, u then the candidate over concat([x, r * h]) for GRU); dynamic_rnn builds around them the
same while loop, TensorArrays and sequence_length checks as around TensorFlow's cells.

TF1 and TF2 graphs are built in separate processes, since TF1 mode is process-wide:

    .venv/bin/python Tests/Fixtures/controlflow/generate.py
"""
import json
import os
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
import numpy as np
import tensorflow as tf

tf1 = tf.compat.v1
HERE = os.path.dirname(os.path.abspath(__file__))
TOLERANCE = {"relative": 1e-5}


def save_fixture(name, file, graph_def, feeds, fetches, mode):
    """Writes `file` (when given a graph_def) and one .npy per feed and fetch; returns the manifest entry.
    feeds and fetches map tensor names ("x:0") to numpy values."""
    if graph_def is not None:
        with open(os.path.join(HERE, file), "wb") as f:
            f.write(graph_def.SerializeToString(deterministic=True))

    def write(kind, values):
        listing = {}
        for tensor, value in values.items():
            npy = f"{name}.{kind}.{tensor.replace(':', '_').replace('/', '_')}.npy"
            np.save(os.path.join(HERE, npy), np.asarray(value))
            listing[tensor] = npy
        return listing

    with open(os.path.join(HERE, file), "rb") as f:
        parsed = tf1.GraphDef.FromString(f.read())
    ops = {node.op for node in parsed.node}
    for function in parsed.library.function:
        ops.update(node.op for node in function.node_def)
    return {"name": name, "file": file, "mode": mode, "feeds": write("feed", feeds),
            "fetches": write("fetch", fetches), "tolerance": TOLERANCE, "ops": sorted(ops)}


def run_tf1(graph, feeds, fetches):
    """Runs `fetches` (names) on `graph` with `feeds` (names to values); returns names to values."""
    with tf1.Session(graph=graph) as session:
        values = session.run(fetches, feeds)
    return dict(zip(fetches, values))


# TF1 -------------------------------------------------------------------------------------------------


def tf1_cond(rng):
    graph = tf.Graph()
    with graph.as_default():
        pred = tf1.placeholder(tf.bool, [], name="pred")
        x = tf1.placeholder(tf.float32, [3], name="x")
        out = tf1.cond(pred, lambda: x * 2.0 + 1.0, lambda: tf.sin(x) * x, name="cond")
        out = tf.identity(out, name="output")
        tf.identity(tf.gradients(tf.reduce_sum(out * out), x)[0], name="grad_x")
    x_value = rng.randn(3).astype(np.float32)
    entries = []
    for taken in (True, False):
        feeds = {"pred:0": np.array(taken), "x:0": x_value}
        fetches = run_tf1(graph, feeds, ["output:0", "grad_x:0"])
        entries.append(save_fixture(f"cond_{str(taken).lower()}", "cond.pb", graph.as_graph_def(), feeds,
                                    fetches, "tf1"))
    return entries


def tf1_while_nested_cond(rng):
    graph = tf.Graph()
    with graph.as_default():
        x = tf1.placeholder(tf.float32, [3], name="x")
        n = tf1.placeholder(tf.int32, [], name="n")

        def body(i, acc):
            acc = tf1.cond(tf.equal(i % 2, 0), lambda: acc * 1.5 + x, lambda: tf.tanh(acc) - 0.5 * x)
            return i + 1, acc

        _, acc = tf1.while_loop(lambda i, acc: i < n, body, [tf.constant(0), x], name="loop")
        out = tf.identity(acc, name="output")
        tf.identity(tf.gradients(tf.reduce_sum(out * out), x)[0], name="grad_x")
    feeds = {"x:0": rng.randn(3).astype(np.float32) * 0.5, "n:0": np.array(5, np.int32)}
    fetches = run_tf1(graph, feeds, ["output:0", "grad_x:0"])
    return [save_fixture("while_nested_cond", "while_nested_cond.pb", graph.as_graph_def(), feeds, fetches, "tf1")]


def tf1_while_data_dependent(rng):
    graph = tf.Graph()
    with graph.as_default():
        x = tf1.placeholder(tf.float32, [3], name="x")
        limit = tf1.placeholder(tf.float32, [], name="limit")
        count, acc = tf1.while_loop(lambda i, acc: tf.reduce_sum(acc) < limit,
                                    lambda i, acc: (i + 1, acc * 1.3 + 0.1), [tf.constant(0), x], name="loop")
        tf.identity(count, name="iterations")
        out = tf.identity(acc, name="output")
        tf.identity(tf.gradients(tf.reduce_sum(out * out), x)[0], name="grad_x")
    feeds = {"x:0": np.abs(rng.randn(3)).astype(np.float32), "limit:0": np.array(40.0, np.float32)}
    fetches = run_tf1(graph, feeds, ["iterations:0", "output:0", "grad_x:0"])
    assert fetches["iterations:0"] > 3
    return [save_fixture("while_data_dependent", "while_data_dependent.pb", graph.as_graph_def(), feeds, fetches,
                         "tf1")]


class LSTMCell:
    """tf.compat.v1.nn.rnn_cell.LSTMCell's arithmetic (no peepholes, no projection, forget_bias 1)."""

    def __init__(self, units, features, rng):
        self.units = units
        self.kernel = tf.constant(rng.randn(features + units, 4 * units).astype(np.float32) * 0.4, name="kernel")
        self.bias = tf.constant(rng.randn(4 * units).astype(np.float32) * 0.1, name="bias")

    @property
    def state_size(self):
        return (self.units, self.units)

    @property
    def output_size(self):
        return self.units

    def zero_state(self, batch_size, dtype):
        return (tf.zeros([batch_size, self.units], dtype), tf.zeros([batch_size, self.units], dtype))

    def __call__(self, inputs, state, scope=None):
        c, h = state
        gates = tf.nn.bias_add(tf.matmul(tf.concat([inputs, h], 1), self.kernel), self.bias)
        i, j, f, o = tf.split(gates, 4, axis=1)
        c = tf.sigmoid(f + 1.0) * c + tf.sigmoid(i) * tf.tanh(j)
        h = tf.sigmoid(o) * tf.tanh(c)
        return h, (c, h)


class GRUCell:
    """tf.compat.v1.nn.rnn_cell.GRUCell's arithmetic (tanh activation)."""

    def __init__(self, units, features, rng):
        self.units = units
        self.gate_kernel = tf.constant(rng.randn(features + units, 2 * units).astype(np.float32) * 0.4,
                                       name="gate_kernel")
        self.gate_bias = tf.constant(np.ones(2 * units, np.float32), name="gate_bias")
        self.candidate_kernel = tf.constant(rng.randn(features + units, units).astype(np.float32) * 0.4,
                                            name="candidate_kernel")
        self.candidate_bias = tf.constant(rng.randn(units).astype(np.float32) * 0.1, name="candidate_bias")

    @property
    def state_size(self):
        return self.units

    @property
    def output_size(self):
        return self.units

    def zero_state(self, batch_size, dtype):
        return tf.zeros([batch_size, self.units], dtype)

    def __call__(self, inputs, state, scope=None):
        gates = tf.sigmoid(tf.nn.bias_add(tf.matmul(tf.concat([inputs, state], 1), self.gate_kernel), self.gate_bias))
        r, u = tf.split(gates, 2, axis=1)
        candidate = tf.matmul(tf.concat([inputs, r * state], 1), self.candidate_kernel)
        c = tf.tanh(tf.nn.bias_add(candidate, self.candidate_bias))
        h = u * state + (1 - u) * c
        return h, h


def tf1_dynamic_rnn(rng, name, make_cell):
    batch, time, features, units = 2, 5, 3, 4
    graph = tf.Graph()
    with graph.as_default():
        x = tf1.placeholder(tf.float32, [batch, time, features], name="x")
        lengths = tf1.placeholder(tf.int32, [batch], name="sequence_length")
        cell = make_cell(units, features, rng)
        outputs, state = tf1.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=tf.float32)
        outputs = tf.identity(outputs, name="outputs")
        final = tf.identity(state[-1] if isinstance(state, tuple) else state, name="final_state")
        readout = tf.constant(rng.randn(units).astype(np.float32), name="readout")
        loss = tf.reduce_sum(outputs * readout) + tf.reduce_sum(final * final)
        weights = {key: value for key, value in vars(cell).items() if isinstance(value, tf.Tensor)}
        targets = [x] + list(weights.values())
        for key, gradient in zip(["x"] + list(weights), tf.gradients(loss, targets)):
            tf.identity(gradient, name=f"grad_{key}")
        fetch_names = ["outputs:0", "final_state:0", "grad_x:0"] + [f"grad_{key}:0" for key in weights]
    feeds = {"x:0": rng.randn(batch, time, features).astype(np.float32),
             "sequence_length:0": np.array([time, 3], np.int32)}
    fetches = run_tf1(graph, feeds, fetch_names)
    return [save_fixture(name, f"{name}.pb", graph.as_graph_def(), feeds, fetches, "tf1")]


def tf1_tensorarray(rng):
    """TensorArrayV3 written, read, gathered, stacked, concatenated, split and scattered, no loop; the
    gradient of everything read with respect to what was written (TensorArrayGradV3 and friends)."""
    graph = tf.Graph()
    with graph.as_default():
        a = tf1.placeholder(tf.float32, [2, 3], name="a")
        b = tf1.placeholder(tf.float32, [2, 3], name="b")
        rows = tf1.placeholder(tf.float32, [5, 2], name="rows")
        ta = tf.TensorArray(tf.float32, size=3, element_shape=[2, 3], clear_after_read=False, name="written")
        ta = ta.write(0, a).write(2, b * 2.0).write(1, a - b)
        tf.identity(ta.read(1), name="read")
        tf.identity(ta.stack(), name="stacked")
        tf.identity(ta.gather([2, 0]), name="gathered")
        tf.identity(ta.concat(), name="concatenated")
        tf.identity(ta.size(), name="size")
        grown = tf.TensorArray(tf.float32, size=0, dynamic_size=True, clear_after_read=False, name="grown")
        grown = grown.scatter([3, 0], tf.stack([a[0], b[1]]))
        tf.identity(grown.stack(), name="scattered")
        tf.identity(grown.size(), name="grown_size")
        pieces = tf.TensorArray(tf.float32, size=3, infer_shape=False, clear_after_read=False, name="pieces")
        pieces = pieces.split(rows, lengths=[2, 0, 3])
        tf.identity(pieces.read(2), name="split_last")
        tf.identity(pieces.concat(), name="split_concat")
        loss = (tf.reduce_sum(ta.stack() * tf.constant(rng.randn(3, 2, 3).astype(np.float32)))
                + tf.reduce_sum(ta.gather([2, 0]) ** 2) + tf.reduce_sum(tf.tanh(pieces.read(2)), axis=[0, 1])
                + tf.reduce_sum(grown.stack() * 3.0))
        for key, gradient in zip(["a", "b", "rows"], tf.gradients(loss, [a, b, rows])):
            tf.identity(gradient, name=f"grad_{key}")
    feeds = {"a:0": rng.randn(2, 3).astype(np.float32), "b:0": rng.randn(2, 3).astype(np.float32),
             "rows:0": rng.randn(5, 2).astype(np.float32)}
    names = ["read", "stacked", "gathered", "concatenated", "size", "scattered", "grown_size", "split_last",
             "split_concat", "grad_a", "grad_b", "grad_rows"]
    fetches = run_tf1(graph, feeds, [f"{name}:0" for name in names])
    return [save_fixture("tensorarray", "tensorarray.pb", graph.as_graph_def(), feeds, fetches, "tf1")]


def main_tf1():
    tf1.disable_eager_execution()
    tf1.disable_control_flow_v2()
    rng = np.random.RandomState(20261129)
    entries = tf1_cond(rng) + tf1_while_nested_cond(rng) + tf1_while_data_dependent(rng)
    entries += tf1_dynamic_rnn(rng, "dynamic_rnn_lstm", LSTMCell) + tf1_dynamic_rnn(rng, "dynamic_rnn_gru", GRUCell)
    entries += tf1_tensorarray(rng)
    return entries


# TF2 -------------------------------------------------------------------------------------------------


def frozen(function, *specs):
    """The concrete function of `function` for `specs`, its variables made constants and its control
    flow kept functional (If / While calling library functions)."""
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

    return convert_variables_to_constants_v2(function.get_concrete_function(*specs), lower_control_flow=False)


def save_tf2(name, file, concrete, feed_values, write_graph=True):
    graph_def = concrete.graph.as_graph_def()
    ops = {node.op for node in graph_def.node}
    assert not ops & {"Switch", "Merge", "Enter", "Exit", "NextIteration"}, f"{name} was lowered: {ops}"
    inputs = [tensor.name for tensor in concrete.inputs]
    feeds = dict(zip(inputs, feed_values))
    results = concrete(*[tf.constant(value) for value in feed_values])
    fetches = {tensor.name: value.numpy() for tensor, value in zip(concrete.outputs, results)}
    return save_fixture(name, file, graph_def if write_graph else None, feeds, fetches, "tf2")


def tf2_cond(rng):
    scale = tf.Variable(rng.randn(3).astype(np.float32), name="scale")

    @tf.function
    def model(pred, x):
        return tf.cond(pred, lambda: x * scale + 1.0, lambda: tf.sin(x) - scale)

    concrete = frozen(model, tf.TensorSpec([], tf.bool, name="pred"), tf.TensorSpec([3], tf.float32, name="x"))
    x_value = rng.randn(3).astype(np.float32)
    return [save_tf2("tf2_cond_true", "tf2_cond.pb", concrete, [np.array(True), x_value]),
            save_tf2("tf2_cond_false", "tf2_cond.pb", concrete, [np.array(False), x_value], write_graph=False)]


def tf2_while(rng):
    scale = tf.Variable(np.float32(1.25), name="scale")

    @tf.function
    def model(x, limit):
        return tf.while_loop(lambda i, acc: tf.reduce_sum(acc) < limit,
                             lambda i, acc: (i + 1, acc * scale + 0.1), [tf.constant(0), x])

    concrete = frozen(model, tf.TensorSpec([3], tf.float32, name="x"), tf.TensorSpec([], tf.float32, name="limit"))
    feeds = [np.abs(rng.randn(3)).astype(np.float32), np.array(30.0, np.float32)]
    return [save_tf2("tf2_while", "tf2_while.pb", concrete, feeds)]


def tf2_keras_lstm(rng):
    import keras

    batch, time, features, units = 2, 5, 3, 4
    layer = keras.layers.LSTM(units, return_sequences=True, return_state=True)
    layer.build((batch, time, features))
    layer.set_weights([rng.randn(*w.shape).astype(np.float32) * 0.4 for w in layer.get_weights()])

    @tf.function
    def model(x):
        return layer(x)

    concrete = frozen(model, tf.TensorSpec([batch, time, features], tf.float32, name="x"))
    return [save_tf2("tf2_keras_lstm", "tf2_keras_lstm.pb", concrete,
                     [rng.randn(batch, time, features).astype(np.float32)])]


def tf2_tensorlist(rng):
    """tf.TensorArray in a tf.function without a loop (TensorListReserve, SetItem, GetItem, Stack,
    FromTensor), with TensorListLength and TensorListElementShape called directly."""

    @tf.function
    def model(a, rows):
        ta = tf.TensorArray(tf.float32, size=3, element_shape=[2])
        ta = ta.write(0, a).write(2, a * 3.0).write(1, -a)
        unstacked = tf.TensorArray(tf.float32, size=4).unstack(rows)
        shape = tf.raw_ops.TensorListElementShape(input_handle=unstacked.flow, shape_type=tf.int32)
        length = tf.raw_ops.TensorListLength(input_handle=unstacked.flow)
        return ta.stack(), ta.read(2), unstacked.read(1), length, shape

    concrete = frozen(model, tf.TensorSpec([2], tf.float32, name="a"), tf.TensorSpec([4, 2], tf.float32, name="rows"))
    feeds = [rng.randn(2).astype(np.float32), rng.randn(4, 2).astype(np.float32)]
    return [save_tf2("tensorlist", "tensorlist.pb", concrete, feeds)]


def main_tf2():
    rng = np.random.RandomState(20261130)
    return tf2_cond(rng) + tf2_while(rng) + tf2_keras_lstm(rng) + tf2_tensorlist(rng)


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] in ("tf1", "tf2"):
        entries = main_tf1() if sys.argv[1] == "tf1" else main_tf2()
        print(json.dumps(entries))
    else:
        for stale in os.listdir(HERE):
            if stale.endswith((".npy", ".pb")) or stale == "manifest.json":
                os.remove(os.path.join(HERE, stale))
        entries = []
        for mode in ("tf1", "tf2"):
            run = subprocess.run([sys.executable, __file__, mode], check=True, capture_output=True, text=True)
            entries += json.loads(run.stdout.strip().splitlines()[-1])
        manifest = {"generator": "Tests/Fixtures/controlflow/generate.py", "tensorflow": tf.__version__,
                    "fixtures": entries}
        with open(os.path.join(HERE, "manifest.json"), "w") as f:
            json.dump(manifest, f, indent=1)
            f.write("\n")
        print(f"{len(entries)} control-flow fixtures written with TensorFlow {tf.__version__}")
