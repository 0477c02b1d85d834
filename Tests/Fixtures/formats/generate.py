"""Writes the model-format fixtures: a small conv -> conv2d_transpose network that TensorFlow
builds in TF1 graph mode and saves as a binary GraphDef and as a text GraphDef, with an input and
TensorFlow's output; the same kind of network as TF2 tf.functions that call one another, kept as
function calls (a concrete function's graph, and a graph frozen by
convert_variables_to_constants_v2 around an XLA-compiled function, as Keras' ConvNeXt is); and the
output argument names of every TensorFlow op with more than one, which function bodies use.

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
    tf.io.write_graph(graph.as_graph_def(), HERE, "conv_deconv.pbtxt", as_text=True)
    np.save(os.path.join(HERE, "conv_deconv_input.npy"), value)
    np.save(os.path.join(HERE, "conv_deconv_output.npy"), output)
    np.save(os.path.join(HERE, "conv_deconv_pooled.npy"), pooled)


def function_calls():
    """model(x) calls encode (conv + relu, unstack/stack, which calls stats: FusedBatchNormV3's y and
    batch_mean), then decode twice (conv2d_transpose + tanh); kept as nested PartitionedCalls."""
    w1 = rng.randn(3, 3, 3, 4).astype(np.float32) * 0.4
    w2 = rng.randn(4, 4, 2, 4).astype(np.float32) * 0.3

    @tf.function
    def stats(h):
        y, mean, _ = tf1.nn.fused_batch_norm(h, tf.ones([4]) * 1.5, tf.ones([4]) * 0.1, is_training=True)
        return y, mean

    @tf.function
    def encode(x):
        h = tf.nn.relu(tf.nn.conv2d(x, tf.constant(w1), 2, "SAME"))
        parts = tf.unstack(h, axis=3)
        return stats(tf.stack(parts[::-1], axis=3))

    @tf.function
    def decode(h, scale):
        batch = tf.shape(h)[0]
        y = tf.nn.conv2d_transpose(h, tf.constant(w2), tf.stack([batch, 8, 8, 2]), 2, "SAME")
        return tf.tanh(y * scale)

    @tf.function(input_signature=[tf.TensorSpec([None, 8, 8, 3], tf.float32, name="input")])
    def model(x):
        h, mean = encode(x)
        out = decode(h, tf.constant(2.0)) + decode(h, tf.constant(-0.5))
        return tf.identity(out, name="output"), tf.identity(mean, name="mean")

    concrete = model.get_concrete_function()
    value = rng.randn(2, 8, 8, 3).astype(np.float32)
    output, mean = (t.numpy() for t in concrete(tf.constant(value)))
    graph_def = concrete.graph.as_graph_def()
    assert any(node.op == "PartitionedCall" for node in graph_def.node) and len(graph_def.library.function) == 3
    tf.io.write_graph(graph_def, HERE, "function_calls.pb", as_text=False)
    tf.io.write_graph(graph_def, HERE, "function_calls.pbtxt", as_text=True)
    np.save(os.path.join(HERE, "function_calls_input.npy"), value)
    np.save(os.path.join(HERE, "function_calls_output.npy"), output)
    np.save(os.path.join(HERE, "function_calls_mean.npy"), mean)


def frozen_xla_call():
    """A tf.Module whose conv is an XLA-compiled tf.function, frozen by convert_variables_to_constants_v2:
    the StatefulPartitionedCall stays, with the variable become a constant, as in Keras' ConvNeXt."""
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

    class Net(tf.Module):
        def __init__(self):
            self.w1 = tf.Variable(rng.randn(3, 3, 3, 4).astype(np.float32) * 0.4)
            self.w2 = tf.Variable(rng.randn(4, 4, 2, 4).astype(np.float32) * 0.3)

        @tf.function(jit_compile=True)
        def conv(self, x):
            return tf.nn.conv2d(x, self.w1, 2, "SAME")

        @tf.function(input_signature=[tf.TensorSpec([1, 8, 8, 3], tf.float32, name="input")])
        def __call__(self, x):
            h = tf.nn.relu(self.conv(x))
            return tf.nn.conv2d_transpose(h, self.w2, [1, 8, 8, 2], 2, "SAME")

    net = Net()
    frozen = convert_variables_to_constants_v2(net.__call__.get_concrete_function())
    value = rng.randn(1, 8, 8, 3).astype(np.float32)
    output = frozen(tf.constant(value))[0].numpy()
    graph_def = frozen.graph.as_graph_def()
    assert any(node.op == "StatefulPartitionedCall" for node in graph_def.node)
    with open(os.path.join(HERE, "frozen_xla_call.txt"), "w") as f:
        f.write(frozen.outputs[0].name + "\n")
    tf.io.write_graph(graph_def, HERE, "frozen_xla_call.pb", as_text=False)
    np.save(os.path.join(HERE, "frozen_xla_call_input.npy"), value)
    np.save(os.path.join(HERE, "frozen_xla_call_output.npy"), output)


def check_library_by_hand():
    """library_by_hand.pbtxt is written by hand (TF2 no longer writes placeholders or number_attr
    arguments); TensorFlow's C++ importer and inliner run it to the numbers the tests expect."""
    from google.protobuf import text_format
    from tensorflow.python.client import pywrap_tf_session as c_api
    from tensorflow.python.framework import c_api_util

    with open(os.path.join(HERE, "library_by_hand.pbtxt")) as f:
        graph_def = text_format.Parse(f.read(), tf1.GraphDef())
    graph = tf.Graph()
    # Python's import_graph_def cannot wrap polymorphic functions, so import through the C API.
    with c_api_util.tf_buffer(graph_def.SerializeToString()) as serialized:
        options = c_api.TF_NewImportGraphDefOptions()
        with graph._c_graph.get() as c_graph:
            c_api.TF_GraphImportGraphDefWithResults(c_graph, serialized, options)
    graph._add_new_tf_operations(compute_devices=False)
    with tf1.Session(graph=graph) as session:
        out, first = session.run(["out:0", "call:1"], {"a:0": np.array([-1, 2], np.float32),
                                                        "b:0": np.array([-3, 1], np.float32)})
    np.testing.assert_allclose(out, [-2.4, 9], rtol=1e-6)
    np.testing.assert_array_equal(first, [-1, 2])


def op_output_arguments():
    """Every TensorFlow op with more than one output argument, and their names, in order."""
    import json
    from tensorflow.core.framework import op_def_pb2
    from tensorflow.python.client import pywrap_tf_session

    ops = op_def_pb2.OpList()
    ops.ParseFromString(pywrap_tf_session.TF_GetBuffer(pywrap_tf_session.TF_GetAllOpList()))
    table = {op.name: [arg.name for arg in op.output_arg] for op in ops.op
             if len(op.output_arg) > 1 and not op.name.startswith("_")}
    with open(os.path.join(HERE, "op_output_arguments.json"), "w") as f:
        json.dump(dict(sorted(table.items())), f, indent=0)
        f.write("\n")


if __name__ == "__main__":
    conv_deconv()
    function_calls()
    frozen_xla_call()
    check_library_by_hand()
    op_output_arguments()
    print("format fixtures written with TensorFlow", tf.__version__)
