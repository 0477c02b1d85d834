"""Writes the SavedModel fixtures with TensorFlow: the small conv -> conv2d_transpose network of
../checkpoint/generate.py saved as a TF1 SavedModel (tf.compat.v1.saved_model.simple_save, signature
inputs "image" and outputs "decoded"), a Keras conv -> Conv2DTranspose model saved as a TF2 one
(tf.saved_model.save), and a tf.Module doing the same with variables in nested modules and a list,
each with TensorFlow's output for the same input.

    .venv/bin/python Tests/Fixtures/savedmodel/generate.py
"""
import os
import shutil
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
import numpy as np
import tensorflow as tf

tf1 = tf.compat.v1
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "checkpoint"))
import generate as checkpoint_fixtures  # noqa: E402


def fresh(name):
    path = os.path.join(HERE, name)
    shutil.rmtree(path, ignore_errors=True)
    return path


def tf1_saved_model(value):
    graph = checkpoint_fixtures.build()
    with graph.as_default(), tf1.Session(graph=graph) as session:
        session.run(tf1.global_variables_initializer())
        tf1.saved_model.simple_save(session, fresh("tf1"), inputs={"image": graph.get_tensor_by_name("input:0")},
                                    outputs={"decoded": graph.get_tensor_by_name("output:0")})
        output = session.run("output:0", {"input:0": value})
    np.save(os.path.join(HERE, "tf1_output.npy"), output)


def tf2_saved_model(value):
    tf.keras.utils.set_random_seed(21)
    inputs = tf.keras.Input([8, 8, 3], name="image")
    h = tf.keras.layers.Conv2D(8, 3, strides=2, padding="same", activation="relu", name="conv")(inputs)
    y = tf.keras.layers.Conv2DTranspose(2, 4, strides=2, padding="same", name="deconv")(h)
    model = tf.keras.Model(inputs, tf.keras.layers.Activation("tanh", name="decoded")(y))
    tf.saved_model.save(model, fresh("tf2"))
    loaded = tf.saved_model.load(os.path.join(HERE, "tf2"))
    serving = loaded.signatures["serving_default"]
    (input_name,) = serving.structured_input_signature[1].keys()
    (output_name, tensor), = serving(**{input_name: tf.constant(value)}).items()
    np.save(os.path.join(HERE, "tf2_output.npy"), tensor.numpy())
    print("TF2 signature: input %r, output %r" % (input_name, output_name))


class Decoder(tf.Module):
    """A tf.Module with variables in nested modules and a list, as TF2 code without Keras has them."""

    def __init__(self):
        super().__init__()
        rng = np.random.RandomState(34)
        self.encoder = tf.Module()
        self.encoder.kernel = tf.Variable(rng.randn(3, 3, 3, 8).astype(np.float32) * 0.3)
        self.encoder.bias = tf.Variable(rng.randn(8).astype(np.float32) * 0.1)
        self.layers = [tf.Variable(rng.randn(4, 4, 2, 8).astype(np.float32) * 0.3),
                       tf.Variable(np.array([0.25, -0.5], np.float32))]

    @tf.function(input_signature=[tf.TensorSpec([None, 8, 8, 3], tf.float32)])
    def __call__(self, x):
        h = tf.nn.relu(tf.nn.conv2d(x, self.encoder.kernel, 2, "SAME") + self.encoder.bias)
        shape = tf.stack([tf.shape(x)[0], 8, 8, 2])
        return {"decoded": tf.tanh(tf.nn.conv2d_transpose(h, self.layers[0], shape, 2, "SAME") + self.layers[1])}


def module_saved_model(value):
    module = Decoder()
    tf.saved_model.save(module, fresh("module"), signatures=module.__call__)
    loaded = tf.saved_model.load(os.path.join(HERE, "module"))
    output = loaded.signatures["serving_default"](x=tf.constant(value))["decoded"]
    np.save(os.path.join(HERE, "module_output.npy"), output.numpy())


if __name__ == "__main__":
    value = np.random.RandomState(20261129).randn(2, 8, 8, 3).astype(np.float32)
    np.save(os.path.join(HERE, "input.npy"), value)
    tf1_saved_model(value)
    tf2_saved_model(value)
    module_saved_model(value)
    print("SavedModel fixtures written with TensorFlow", tf.__version__)
