"""Builds the TF-Slim nets (`tf_slim.nets`) in TF1 graph mode, is_training=False, with variables drawn
from a fixed seed (no download), and checks that TensorGraph computes TensorFlow's logits from what a
TF1 user has: the graph with its variables plus a tf.compat.v1.train.Saver checkpoint, and the frozen
graph. Writes into the git-ignored folder .models/slim/, for each NAME:

    NAME_graph.pb      the graph as tf.io.write_graph writes it after the Saver is made: VariableV2
                       nodes, initializers, the regularization losses and the save/restore ops
    NAME.ckpt.*        the variables, by Saver.save (tensor bundle V2), and NAME.ckpt.meta, the
                       MetaGraphDef it writes beside them (the same graph)
    NAME_frozen.pb     convert_variables_to_constants of the same session, pruned to the logits
    NAME_input.npy, NAME_output.npy   TensorFlow's logits on a fixed input

then runs `tensorgraph run NAME_frozen.pb`, `tensorgraph run NAME_graph.pb --checkpoint NAME.ckpt` and
`tensorgraph run NAME.ckpt.meta --checkpoint NAME.ckpt`, and prints the largest relative difference of
each (as models.py measures it) in a table.

    swift build -c release --product tensorgraph
    .venv/bin/python Tests/Benchmarks/slim.py [--only NAME,...] [--no-check] [--resource-variables]

tf_slim's batch_norm needs tf_keras's legacy layers (`pip install --no-deps tf-keras==2.21.0`).
"""
import argparse
import importlib
import os
import sys

from models import ROOT, relative_difference, run_tensorgraph  # also sets TF_CPP_MIN_LOG_LEVEL
import numpy as np
import tensorflow as tf

# TensorFlow 2.21 looks for tf_keras's legacy layers where older tf_keras releases kept them.
for module in ["", ".normalization"]:
    sys.modules["tf_keras.legacy_tf_layers" + module] = importlib.import_module(
        "tf_keras.src.legacy_tf_layers" + module)
import tf_slim as slim  # noqa: E402
from tf_slim.nets import alexnet, inception, overfeat, resnet_v1, resnet_v2, vgg  # noqa: E402

OUT = os.path.join(ROOT, ".models", "slim")
tf1 = tf.compat.v1

# name: (network, its arg_scope, input height and width)
NETS = {
    "inception_v1": (inception.inception_v1, inception.inception_v1_arg_scope, 224),
    "inception_v2": (inception.inception_v2, inception.inception_v2_arg_scope, 224),
    "inception_v3": (inception.inception_v3, inception.inception_v3_arg_scope, 299),
    "resnet_v1_50": (resnet_v1.resnet_v1_50, resnet_v1.resnet_arg_scope, 224),
    "resnet_v1_101": (resnet_v1.resnet_v1_101, resnet_v1.resnet_arg_scope, 224),
    "resnet_v2_50": (resnet_v2.resnet_v2_50, resnet_v2.resnet_arg_scope, 224),
    "resnet_v2_101": (resnet_v2.resnet_v2_101, resnet_v2.resnet_arg_scope, 224),
    "alexnet_v2": (alexnet.alexnet_v2, alexnet.alexnet_v2_arg_scope, 224),
    "overfeat": (overfeat.overfeat, overfeat.overfeat_arg_scope, 231),
    "vgg_a": (vgg.vgg_a, vgg.vgg_arg_scope, 224),
    "vgg_16": (vgg.vgg_16, vgg.vgg_arg_scope, 224),
}


def randomize_batch_norm_statistics(session, rng):
    """Freshly made moving means and variances are 0 and 1, which makes inference batch norm all but
    the identity; give them values a trained net might have, so the check sees them used."""
    for variable in tf1.global_variables():
        name = variable.op.name
        if name.endswith("moving_mean") or name.endswith("beta"):
            variable.load(rng.uniform(-0.2, 0.2, variable.shape).astype(np.float32), session)
        elif name.endswith("moving_variance") or name.endswith("gamma"):
            variable.load(rng.uniform(0.5, 1.5, variable.shape).astype(np.float32), session)


def build(name):
    """Writes NAME's graph, checkpoint, frozen graph, input and TensorFlow's output; returns the
    logits' node name and the two graphs' node counts."""
    network, arg_scope, size = NETS[name]
    graph = tf.Graph()
    with graph.as_default():
        tf1.set_random_seed(4)
        images = tf1.placeholder(tf.float32, [1, size, size, 3], name="input")
        with slim.arg_scope(arg_scope()):
            logits, _ = network(images, num_classes=1000, is_training=False)
        saver = tf1.train.Saver()
        with tf1.Session() as session:
            session.run(tf1.global_variables_initializer())
            rng = np.random.RandomState(0)
            randomize_batch_norm_statistics(session, rng)
            x = rng.uniform(-1, 1, [1, size, size, 3]).astype(np.float32)  # slim's preprocessing range
            y = session.run(logits, {images: x})
            graph_def = graph.as_graph_def()
            tf.io.write_graph(graph_def, OUT, name + "_graph.pb", as_text=False)
            saver.save(session, os.path.join(OUT, name + ".ckpt"))
            frozen = tf1.graph_util.convert_variables_to_constants(session, graph_def, [logits.op.name])
    with open(os.path.join(OUT, name + "_frozen.pb"), "wb") as f:
        f.write(frozen.SerializeToString())
    np.save(os.path.join(OUT, name + "_input.npy"), x)
    np.save(os.path.join(OUT, name + "_output.npy"), y)
    return logits.op.name, len(graph_def.node), len(frozen.node)


def check(name, logits, model, options=()):
    """`tensorgraph run` of `model` (in OUT): the largest relative difference from TensorFlow and the
    seconds taken, or the error."""
    ours, seconds = run_tensorgraph(os.path.join(OUT, model), {"input": os.path.join(OUT, name + "_input.npy")},
                                    logits, os.path.join(OUT, name + "_tensorgraph.npy"), options)
    if isinstance(ours, str):
        return ours
    return f"{relative_difference(ours, np.load(os.path.join(OUT, name + '_output.npy'))):.1e} ({seconds:.1f} s)"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", help="comma-separated net names")
    parser.add_argument("--no-check", action="store_true")
    parser.add_argument("--resource-variables", action="store_true",
                        help="TF2's resource variables (VarHandleOp) instead of TF1's VariableV2")
    args = parser.parse_args()
    tf1.disable_v2_behavior()
    if args.resource_variables:
        tf1.enable_resource_variables()
    os.makedirs(OUT, exist_ok=True)
    print(f"{'net':14} {'nodes':>6} {'frozen':>6} {'.ckpt MB':>8} {'logits std':>10}  {'frozen .pb':18} "
          f"{'graph .pb + ckpt':18} .meta + ckpt", flush=True)
    for name in NETS:
        if args.only and name not in args.only.split(","):
            continue
        logits, nodes, frozen_nodes = build(name)
        data = os.path.join(OUT, name + ".ckpt.data-00000-of-00001")
        spread = np.std(np.load(os.path.join(OUT, name + "_output.npy")))
        line = f"{name:14} {nodes:6} {frozen_nodes:6} {os.path.getsize(data) / 1e6:8.1f} {spread:10.3g}"
        if not args.no_check:
            restore = ["--checkpoint", os.path.join(OUT, name + ".ckpt")]
            frozen = check(name, logits, name + "_frozen.pb")
            restored = check(name, logits, name + "_graph.pb", restore)
            meta = check(name, logits, name + ".ckpt.meta", restore)
            line += f"  {frozen:18} {restored:18} {meta}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
