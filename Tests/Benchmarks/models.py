"""Builds Keras applications, a DCGAN generator, a pix2pix U-Net, an ESPCN-style super-resolution net
(depth_to_space) and a DeepLab-like segmentation head (dilated convolutions, nearest and bilinear
upsampling) with TensorFlow (random weights from a fixed seed: no download), freezes each with
convert_variables_to_constants_v2, and writes into the git-ignored folder .models/: NAME.pb (binary
GraphDef), NAME_input.npy and NAME_output.npy (TensorFlow's result). Then, unless
--no-check, runs each through `tensorgraph run` and prints the largest relative difference; with
--bench, also times `tensorgraph bench` and a TensorFlow session on the same GraphDef (2 threads
each, alternating, median of the rounds) and prints ms per image and the ratio.

    swift build -c release --product tensorgraph
    .venv/bin/python Tests/Benchmarks/models.py [--only NAME,...] [--no-check] [--bench] [--rounds R]

Tests/Benchmarks/slim.py does the same for the TF-Slim nets, with these helpers.
"""
import json
import argparse
import os
import subprocess
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import tensorflow as tf
from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, ".models")
TOOL = os.path.join(ROOT, ".build", "release", "tensorgraph")
def keras_application(build, size):
    """A Keras application with random weights (weights=None: no download), logits out."""
    def make():
        # Logits, not probabilities: an untrained network's softmax is nearly uniform and would agree
        # with anything.
        return build(weights=None, input_shape=(size, size, 3), classifier_activation=None), [1, size, size, 3]
    return make


def dcgan_generator():
    """The DCGAN generator of TensorFlow's tutorial: Dense, Reshape, then Conv2DTranspose x3 with
    BatchNorm and LeakyReLU, tanh out; batch 16."""
    layers = tf.keras.layers
    model = tf.keras.Sequential([
        layers.Input((100,)), layers.Dense(7 * 7 * 256, use_bias=False), layers.BatchNormalization(),
        layers.LeakyReLU(), layers.Reshape((7, 7, 256)),
        layers.Conv2DTranspose(128, 5, strides=1, padding="same", use_bias=False), layers.BatchNormalization(),
        layers.LeakyReLU(),
        layers.Conv2DTranspose(64, 5, strides=2, padding="same", use_bias=False), layers.BatchNormalization(),
        layers.LeakyReLU(),
        layers.Conv2DTranspose(1, 5, strides=2, padding="same", use_bias=False, activation="tanh"),
    ])
    return model, [16, 100]


def pix2pix_unet():
    """The pix2pix U-Net generator (256x256): Conv2D down with BatchNorm and LeakyReLU,
    Conv2DTranspose up with BatchNorm, Dropout and ReLU, Concatenate skips, tanh out."""
    layers = tf.keras.layers
    inputs = layers.Input((256, 256, 3))
    x, skips = inputs, []
    for index, filters in enumerate([64, 128, 256, 512, 512, 512, 512, 512]):
        x = layers.Conv2D(filters, 4, strides=2, padding="same", use_bias=False)(x)
        if index > 0:
            x = layers.BatchNormalization()(x)
        x = layers.LeakyReLU()(x)
        skips.append(x)
    for index, (filters, skip) in enumerate(zip([512, 512, 512, 512, 256, 128, 64], reversed(skips[:-1]))):
        x = layers.Conv2DTranspose(filters, 4, strides=2, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        if index < 3:
            x = layers.Dropout(0.5)(x)
        x = layers.ReLU()(x)
        x = layers.Concatenate()([x, skip])
    outputs = layers.Conv2DTranspose(3, 4, strides=2, padding="same", activation="tanh")(x)
    return tf.keras.Model(inputs, outputs), [1, 256, 256, 3]


def super_resolution():
    """ESPCN-style x3 super-resolution: two tanh Conv2Ds, a Conv2D to 3·3² channels and depth_to_space,
    64x64 in, 192x192 out."""
    layers = tf.keras.layers
    inputs = layers.Input((64, 64, 3))
    x = layers.Conv2D(64, 5, padding="same", activation="tanh")(inputs)
    x = layers.Conv2D(32, 3, padding="same", activation="tanh")(x)
    x = layers.Conv2D(3 * 9, 3, padding="same")(x)
    outputs = layers.Lambda(lambda t: tf.nn.depth_to_space(t, 3))(x)
    return tf.keras.Model(inputs, outputs), [1, 64, 64, 3]


def segmentation_head():
    """A DeepLab-like segmentation net: strided Conv2D with BatchNorm and ReLU down to 1/8, dilated
    Conv2Ds, a nearest-neighbour x2 upsampling added to the 1/4 features, 21 class logits and a
    bilinear x4 upsampling back to the input's 128x128."""
    layers = tf.keras.layers
    inputs = layers.Input((128, 128, 3))
    x, skips = inputs, []
    for filters in [32, 64, 128]:
        x = layers.Conv2D(filters, 3, strides=2, padding="same", use_bias=False)(x)
        x = layers.ReLU()(layers.BatchNormalization()(x))
        skips.append(x)
    x = layers.Conv2D(128, 3, padding="same", dilation_rate=2, activation="relu")(x)
    x = layers.Conv2D(64, 3, padding="same", dilation_rate=4, activation="relu")(x)
    x = layers.Add()([layers.UpSampling2D(2, interpolation="nearest")(x), layers.Conv2D(64, 1)(skips[1])])
    x = layers.Conv2D(21, 1)(x)
    outputs = layers.UpSampling2D(4, interpolation="bilinear")(x)
    return tf.keras.Model(inputs, outputs), [1, 128, 128, 3]


MODELS = {
    "resnet50": keras_application(tf.keras.applications.ResNet50, 224),
    "mobilenetv2": keras_application(tf.keras.applications.MobileNetV2, 224),
    "densenet121": keras_application(tf.keras.applications.DenseNet121, 224),
    "inceptionv3": keras_application(tf.keras.applications.InceptionV3, 299),
    "vgg16": keras_application(tf.keras.applications.VGG16, 224),
    "mobilenet": keras_application(tf.keras.applications.MobileNet, 224),
    "xception": keras_application(tf.keras.applications.Xception, 299),
    "efficientnetb0": keras_application(tf.keras.applications.EfficientNetB0, 224),
    "mobilenetv3small": keras_application(tf.keras.applications.MobileNetV3Small, 224),
    "nasnetmobile": keras_application(tf.keras.applications.NASNetMobile, 224),
    "convnexttiny": keras_application(tf.keras.applications.ConvNeXtTiny, 224),
    "dcgan": dcgan_generator,
    "unet": pix2pix_unet,
    "superres": super_resolution,
    "segmentation": segmentation_head,
}


def freeze(name):
    tf.keras.utils.set_random_seed(4)
    model, shape = MODELS[name]()
    function = tf.function(lambda x: model(x, training=False))
    concrete = function.get_concrete_function(tf.TensorSpec(shape, tf.float32, name="input"))
    frozen = convert_variables_to_constants_v2(concrete)
    graph_def = frozen.graph.as_graph_def()
    x = np.random.RandomState(0).rand(*shape).astype(np.float32)
    y = frozen(tf.constant(x))[0].numpy()
    input_name = frozen.inputs[0].name.split(":")[0]
    output_name = frozen.outputs[0].name
    with open(os.path.join(OUT, name + ".pb"), "wb") as f:
        f.write(graph_def.SerializeToString())
    np.save(os.path.join(OUT, name + "_input.npy"), x)
    np.save(os.path.join(OUT, name + "_output.npy"), y)
    return input_name, output_name, graph_def


def relative_difference(ours, theirs):
    """The largest difference, relative to each value or to the output's RMS where that is larger (so
    that values near zero do not dominate)."""
    return float(np.max(np.abs(ours - theirs) / np.maximum(np.abs(theirs), np.sqrt(np.mean(theirs ** 2)))))


def run_tensorgraph(model, feeds, fetch, result, options=()):
    """Runs `tensorgraph run MODEL` with `feeds` ({name: .npy path}) and `options`, writing `fetch` to
    `result`; returns (the fetched array, seconds taken), or (the error's last line, seconds)."""
    arguments = [TOOL, "run", model, *options]
    for name, path in feeds.items():
        arguments += ["--feed", f"{name}={path}"]
    start = time.perf_counter()
    run = subprocess.run(arguments + ["--fetch", f"{fetch}={result}"], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        return f"fails: {run.stderr.strip().splitlines()[-1] if run.stderr.strip() else run.returncode}", seconds
    return np.load(result), seconds


def check(name, input_name, output_name):
    ours, seconds = run_tensorgraph(os.path.join(OUT, name + ".pb"),
                                    {input_name: os.path.join(OUT, name + "_input.npy")}, output_name,
                                    os.path.join(OUT, name + "_tensorgraph.npy"))
    if isinstance(ours, str):
        return ours
    theirs = np.load(os.path.join(OUT, name + "_output.npy"))
    return (f"agrees within {relative_difference(ours, theirs):.2e} relative "
            f"(output std {np.std(theirs):.3g}; {seconds:.1f} s to load and run)")


def bench(name, input_name, output_name, graph_def, rounds, runs=10):
    """ms per run of TensorGraph and of TensorFlow (2 threads each), alternating `rounds` times."""
    x = np.load(os.path.join(OUT, name + "_input.npy"))
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.import_graph_def(graph_def, name="")
    config = tf.compat.v1.ConfigProto(intra_op_parallelism_threads=2, inter_op_parallelism_threads=1)
    ours, theirs = [], []
    with tf.compat.v1.Session(graph=graph, config=config) as session:
        fetch, feed = output_name, {input_name + ":0": x}
        for _ in range(3):
            session.run(fetch, feed)
        for _ in range(rounds):
            out = subprocess.run([TOOL, "bench", os.path.join(OUT, name + ".pb"), "--feed",
                                  f"{input_name}={os.path.join(OUT, name + '_input.npy')}", "--fetch", output_name,
                                  "--runs", str(runs), "--json"], capture_output=True, text=True, check=True)
            ours.append(json.loads(out.stdout)["median_ms"])
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                session.run(fetch, feed)
                times.append((time.perf_counter() - start) * 1000)
            theirs.append(float(np.median(times)))
    return float(np.median(ours)), float(np.median(theirs))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", help="comma-separated model names")
    parser.add_argument("--no-check", action="store_true")
    parser.add_argument("--bench", action="store_true")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    for name in MODELS:
        if args.only and name not in args.only.split(","):
            continue
        input_name, output_name, graph_def = freeze(name)
        size = os.path.getsize(os.path.join(OUT, name + ".pb"))
        line = f"{name:12} {len(graph_def.node):5} nodes, {size / 1e6:6.1f} MB"
        result = "" if args.no_check else check(name, input_name, output_name)
        line += ": " + result if result else ""
        if args.bench and not result.startswith("fails"):
            ours, theirs = bench(name, input_name, output_name, graph_def, args.rounds)
            line += f"; TensorGraph {ours:.1f} ms, TensorFlow {theirs:.1f} ms, ratio {theirs / ours:.2f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
