"""Writes the TensorFlow reference fixtures that TensorGraph's tests compare against.

Run from the repository root with TensorFlow installed in a virtual environment:

    python3 -m venv .venv && .venv/bin/pip install tensorflow-cpu==2.21.0
    .venv/bin/python Tests/Fixtures/generate.py

Everything it writes lives beside this script and is committed; the Swift tests never run Python.
TensorFlow's CPU kernels support neither NCHW nor dilation > 1 for Conv2DBackpropInput, so those
cases are computed by exact equivalents (transposing NHWC results; a zero-dilated kernel).
"""
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# TensorFlow's own kernels, not oneDNN's: oneDNN has no primitive for some of the transposed
# convolution cases on AVX-512 machines, and the reference numbers should not depend on the CPU.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
import numpy as np
import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.RandomState(20261121)


def arr(a):
    a = np.asarray(a)
    dtype = {np.float32: "float32", np.float64: "float64", np.int32: "int32", np.int64: "int64", np.bool_: "bool"}[a.dtype.type]
    values = a.reshape(-1).tolist()
    return {"dtype": dtype, "shape": list(a.shape), "values": values}


def write_json(name, payload):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(payload, f, indent=None, separators=(",", ":"))
        f.write("\n")


def dilate_kernel(w, dh, dw):
    kh, kw = w.shape[:2]
    out = np.zeros(((kh - 1) * dh + 1, (kw - 1) * dw + 1) + w.shape[2:], dtype=w.dtype)
    out[::dh, ::dw] = w
    return out


def explicit_tf(pads):
    top, bottom, left, right = pads
    return [0, 0, top, bottom, left, right, 0, 0]


def conv2d_transpose_tf(x, w, output_shape, strides, padding, pads=(0, 0, 0, 0), dilations=(1, 1)):
    """NHWC reference: TensorFlow's own Conv2DBackpropInput, with dilation by an equivalent kernel."""
    w = dilate_kernel(w, *dilations)
    kwargs = {}
    if padding == "EXPLICIT":
        kwargs["explicit_paddings"] = explicit_tf(pads)
    return tf.raw_ops.Conv2DBackpropInput(
        input_sizes=output_shape, filter=w, out_backprop=x, strides=[1, strides[0], strides[1], 1], padding=padding, **kwargs
    ).numpy()


def conv2d_tf(x, w, strides, padding, pads=(0, 0, 0, 0), dilations=(1, 1)):
    kwargs = {}
    if padding == "EXPLICIT":
        kwargs["explicit_paddings"] = explicit_tf(pads)
    return tf.raw_ops.Conv2D(
        input=x, filter=w, strides=[1, strides[0], strides[1], 1], padding=padding,
        dilations=[1, dilations[0], dilations[1], 1], **kwargs
    ).numpy()


def transpose_conv_cases():
    cases = []

    def add(name, x, w, output_shape, strides, padding, pads=(0, 0, 0, 0), dilations=(1, 1), nchw=False):
        y = conv2d_transpose_tf(x, w, output_shape, strides, padding, pads, dilations)
        case = {"name": name, "strides": list(strides), "padding": padding, "explicit_paddings": list(pads),
                "dilations": list(dilations), "data_format": "NCHW" if nchw else "NHWC", "filter": arr(w)}
        if nchw:
            case.update(input=arr(x.transpose(0, 3, 1, 2)), output_shape=[output_shape[0], output_shape[3], output_shape[1], output_shape[2]],
                        expected=arr(y.transpose(0, 3, 1, 2)))
        else:
            case.update(input=arr(x), output_shape=list(output_shape), expected=arr(y))
        cases.append(case)

    # d2l's 2x2 example (seed 002): input [[0,1],[2,3]], kernel [[4,1],[2,3]], stride 1, VALID.
    x = np.array([[0, 1], [2, 3]], np.float32).reshape(1, 2, 2, 1)
    w = np.array([[4, 1], [2, 3]], np.float32).reshape(2, 2, 1, 1)
    add("seed002_2x2", x, w, [1, 3, 3, 1], (1, 1), "VALID")

    # Seed 002's Keras cases: a 4x4x3 input, one 3x3 filter at stride 2 gives 9x9 (VALID) and 8x8 (SAME).
    x = np.arange(1, 64, dtype=np.float32)
    x = np.array([[[1, 2, 3], [5, 6, 7], [9, 10, 11], [13, 14, 15]], [[17, 18, 19], [21, 22, 23], [25, 26, 27], [29, 30, 31]],
                  [[33, 34, 35], [37, 38, 39], [41, 42, 43], [45, 46, 47]], [[49, 50, 51], [53, 54, 55], [57, 58, 59], [61, 62, 63]]],
                 np.float32).reshape(1, 4, 4, 3)
    layer_valid = tf.keras.layers.Conv2DTranspose(filters=1, kernel_size=3, strides=2, padding="valid", use_bias=False)
    layer_same = tf.keras.layers.Conv2DTranspose(filters=1, kernel_size=3, strides=2, padding="same", use_bias=False)
    w = rng.uniform(-1, 1, size=(3, 3, 1, 3)).astype(np.float32)
    for layer, padding, size in [(layer_valid, "VALID", 9), (layer_same, "SAME", 8)]:
        layer.build((1, 4, 4, 3))
        layer.kernel.assign(w)
        keras_out = layer(x).numpy()
        assert keras_out.shape == (1, size, size, 1), keras_out.shape
        add(f"seed002_keras_4x4x3_{padding.lower()}", x, w, [1, size, size, 1], (2, 2), padding)
        assert np.allclose(cases[-1]["expected"]["values"], keras_out.reshape(-1), rtol=1e-5, atol=1e-5)

    # Seed 003: 4 input channels to 2 output channels, 3x3 kernel, stride 2, SAME, 3x3 -> 6x6.
    input_data = np.array([[[1, 0, 1], [0, 2, 1], [1, 1, 0]], [[2, 0, 2], [0, 1, 0], [1, 0, 0]],
                           [[1, 1, 1], [2, 2, 0], [1, 1, 1]], [[1, 1, 2], [1, 0, 1], [0, 2, 2]]], np.float32)
    weights_data = np.array([[[[1, 0, 1], [-1, 1, 0], [0, -1, 0]], [[-1, 0, 1], [0, 0, 1], [1, 1, 1]],
                              [[0, 1, 1], [2, 0, 1], [1, 2, 1]], [[1, 1, 1], [0, 2, 1], [1, 0, 1]]],
                             [[[1, 0, 2], [-2, 1, 1], [1, -1, 0]], [[-1, 0, 1], [-1, 2, 1], [1, 1, 1]],
                              [[0, 0, 0], [2, 2, 1], [1, -1, 1]], [[2, 1, 1], [0, -1, 1], [1, 1, 1]]]], np.float32)
    w = np.rot90(weights_data, 2, (2, 3)).transpose(2, 3, 0, 1).copy()  # [out,in,h,w] -> [h,w,out,in]
    x = input_data.transpose(1, 2, 0)[None]
    add("seed003_4ch_to_2ch", x, w, [1, 6, 6, 2], (2, 2), "SAME")

    # Random cases over strides, paddings and both ends of each valid output range.
    for i, (n, h, wd, cin, cout, k, s, padding) in enumerate([
        (2, 3, 4, 3, 2, 3, 2, "SAME"), (1, 5, 5, 2, 3, 4, 3, "SAME"), (2, 4, 3, 2, 2, 2, 2, "VALID"),
        (1, 3, 3, 4, 1, 5, 2, "VALID"), (3, 2, 2, 1, 2, 3, 1, "SAME"), (1, 6, 4, 3, 3, 3, 3, "VALID"),
    ]):
        x = rng.randn(n, h, wd, cin).astype(np.float32)
        w = rng.randn(k, k, cout, cin).astype(np.float32)
        for extra in sorted({0, s - 1}):
            oh = ((h - 1) * s + 1 if padding == "SAME" else (h - 1) * s + k) + extra
            ow = ((wd - 1) * s + 1 if padding == "SAME" else (wd - 1) * s + k) + (s - 1 - extra)
            add(f"random{i}_{padding.lower()}_s{s}_plus{extra}", x, w, [n, oh, ow, cout], (s, s), padding)

    # EXPLICIT padding.
    x = rng.randn(1, 3, 4, 2).astype(np.float32)
    w = rng.randn(3, 3, 2, 2).astype(np.float32)
    add("explicit_pads_1_2_0_1", x, w, [1, 5, 8, 2], (2, 2), "EXPLICIT", pads=(1, 2, 0, 1))
    add("explicit_pads_2_0_1_1", x, w, [1, 6, 7, 2], (2, 2), "EXPLICIT", pads=(2, 0, 1, 1))

    # NCHW (TensorFlow's CPU kernel is NHWC-only: the expected value is its NHWC result, transposed).
    x = rng.randn(2, 3, 3, 4).astype(np.float32)
    w = rng.randn(3, 3, 2, 4).astype(np.float32)
    add("nchw_same_s2", x, w, [2, 6, 5, 2], (2, 2), "SAME", nchw=True)

    # Dilations (by the equivalent zero-dilated kernel at dilation 1).
    x = rng.randn(1, 4, 4, 2).astype(np.float32)
    w = rng.randn(3, 3, 3, 2).astype(np.float32)
    add("dilated2_valid_s1", x, w, [1, 8, 8, 3], (1, 1), "VALID", dilations=(2, 2))
    add("dilated2_same_s2", x, w, [1, 8, 7, 3], (2, 2), "SAME", dilations=(2, 2))
    return cases


def conv2d_cases():
    cases = []
    for i, (n, h, wd, cin, cout, k, s, d, padding, pads, nchw) in enumerate([
        (2, 7, 6, 3, 4, 3, 2, 1, "SAME", (0, 0, 0, 0), False),
        (1, 8, 8, 2, 3, 5, 2, 1, "VALID", (0, 0, 0, 0), False),
        (2, 6, 7, 3, 2, 3, 1, 2, "SAME", (0, 0, 0, 0), False),
        (1, 9, 9, 2, 2, 3, 3, 1, "EXPLICIT", (1, 2, 2, 0), False),
        (2, 5, 6, 4, 3, 3, 2, 1, "SAME", (0, 0, 0, 0), True),
    ]):
        x = rng.randn(n, h, wd, cin).astype(np.float32)
        w = rng.randn(k, k, cin, cout).astype(np.float32)
        y = conv2d_tf(x, w, (s, s), padding, pads, (d, d))
        case = {"name": f"conv{i}", "strides": [s, s], "padding": padding, "explicit_paddings": list(pads),
                "dilations": [d, d], "data_format": "NCHW" if nchw else "NHWC", "filter": arr(w),
                "input": arr(x.transpose(0, 3, 1, 2) if nchw else x), "expected": arr(y.transpose(0, 3, 1, 2) if nchw else y)}
        cases.append(case)
    return cases


def output_shape_sweep():
    """Every requested output size near the valid range, with TensorFlow's accept/reject."""
    cases = []
    for padding in ["SAME", "VALID", "EXPLICIT"]:
        for size in [1, 2, 3, 5]:
            for k in [1, 2, 3, 5]:
                for s in [1, 2, 3]:
                    pads = (1, 0, 0, 2) if padding == "EXPLICIT" else (0, 0, 0, 0)
                    x = np.ones((1, size, size, 1), np.float32)
                    w = np.ones((k, k, 1, 1), np.float32)
                    base = (size - 1) * s + (1 if padding == "SAME" else k)
                    low = base - (pads[0] + pads[1])
                    width = base + s - 1 - (pads[2] + pads[3])  # the largest valid width
                    if width < 1:
                        continue
                    for o in range(max(1, low - 2), low + s + 2):
                        try:
                            conv2d_transpose_tf(x, w, [1, o, width, 1], (s, s), padding, pads)
                            accepted, error = True, ""
                        except tf.errors.InvalidArgumentError as e:
                            accepted, error = False, e.message.split("\n")[0][-160:]
                        cases.append({"padding": padding, "input": size, "kernel": k, "stride": s, "explicit_paddings": list(pads),
                                      "output_height": o, "output_width": width, "accepted": accepted, "tensorflow_error": error})
    return cases


def op_cases():
    """Ops run one at a time through tf.raw_ops: inputs, attributes and TensorFlow's outputs."""
    cases = []

    def add(op, inputs, attrs=None, name=None, **kwargs_names):
        attrs = attrs or {}
        names = list(kwargs_names.get("input_names", []))
        kwargs = dict(zip(names, inputs))
        raw_attrs = {k: v[list(v)[0]] if isinstance(v, dict) else v for k, v in attrs.items()}
        for op_name, python_name in kwargs_names.get("renames", {}).items():
            raw_attrs[python_name] = raw_attrs.pop(op_name)
        if "types" in kwargs_names:
            raw_attrs.update(kwargs_names["types"])
        result = getattr(tf.raw_ops, op)(**kwargs, **raw_attrs)
        outputs = result if isinstance(result, (list, tuple)) else [result]
        cases.append({"name": name or op, "op": op, "inputs": [arr(t) for i in inputs for t in (i if isinstance(i, list) else [i])], "attributes": attrs,
                      "outputs": [arr(o.numpy()) for o in outputs]})

    f = lambda *shape: rng.randn(*shape).astype(np.float32)
    a, b = f(2, 3, 4), f(3, 1)
    for op in ["AddV2", "Add", "Sub", "Mul", "Maximum", "Minimum", "SquaredDifference"]:
        add(op, [a, b], input_names=["x", "y"])
    add("RealDiv", [a, np.abs(b) + 0.5], input_names=["x", "y"])
    add("AddV2", [np.array([1, 2, 3], np.int32), np.array([[10], [20]], np.int32)], name="AddV2_int32", input_names=["x", "y"])
    add("Equal", [np.array([1, 2, 3, 2], np.int32), np.array([2], np.int32)], input_names=["x", "y"])
    for op in ["Neg", "Square", "Abs", "Exp", "Sigmoid", "Tanh", "Relu", "Relu6"]:
        add(op, [f(3, 5) * 4], input_names=["x"] if op not in ("Relu", "Relu6") else ["features"])
    add("Sqrt", [np.abs(f(4, 3)) + 0.1], input_names=["x"])
    add("Rsqrt", [np.abs(f(4, 3)) + 0.1], input_names=["x"])
    add("Log", [np.abs(f(4, 3)) + 0.1], input_names=["x"])
    add("LeakyRelu", [f(3, 5)], {"alpha": {"f": 0.1}}, input_names=["features"])
    add("Softmax", [f(4, 7) * 3], input_names=["logits"])
    add("BiasAdd", [f(2, 3, 3, 4), f(4)], input_names=["value", "bias"])
    add("BiasAdd", [f(2, 4, 3, 3), f(4)], {"data_format": {"s": "NCHW"}}, name="BiasAdd_NCHW", input_names=["value", "bias"])
    add("MatMul", [f(5, 7), f(7, 3)], input_names=["a", "b"])
    add("MatMul", [f(7, 5), f(3, 7)], {"transpose_a": {"b": True}, "transpose_b": {"b": True}}, name="MatMul_transposed", input_names=["a", "b"])
    add("Reshape", [f(2, 3, 4), np.array([4, -1], np.int32)], input_names=["tensor", "shape"])
    add("Shape", [f(2, 3, 4)], input_names=["input"])
    add("Pack", [[f(2, 3), f(2, 3), f(2, 3)]], {"axis": {"i": 1}}, input_names=["values"])
    add("Unpack", [f(2, 3, 4)], {"num": {"i": 3}, "axis": {"i": 1}}, input_names=["value"])
    x = f(4, 5, 6)
    for name, begin, end, strides, masks in [
        ("StridedSlice_index0", [0], [1], [1], {"shrink_axis_mask": 1}),
        ("StridedSlice_cols_1_3", [0, 1], [0, 3], [1, 1], {"begin_mask": 1, "end_mask": 1}),
        ("StridedSlice_negative_step", [-1, 4], [0, 0], [-1, -2], {"end_mask": 1}),
        ("StridedSlice_ellipsis_newaxis", [0, 0, 2], [0, 0, 5], [1, 1, 2], {"ellipsis_mask": 1, "new_axis_mask": 2}),
        ("StridedSlice_clamped", [-10, 2], [10, 100], [1, 1], {}),
    ]:
        attrs = {k: {"i": v} for k, v in masks.items()}
        add("StridedSlice", [x, np.array(begin, np.int32), np.array(end, np.int32), np.array(strides, np.int32)], attrs, name=name,
            input_names=["input", "begin", "end", "strides"])
    add("Slice", [x, np.array([1, 0, 2], np.int32), np.array([2, -1, 3], np.int32)], input_names=["input", "begin", "size"])
    add("Transpose", [x, np.array([2, 0, 1], np.int32)], input_names=["x", "perm"])
    add("ExpandDims", [f(2, 3), np.array(-1, np.int32)], input_names=["input", "axis"])
    add("Squeeze", [f(1, 3, 1, 2)], {"squeeze_dims": {"ints": [2]}}, input_names=["input"], renames={"squeeze_dims": "axis"})
    add("ConcatV2", [[f(2, 3), f(2, 1), f(2, 2)], np.array(1, np.int32)], input_names=["values", "axis"])
    add("Pad", [f(2, 3), np.array([[1, 0], [2, 1]], np.int32)], input_names=["input", "paddings"])
    add("Fill", [np.array([2, 3], np.int32), np.array(1.5, np.float32)], input_names=["dims", "value"])
    add("ZerosLike", [f(2, 3)], input_names=["x"])
    add("OnesLike", [f(2, 3)], input_names=["x"])
    add("Cast", [f(3, 4) * 5], {"DstT": {"type": "int32"}}, input_names=["x"], types={"DstT": tf.int32})
    for op in ["Sum", "Mean", "Max"]:
        add(op, [x, np.array([0, 2], np.int32)], input_names=["input", "axis"])
        add(op, [x, np.array([1], np.int32)], {"keep_dims": {"b": True}}, name=op + "_keepdims", input_names=["input", "axis"])
    add("ArgMax", [f(4, 6), np.array(1, np.int32)], input_names=["input", "dimension"])
    img = f(2, 7, 6, 3)
    for op in ["MaxPool", "AvgPool"]:
        for padding in ["SAME", "VALID"]:
            add(op, [img], {"ksize": {"ints": [1, 3, 2, 1]}, "strides": {"ints": [1, 2, 2, 1]}, "padding": {"s": padding}},
                name=f"{op}_{padding}", input_names=["value" if op == "AvgPool" else "input"])
    c = 3
    add("FusedBatchNormV3", [img, f(c), f(c), f(c), np.abs(f(c)) + 0.5], {"epsilon": {"f": 0.001}, "is_training": {"b": False}},
        input_names=["x", "scale", "offset", "mean", "variance"])
    scale, dy = f(c), f(2, 7, 6, 3)
    for training in [True, False]:
        forward = tf.raw_ops.FusedBatchNormV3(x=img, scale=scale, offset=f(c), mean=f(c), variance=np.abs(f(c)) + 0.5,
                                              epsilon=0.001, is_training=training)
        reserve = [forward[3].numpy(), forward[4].numpy(), forward[5].numpy()]
        add("FusedBatchNormGradV3", [dy, img, scale] + reserve, {"epsilon": {"f": 0.001}, "is_training": {"b": training}},
            name=f"FusedBatchNormGradV3_{'training' if training else 'inference'}",
            input_names=["y_backprop", "x", "scale", "reserve_space_1", "reserve_space_2", "reserve_space_3"])
    for op, lhs, rhs in [("Greater", f(3, 4), f(4)), ("GreaterEqual", np.array([1, 2, 3], np.int32), np.array([2], np.int32)),
                         ("Less", f(2, 3), f(2, 1)), ("LessEqual", f(3), f(3))]:
        add(op, [lhs, rhs], input_names=["x", "y"])
    add("SelectV2", [np.array([[True], [False]]), f(2, 3), f(3)], input_names=["condition", "t", "e"])
    add("FloorMod", [np.array([7, -7, 7, -7], np.int32), np.array([3, 3, -3, -3], np.int32)], input_names=["x", "y"])
    add("FloorDiv", [np.array([7, -7, 7, -7], np.int32), np.array([3, 3, -3, -3], np.int32)], input_names=["x", "y"])
    add("FloorMod", [f(5) * 4, np.abs(f(5)) + 0.5], name="FloorMod_float", input_names=["x", "y"])
    add("Tile", [f(2, 3), np.array([2, 1], np.int32)], input_names=["input", "multiples"])
    add("GatherV2", [f(4, 3), np.array([[3, 0], [1, 1]], np.int32), np.array(0, np.int32)], input_names=["params", "indices", "axis"])
    add("DynamicStitch", [[np.array([0, 2], np.int32), np.array([1, 3], np.int32)], [f(2, 2), f(2, 2)]], input_names=["indices", "data"])
    add("LogSoftmax", [f(3, 5) * 2], input_names=["logits"])
    add("BroadcastTo", [f(3, 1), np.array([2, 3, 4], np.int32)], input_names=["input", "shape"])
    add("AddN", [[f(2, 2), f(2, 2), f(2, 2)]], input_names=["inputs"])
    add("BiasAddGrad", [f(2, 3, 4)], input_names=["out_backprop"])
    add("ReluGrad", [f(3, 4), f(3, 4)], input_names=["gradients", "features"])
    add("Relu6Grad", [f(3, 4), f(3, 4) * 5], input_names=["gradients", "features"])
    add("SigmoidGrad", [f(3, 4), f(3, 4)], input_names=["y", "dy"])
    add("TanhGrad", [f(3, 4), f(3, 4)], input_names=["y", "dy"])
    add("Conv2DBackpropFilter", [f(2, 6, 5, 3), np.array([3, 3, 3, 4], np.int32), f(2, 3, 3, 4)],
        {"strides": {"ints": [1, 2, 2, 1]}, "padding": {"s": "SAME"}}, input_names=["input", "filter_sizes", "out_backprop"])
    add("SoftmaxCrossEntropyWithLogits", [f(3, 4), np.abs(f(3, 4))], input_names=["features", "labels"])
    add("SparseSoftmaxCrossEntropyWithLogits", [f(3, 4), np.array([1, 0, 3], np.int64)], input_names=["features", "labels"])
    add("MaxPoolGrad", [img, tf.nn.max_pool2d(img, [3, 2], [2, 2], "SAME").numpy(), f(2, 4, 3, 3)],
        {"ksize": {"ints": [1, 3, 2, 1]}, "strides": {"ints": [1, 2, 2, 1]}, "padding": {"s": "SAME"}},
        input_names=["orig_input", "orig_output", "grad"])
    add("AvgPoolGrad", [np.array([2, 7, 6, 3], np.int32), f(2, 4, 3, 3)],
        {"ksize": {"ints": [1, 3, 2, 1]}, "strides": {"ints": [1, 2, 2, 1]}, "padding": {"s": "SAME"}},
        input_names=["orig_input_shape", "grad"])
    add("Cumsum", [f(3, 4), np.array(1, np.int32)], {"exclusive": {"b": True}, "reverse": {"b": True}}, input_names=["x", "axis"])
    add("Cumprod", [f(3, 4), np.array(0, np.int32)], input_names=["x", "axis"])
    add("Prod", [f(2, 3, 4), np.array([0, 2], np.int32)], input_names=["input", "axis"])
    add("UnsortedSegmentSum", [f(4, 3), np.array([2, 0, 2, 1], np.int32), np.array(4, np.int32)],
        input_names=["data", "segment_ids", "num_segments"])
    add("Size", [f(3, 4)], input_names=["input"])
    add("Sign", [np.array([-2, 0, 3], np.float32)], input_names=["x"])
    add("Log1p", [np.abs(f(5))], input_names=["x"])
    add("RsqrtGrad", [np.abs(f(3)) + 0.5, f(3)], input_names=["y", "dy"])
    add("ConcatOffset", [np.array(1, np.int32), [np.array([2, 3, 5], np.int32), np.array([2, 4, 5], np.int32)]],
        input_names=["concat_dim", "shape"])
    add("ShapeN", [[f(2, 3), f(4)]], input_names=["input"])
    add("BroadcastGradientArgs", [np.array([2, 3, 1], np.int32), np.array([3, 4], np.int32)], input_names=["s0", "s1"])
    add("StridedSliceGrad", [np.array([4, 5], np.int32), np.array([0, 1], np.int32), np.array([4, 5], np.int32),
                             np.array([2, 2], np.int32), f(2, 2)], input_names=["shape", "begin", "end", "strides", "dy"])
    depthwise_cases(add)
    array_op_cases(add)
    add("IdentityN", [[np.arange(6, dtype=np.float32).reshape(2, 3), np.array([4, 5], np.int32)]], input_names=["input"])
    local = np.random.RandomState(20261130)
    g = lambda *shape: (local.randn(*shape) * 3).astype(np.float32)
    for op in ["Softplus", "Elu", "Selu"]:
        add(op, [np.concatenate([g(3, 5), np.array([[-30, -1e-3, 0, 1e-3, 30]], np.float32)])], input_names=["features"])
    for op in ["Erf", "Erfc", "Floor", "Ceil"]:
        add(op, [g(4, 5)], input_names=["x"])
    add("Round", [np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.4, -0.6, 3.7], np.float32)], input_names=["x"])
    add("Reciprocal", [g(3, 4) + 0.1], input_names=["x"])
    add("DepthToSpace", [g(2, 3, 4, 12)], {"block_size": {"i": 2}}, input_names=["input"])
    add("SpaceToDepth", [g(2, 6, 9, 5)], {"block_size": {"i": 3}}, input_names=["input"])
    image_nn_op_cases(add)
    return cases


def image_nn_op_cases(add):
    """Image and neural-network ops the model zoos use (resizes, ...), from a generator of their own
    so that the cases above keep their numbers."""
    local = np.random.RandomState(20261201)
    g = lambda *shape: local.randn(*shape).astype(np.float32)
    modes = {"legacy": {}, "align_corners": {"align_corners": {"b": True}},
             "half_pixel": {"half_pixel_centers": {"b": True}}}
    image = g(2, 5, 7, 3)
    for mode, attrs in modes.items():
        for size in [(8, 11), (3, 4)]:
            suffix = f"{mode}_{size[0]}x{size[1]}"
            resized = np.array(size, np.int32)
            add("ResizeBilinear", [image, resized], attrs, name=f"ResizeBilinear_{suffix}", input_names=["images", "size"])
            add("ResizeNearestNeighbor", [image, resized], attrs, name=f"ResizeNearestNeighbor_{suffix}",
                input_names=["images", "size"])
            add("ResizeBilinearGrad", [g(2, *size, 3), image], attrs, name=f"ResizeBilinearGrad_{suffix}",
                input_names=["grads", "original_image"])
            add("ResizeNearestNeighborGrad", [g(2, *size, 3), np.array([5, 7], np.int32)], attrs,
                name=f"ResizeNearestNeighborGrad_{suffix}", input_names=["grads", "size"])
    add("ResizeBilinear", [image.astype(np.float64), np.array([1, 9], np.int32)], modes["half_pixel"],
        name="ResizeBilinear_float64_1x9", input_names=["images", "size"])
    add("ResizeBilinear", [(image * 10).astype(np.int32), np.array([6, 6], np.int32)], name="ResizeBilinear_int32",
        input_names=["images", "size"])
    add("ResizeNearestNeighbor", [(image * 10).astype(np.int32), np.array([9, 2], np.int32)], modes["align_corners"],
        name="ResizeNearestNeighbor_int32", input_names=["images", "size"])
    add("ResizeBilinearGrad", [g(2, 4, 9, 3), image.astype(np.float64)], modes["align_corners"],
        name="ResizeBilinearGrad_float64", input_names=["grads", "original_image"])
    # conv2d_transpose to height 0: the forward convolution of 0 rows padded by 2 and 3 gives back 1.
    add("Conv2DBackpropInput", [np.array([1, 0, 6, 2], np.int32), g(4, 4, 2, 3), g(1, 1, 2, 3)],
        {"strides": {"ints": [1, 2, 2, 1]}, "padding": {"s": "EXPLICIT"}, "explicit_paddings": {"ints": [0, 0, 2, 3, 0, 0, 0, 0]}},
        name="Conv2DBackpropInput_height_0", input_names=["input_sizes", "filter", "out_backprop"])
    tensor = g(2, 3, 4)
    paddings = np.array([[1, 1], [2, 0], [0, 3]], np.int32)
    for mode in ["REFLECT", "SYMMETRIC"]:
        add("MirrorPad", [tensor, paddings], {"mode": {"s": mode}}, name=f"MirrorPad_{mode}", input_names=["input", "paddings"])
        add("MirrorPadGrad", [g(4, 5, 7), paddings], {"mode": {"s": mode}}, name=f"MirrorPadGrad_{mode}",
            input_names=["input", "paddings"])
    add("MirrorPad", [np.arange(12, dtype=np.int32).reshape(3, 4), np.array([[2, 2], [1, 3]], np.int64)],
        {"mode": {"s": "SYMMETRIC"}}, name="MirrorPad_int32_int64_paddings",
        input_names=["input", "paddings"])
    features = g(2, 3, 4, 9)
    for name, attrs in [("LRN", {}), ("LRN_alexnet", {"depth_radius": {"i": 2}, "bias": {"f": 1.0}, "alpha": {"f": 2e-5},
                                                       "beta": {"f": 0.75}}),
                        ("LRN_wide", {"depth_radius": {"i": 3}, "bias": {"f": 2.0}, "alpha": {"f": 0.3}, "beta": {"f": 1.0}})]:
        add("LRN", [features], attrs, name=name, input_names=["input"])
        raw = {k: list(v.values())[0] for k, v in attrs.items()}
        output = tf.raw_ops.LRN(input=features, **raw).numpy()
        add("LRNGrad", [g(2, 3, 4, 9), features, output], attrs, name=name.replace("LRN", "LRNGrad"),
            input_names=["input_grads", "input_image", "output_image"])
    c = 4
    x, scale, offset, mean, variance = g(2, 5, 3, c), g(c), g(c), g(c), np.abs(g(c)) + 0.5
    statistics = ["x", "scale", "offset", "mean", "variance"]
    for version in ["", "V2"]:
        for training in [True, False]:
            mode = "training" if training else "inference"
            attrs = {"epsilon": {"f": 0.001}, "is_training": {"b": training}}
            # In inference TensorFlow leaves the reserve outputs uninitialized (NaN at times, which JSON cannot
            # hold); the tests check inference against FusedBatchNormV3 instead.
            if training:
                add("FusedBatchNorm" + version, [x, scale, offset, mean, variance], attrs,
                    name=f"FusedBatchNorm{version}_{mode}", input_names=statistics)
            forward = getattr(tf.raw_ops, "FusedBatchNorm" + version)(x=x, scale=scale, offset=offset, mean=mean,
                                                                      variance=variance, epsilon=0.001, is_training=training)
            # The gradient op reads the batch's statistics in training, the given ones in inference (as TensorFlow's).
            used = [forward[3].numpy(), forward[4].numpy()] if training else [mean, variance]
            add("FusedBatchNormGrad" + version, [g(2, 5, 3, c), x, scale] + used, attrs,
                name=f"FusedBatchNormGrad{version}_{mode}",
                input_names=["y_backprop", "x", "scale", "reserve_space_1", "reserve_space_2"])
    for x, y, adj_x, adj_y in [((2, 3, 4), (2, 4, 5), False, False), ((2, 1, 3, 4), (5, 6, 4), False, True),
                               ((4, 3), (2, 4, 5), True, False), ((3, 2, 5, 4), (3, 1, 6, 5), True, True)]:
        attrs = {"adj_x": {"b": adj_x}, "adj_y": {"b": adj_y}}
        add("BatchMatMulV2", [g(*x), g(*y)], attrs, name=f"BatchMatMulV2_{'x'.join(map(str, x))}_{'x'.join(map(str, y))}",
            input_names=["x", "y"])
    add("BatchMatMul", [g(3, 2, 4), g(3, 2, 5)], {"adj_x": {"b": True}}, input_names=["x", "y"])
    add("BatchMatMulV3", [g(2, 3, 4), g(4, 2)], {"Tout": {"type": "float32"}}, input_names=["x", "y"],
        types={"Tout": tf.float32})
    add("BatchMatMulV2", [g(2, 3, 4).astype(np.float64), g(1, 5, 4).astype(np.float64)], {"adj_y": {"b": True}},
        name="BatchMatMulV2_float64", input_names=["x", "y"])
    for equation, shapes in [("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]), ("ij,jk->ik", [(3, 4), (4, 2)]),
                             ("bhqd,bhkd->bhqk", [(2, 3, 4, 5), (2, 3, 6, 5)]), ("bqhd,bkhd->bhqk", [(2, 4, 3, 5), (2, 6, 3, 5)]),
                             ("ij,kj->ki", [(3, 4), (5, 4)]), ("abc,cd->dba", [(2, 3, 4), (4, 5)]), ("ijk->kji", [(2, 3, 4)])]:
        add("Einsum", [[g(*shape) for shape in shapes]], {"equation": {"s": equation}},
            name="Einsum_" + equation.replace(",", "_").replace("->", "_to_"), input_names=["inputs"])
    # Grouped convolution: the input has a multiple of the filter's in_channels. (TensorFlow's CPU kernels compute
    # only the forward op of a grouped convolution; its gradients are checked by finite differences.)
    for name, x, w, strides, padding in [("Conv2D_groups_3", (2, 6, 5, 6), (3, 3, 2, 9), 1, "SAME"),
                                         ("Conv2D_groups_2_valid_stride_2", (1, 7, 6, 8), (3, 2, 4, 6), 2, "VALID")]:
        add("Conv2D", [g(*x), g(*w)], {"strides": {"ints": [1, strides, strides, 1]}, "padding": {"s": padding}},
            name=name, input_names=["input", "filter"])
    add("L2Loss", [g(3, 4, 5)], input_names=["t"])
    add("L2Loss", [g(7).astype(np.float64)], name="L2Loss_float64", input_names=["t"])
    # Dilated convolutions' SpaceToBatchND -> Conv2D -> BatchToSpaceND, on 1 and 2 spatial axes.
    for name, shape, block, margins, dtype in [("4d", (2, 5, 7, 3), [2, 3], [[1, 0], [0, 2]], np.int32),
                                               ("3d", (2, 6, 4), [3], [[0, 0]], np.int64),
                                               ("int32_input", (1, 4, 4, 1), [2, 2], [[0, 0], [0, 0]], np.int32)]:
        x = g(*shape) if name != "int32_input" else np.arange(16, dtype=np.int32).reshape(shape)
        block, margins = np.array(block, dtype), np.array(margins, dtype)
        add("SpaceToBatchND", [x, block, margins], name=f"SpaceToBatchND_{name}",
            input_names=["input", "block_shape", "paddings"])
        batched = tf.raw_ops.SpaceToBatchND(input=x, block_shape=block, paddings=margins).numpy()
        add("BatchToSpaceND", [g(*batched.shape) if name != "int32_input" else batched, block, margins],
            name=f"BatchToSpaceND_{name}", input_names=["input", "block_shape", "crops"])
    add("BatchToSpaceND", [g(8, 2, 3, 2), np.array([2, 2], np.int32), np.array([[0, 1], [1, 1]], np.int32)],
        name="BatchToSpaceND_cropped", input_names=["input", "block_shape", "crops"])


def depthwise_cases(add):
    """DepthwiseConv2dNative and its two gradient ops, from a generator of their own so that the
    cases above keep their numbers. TensorFlow's CPU kernel has no dilation; the tests check
    TensorGraph's dilated depthwise convolution against its float64 path instead."""
    local = np.random.RandomState(20261129)
    g = lambda *shape: local.randn(*shape).astype(np.float32)
    window = lambda strides, padding, pads=None: {
        "strides": {"ints": [1, strides, strides, 1]}, "padding": {"s": padding}, "explicit_paddings": {"ints": pads or []},
    }
    for name, x, w, attrs in [
        ("multiplier1_same", g(2, 7, 9, 19), g(3, 3, 19, 1), window(1, "SAME")),
        ("multiplier2_valid_stride2", g(1, 9, 8, 5), g(3, 3, 5, 2), window(2, "VALID")),
        ("explicit", g(1, 6, 5, 3), g(2, 3, 3, 3), window(2, "EXPLICIT", pads=[0, 0, 1, 2, 0, 1, 0, 0])),
        ("stride2_same_wide", g(1, 11, 10, 40), g(5, 5, 40, 1), window(2, "SAME")),
    ]:
        add("DepthwiseConv2dNative", [x, w], attrs, name="DepthwiseConv2dNative_" + name, input_names=["input", "filter"])
        y = tf.raw_ops.DepthwiseConv2dNative(input=x, filter=w, **{k: list(v.values())[0] for k, v in attrs.items()}).numpy()
        dy = g(*y.shape)
        add("DepthwiseConv2dNativeBackpropInput", [np.array(x.shape, np.int32), w, dy], attrs,
            name="DepthwiseConv2dNativeBackpropInput_" + name, input_names=["input_sizes", "filter", "out_backprop"])
        add("DepthwiseConv2dNativeBackpropFilter", [x, np.array(w.shape, np.int32), dy], attrs,
            name="DepthwiseConv2dNativeBackpropFilter_" + name, input_names=["input", "filter_sizes", "out_backprop"])


def array_op_cases(add):
    """The array, math and logic ops of the model zoos (issue 13), from a generator of their own so
    that the cases above keep their numbers."""
    local = np.random.RandomState(20261131)
    g = lambda *shape: local.randn(*shape).astype(np.float32)
    i32 = lambda values: np.array(values, np.int32)
    i64 = lambda values: np.array(values, np.int64)
    add("Split", [i32(1), g(4, 6)], {"num_split": {"i": 3}}, input_names=["axis", "value"])
    add("Split", [i32(-2), g(6, 2, 3)], {"num_split": {"i": 2}}, name="Split_negative_axis", input_names=["axis", "value"])
    add("SplitV", [g(3, 7), i64([2, -1, 3]), i32(-1)], {"num_split": {"i": 3}}, input_names=["value", "size_splits", "axis"])
    add("SplitV", [i32([[1, 2], [3, 4], [5, 6]]), i32([1, 2]), i32(0)], {"num_split": {"i": 2}}, name="SplitV_int32",
        input_names=["value", "size_splits", "axis"])
    add("Pow", [np.abs(g(3, 4)) + 0.1, g(4) * 2], input_names=["x", "y"])
    add("Pow", [i32([2, 3, -2, 0, 7]), i32([3, 2, 3, 0, 1])], name="Pow_int32", input_names=["x", "y"])
    add("ClipByValue", [g(3, 4) * 3, np.float32(-1), np.float32(1.5)], input_names=["t", "clip_value_min", "clip_value_max"])
    add("ClipByValue", [g(2, 3), g(2, 3) - 1, g(2, 3) + 1], name="ClipByValue_tensor_bounds",
        input_names=["t", "clip_value_min", "clip_value_max"])
    add("ClipByValue", [i32([-5, 0, 5, 9]), np.int32(3), np.int32(1)], name="ClipByValue_crossed_bounds_int32",
        input_names=["t", "clip_value_min", "clip_value_max"])
    add("OneHot", [i64([[0, 2], [1, -1]]), i32(3), np.float32(5), np.float32(-1)], {"axis": {"i": 1}},
        input_names=["indices", "depth", "on_value", "off_value"])
    add("OneHot", [i32([3, 0, 1, 7]), i32(4), np.float32(1), np.float32(0)], name="OneHot_last_axis_out_of_range",
        input_names=["indices", "depth", "on_value", "off_value"])
    add("OneHot", [i32([2, 0]), i32(3), np.int32(1), np.int32(0)], {"axis": {"i": 0}}, name="OneHot_axis0_int32",
        input_names=["indices", "depth", "on_value", "off_value"])
    # As tensors: given numpy scalars, raw_ops.Range reuses the dtype of its first call.
    for name, dtype, bounds in [("Range", np.int32, (10, -3, -4)), ("Range_float32", np.float32, (0.1, 30, 0.7)),
                                ("Range_float64", np.float64, (1, 2, 0.3)), ("Range_int64", np.int64, (0, 10, 3))]:
        add("Range", [tf.constant(np.array(v, dtype)) for v in bounds], name=name, input_names=["start", "limit", "delta"])
    add("TopKV2", [g(3, 7), i32(3)], input_names=["input", "k"])
    add("TopKV2", [np.array([[1, 3, 3, 2, 3], [0, 0, 0, 0, 0]], np.float32), i32(4)], name="TopKV2_ties",
        input_names=["input", "k"])
    add("TopKV2", [i32([[4, 9, 1], [7, 7, 2]]), i32(2)], name="TopKV2_int32", input_names=["input", "k"])
    add("ArgMin", [g(4, 6), i32(1)], input_names=["input", "dimension"])
    add("ArgMin", [i32([[3, 1, 1], [0, 5, 0]]), i32(0)], {"output_type": {"type": "int32"}}, name="ArgMin_ties_int32",
        input_names=["input", "dimension"], types={"output_type": tf.int32})
    flags = g(3, 4) > 0
    for op in ["Any", "All"]:
        add(op, [flags, i32([1])], {"keep_dims": {"b": True}}, name=op + "_keepdims", input_names=["input", "axis"])
        add(op, [np.ones([2, 3], bool), i32([0, 1])], name=op + "_all_true", input_names=["input", "axis"])
        add(op, [flags, i32([0])], input_names=["input", "axis"])
    add("LogicalAnd", [flags, np.array([True, False, True, True])], input_names=["x", "y"])
    add("LogicalOr", [flags, np.array([[False], [True], [False]])], input_names=["x", "y"])
    add("LogicalNot", [flags], input_names=["x"])
    add("Select", [flags, g(3, 4), g(3, 4)], input_names=["condition", "x", "y"])
    add("Select", [np.array([True, False]), g(2, 3), g(2, 3)], name="Select_rows", input_names=["condition", "x", "y"])
    add("Select", [np.array(False), i32([1, 2]), i32([3, 4])], name="Select_scalar_int32", input_names=["condition", "x", "y"])
    add("Where", [np.array([[0, 1.5, 0], [2, 0, -1]], np.float32)], input_names=["condition"])
    add("Where", [g(2, 3, 2) > 0.3], name="Where_bool", input_names=["condition"])
    add("GatherNd", [g(3, 4, 2), i32([[0, 1], [2, 3], [1, 0]])], input_names=["params", "indices"])
    add("GatherNd", [g(3, 4), i64([[[2, 1]], [[0, 3]]])], name="GatherNd_elements_int64", input_names=["params", "indices"])
    add("GatherNd", [i32([[1, 2], [3, 4], [5, 6]]), i32([[2], [0]])], name="GatherNd_rows_int32",
        input_names=["params", "indices"])
    add("ScatterNd", [i32([[1], [3], [1]]), g(3, 2), i32([5, 2])], input_names=["indices", "updates", "shape"])
    add("ScatterNd", [i64([[0, 1], [2, 2]]), i32([7, 9]), i64([3, 3])], name="ScatterNd_elements_int32",
        input_names=["indices", "updates", "shape"])
    add("ReverseV2", [g(2, 3, 4), i32([0, -1])], input_names=["tensor", "axis"])
    add("ReverseV2", [i32([[1, 2, 3], [4, 5, 6]]), i32([])], name="ReverseV2_no_axes_int32", input_names=["tensor", "axis"])
    ignore = {"bad_indices_policy": {"s": "IGNORE"}}
    add("GatherNd", [g(3, 2), i32([[1, 0], [3, 0], [2, -1]])], ignore, name="GatherNd_ignore_bad_indices",
        input_names=["params", "indices"])
    add("ScatterNd", [i32([[1], [7], [-2], [1]]), g(4, 2), i32([3, 2])], ignore, name="ScatterNd_ignore_bad_indices",
        input_names=["indices", "updates", "shape"])


def seed004_network():
    """Seed 004's network in TF1 graph style, run at batch 16 and 500 from one graph."""
    out = os.path.join(HERE, "seed004")
    os.makedirs(out, exist_ok=True)
    rng = np.random.RandomState(4)  # its own stream, so adding op cases above leaves these files alone
    weights = {
        "layer1_weights": (rng.randn(5, 5, 1, 16) * 0.1).astype(np.float32),
        "layer1_biases": np.zeros(16, np.float32) + 0.05,
        "layer2_weights": (rng.randn(5, 5, 16, 16) * 0.1).astype(np.float32),
        "layer2_biases": (rng.randn(16) * 0.1).astype(np.float32),
        "layer3_weights": (rng.randn(28 * 28 * 16, 64) * 0.01).astype(np.float32),
        "layer3_biases": (rng.randn(64) * 0.1).astype(np.float32),
        "layer4_weights": (rng.randn(64, 10) * 0.1).astype(np.float32),
        "layer4_biases": (rng.randn(10) * 0.1).astype(np.float32),
    }
    graph = tf.Graph()
    with graph.as_default():
        data = tf.compat.v1.placeholder(tf.float32, [None, 28, 28, 1], name="data")
        v = {k: tf.constant(w, name=k) for k, w in weights.items()}
        batch_size = tf.shape(data)[0]
        output_shape = tf.stack([batch_size, 28, 28, 16])
        conv = tf.nn.conv2d(data, v["layer1_weights"], [1, 2, 2, 1], padding="SAME")
        hidden = tf.nn.relu(conv + v["layer1_biases"])
        conv = tf.nn.conv2d_transpose(hidden, v["layer2_weights"], output_shape, [1, 2, 2, 1], padding="SAME")
        hidden = tf.nn.relu(conv + v["layer2_biases"])
        reshape = tf.reshape(hidden, [-1, 28 * 28 * 16])
        hidden = tf.nn.relu(tf.matmul(reshape, v["layer3_weights"]) + v["layer3_biases"])
        logits = tf.matmul(hidden, v["layer4_weights"]) + v["layer4_biases"]
        with tf.compat.v1.Session(graph=graph) as session:
            for batch in [16, 500]:
                x = rng.rand(batch, 28, 28, 1).astype(np.float32)
                y = session.run(logits, {data: x})
                np.save(os.path.join(out, f"input_batch{batch}.npy"), x)
                np.save(os.path.join(out, f"logits_batch{batch}.npy"), y)
    for k, w in weights.items():
        np.save(os.path.join(out, f"{k}.npy"), w)


if __name__ == "__main__":
    write_json("conv2d_transpose.json", {"tensorflow": tf.__version__, "cases": transpose_conv_cases()})
    write_json("conv2d.json", {"tensorflow": tf.__version__, "cases": conv2d_cases()})
    write_json("output_shape_sweep.json", {"tensorflow": tf.__version__, "cases": output_shape_sweep()})
    write_json("ops.json", {"tensorflow": tf.__version__, "cases": op_cases()})
    seed004_network()
    print("fixtures written with TensorFlow", tf.__version__)
