"""Writes the SavedModel fixtures with TensorFlow: the small conv -> conv2d_transpose network of
../checkpoint/generate.py saved as a TF1 SavedModel (tf.compat.v1.saved_model.simple_save, signature
inputs "image" and outputs "decoded"), and a Keras conv -> Conv2DTranspose model saved as a TF2 one
(tf.saved_model.save), each with an input and TensorFlow's output.

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


if __name__ == "__main__":
    value = np.random.RandomState(20261129).randn(2, 8, 8, 3).astype(np.float32)
    np.save(os.path.join(HERE, "input.npy"), value)
    tf1_saved_model(value)
    tf2_saved_model(value)
    print("SavedModel fixtures written with TensorFlow", tf.__version__)
