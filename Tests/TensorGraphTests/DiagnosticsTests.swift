import Testing
@testable import TensorGraph

/// Every diagnostic the core promises, asserted by its full text.
@Suite("diagnostics")
struct DiagnosticsTests {
    func deconvGraph() throws -> (Graph, Output, Output) {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [1, 3, 3, 4], name: "x")
        let w = try graph.constant(Tensor(zeros: [3, 3, 2, 4], dtype: .float32), name: "w")
        return (graph, x, w)
    }

    /// The error building conv2d_transpose of `x` by `filter` named `name` gives, or nil.
    func deconvError(_ graph: Graph, _ x: Output, _ filter: Output, outputShape: [Int], strides: [Int] = [2, 2],
                     padding: Padding = .same, name: String) -> String? {
        errorText {
            try graph.conv2dTranspose(x, filter: filter, outputShape: outputShape, strides: strides, padding: padding,
                                      name: name)
        }
    }

    @Test("conv2d_transpose: a bad width, too, names its valid sizes")
    func badWidth() throws {
        let (graph, x, w) = try deconvGraph()
        #expect(
            deconvError(graph, x, w, outputShape: [1, 6, 4, 2], name: "up")
                == "conv2d_transpose 'up': output width 4 cannot come from input width 3 with kernel 3, stride 2, "
                    + "padding SAME; valid widths are 5 and 6 (e.g. output_shape [1, 6, 5, 2])"
        )
        #expect(
            deconvError(graph, x, w, outputShape: [1, 9, 9, 2], padding: .valid, name: "v")
                == "conv2d_transpose 'v': output height 9 cannot come from input height 3 with kernel 3, stride 2, "
                    + "padding VALID; valid heights are 7 and 8 (e.g. output_shape [1, 8, 8, 2])"
        )
        #expect(
            deconvError(graph, x, w, outputShape: [1, 4, 4, 2], strides: [1, 1], name: "s")
                == "conv2d_transpose 's': output height 4 cannot come from input height 3 with kernel 3, stride 1, "
                    + "padding SAME; the only valid height is 3 (e.g. output_shape [1, 3, 3, 2])"
        )
    }

    @Test("conv2d_transpose: channel and batch mismatches say which dimension of which tensor")
    func deconvChannels() throws {
        let (graph, x, _) = try deconvGraph()
        let swapped = try graph.constant(Tensor(zeros: [3, 3, 4, 2], dtype: .float32), name: "swapped")
        #expect(
            deconvError(graph, x, swapped, outputShape: [1, 6, 6, 4], name: "up")
                == "conv2d_transpose 'up': input has 4 channels, but the filter [3, 3, 4, 2] expects 2 (its last "
                    + "dimension, in_channels); conv2d_transpose filters are [height, width, output_channels, "
                    + "input_channels]: use [3, 3, 4, 4]"
        )
        let w = try graph.constant(Tensor(zeros: [3, 3, 2, 4], dtype: .float32), name: "w")
        #expect(
            deconvError(graph, x, w, outputShape: [1, 6, 6, 3], name: "up2")
                == "conv2d_transpose 'up2': output_shape asks for 3 channels, but the filter [3, 3, 2, 4] makes 2 "
                    + "(its third dimension, output_channels); set output_shape's channels to 2, or give the filter "
                    + "shape [kh, kw, 3, in_channels]"
        )
        #expect(
            deconvError(graph, x, w, outputShape: [2, 6, 6, 2], name: "up3")
                == "conv2d_transpose 'up3': output_shape asks for batch 2, but the input has batch 1; build "
                    + "output_shape's batch from the input, e.g. stack([shape(input)[0], ...])"
        )
    }

    @Test("conv2d_transpose: dims unknown while building are checked when running, with the same message")
    func runTimeCheck() throws {
        let (graph, x, w) = try deconvGraph()
        let requested = try graph.placeholder(.int32, shape: [4], name: "output_shape")
        let y = try graph.withNameScope("decoder") {
            try graph.conv2dTranspose(
                x, filter: w, outputShape: requested, strides: [2, 2], padding: .same, name: "deconv")
        }
        #expect(try graph.inferredShape(of: y) == [1, nil, nil, 2])
        let session = Session(graph: graph)
        let input = Tensor(zeros: [1, 3, 3, 4], dtype: .float32)
        #expect(errorText { try session.run(y, feeds: [x: input, requested: Tensor([Int32(1), 7, 7, 2])]) }
                == "conv2d_transpose 'decoder/deconv': output height 7 cannot come from input height 3 with kernel "
                    + "3, stride 2, padding SAME; valid heights are 5 and 6 (e.g. output_shape [1, 6, 6, 2])"
        )
        #expect(try session.run(y, feeds: [x: input, requested: Tensor([Int32(1), 5, 6, 2])]).shape == [1, 5, 6, 2])
    }

    @Test("a placeholder not fed names itself, its dtype and its shape")
    func unfedPlaceholder() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [nil, 28, 28, 1], name: "x")
        let y = try graph.relu(x)
        #expect(errorText { try Session(graph: graph).run(y) }
                == "Placeholder 'x': this run needs the placeholder's value, a float32 tensor of shape [?, 28, 28, "
                    + "1], but it was not fed; feed it: feeds: [\"x\": tensor]"
        )
    }

    @Test("a feed of the wrong shape or dtype says what was expected")
    func badFeeds() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [nil, 28, 28, 1], name: "x")
        let y = try graph.relu(x)
        let session = Session(graph: graph)
        #expect(errorText { try session.run(y, feeds: [x: Tensor(zeros: [3, 4], dtype: .float32)]) }
                == "Placeholder 'x': the feed for 'x:0' has shape [3, 4], but placeholder 'x' expects [?, 28, 28, "
                    + "1]; feed a tensor of shape [?, 28, 28, 1] (? may be any size)"
        )
        #expect(errorText { try session.run(y, feeds: [x: Tensor(zeros: [1, 28, 28, 1], dtype: .float64)]) }
                == "Placeholder 'x': the feed for 'x:0' is float64, but placeholder 'x' is float32; feed a float32 "
                    + "tensor, e.g. with tensor.cast(to: .float32)"
        )
    }

    @Test("an uninitialized variable says how to initialize it")
    func uninitializedVariable() throws {
        let graph = Graph()
        let w = try graph.variable(Tensor(zeros: [2], dtype: .float32), name: "w")
        #expect(errorText { try Session(graph: graph).run(w.value) }
                == "VariableV2 'w': the variable is read before it was initialized; run its initializer first, e.g. "
                    + "session.run(targets: [graph.globalVariablesInitializer()])"
        )
    }

    @Test("an unknown tensor name suggests close names")
    func unknownName() throws {
        let graph = Graph()
        _ = try graph.constant(Float(1), name: "logits")
        #expect(errorText { try Session(graph: graph).run("logit:0") }
                == "cannot fetch 'logit:0': no node named 'logit' in the graph; did you mean 'logits'?")
        #expect(errorText { try Session(graph: graph).run("logits:3") }
                == "Const 'logits': cannot fetch 'logits:3': the node has 1 output(s)")
    }

    @Test("a cycle names the nodes on it")
    func cycle() throws {
        let graph = Graph()
        let info = TensorInfo(.float32, [2])
        for (name, input) in [("a", "c"), ("b", "a"), ("c", "b")] {
            graph.append(Node(name: name, op: "Relu", inputs: [Output(node: input)], controlInputs: [],
                              attributes: ["T": .type(.float32)], device: "", outputs: [info]))
        }
        #expect(errorText { try Session(graph: graph).run("c") }
                == "the graph has a cycle: 'a' -> 'b' -> 'c' -> 'a'; a node cannot depend on its own output; break "
                    + "the cycle"
        )
    }

    @Test("channel and rank mismatches in other ops")
    func mismatches() throws {
        let graph = Graph()
        let images = try graph.placeholder(.float32, shape: [nil, 28, 28, 3], name: "images")
        let filter = try graph.constant(Tensor(zeros: [5, 5, 1, 16], dtype: .float32), name: "filter")
        #expect(errorText { try graph.conv2d(images, filter: filter, strides: [2, 2], padding: .same, name: "conv1") }
                == "Conv2D 'conv1': input has 3 channels, but the filter [5, 5, 1, 16] expects 1 (its third "
                    + "dimension, in_channels); give the filter shape [kh, kw, 3, out_channels]"
        )
        let flat = try graph.placeholder(.float32, shape: [nil, 784], name: "flat")
        #expect(errorText { try graph.conv2d(flat, filter: filter, strides: [1], padding: .same, name: "conv2") }
                == "Conv2D 'conv2': input must have rank 4, but has shape [?, 784] (rank 2)")
        let weights = try graph.constant(Tensor(zeros: [100, 10], dtype: .float32), name: "weights")
        #expect(errorText { try graph.matMul(flat, weights, name: "logits") }
                == "MatMul 'logits': inner dimensions differ: a [?, 784] has 784 columns, but b [100, 10] has 100 "
                    + "rows; reshape a to [batch, 100] or give b 784 rows"
        )
        let bias = try graph.constant(Tensor(zeros: [5], dtype: .float32), name: "bias")
        #expect(errorText { try graph.biasAdd(images, bias, name: "add_bias") }
                == "BiasAdd 'add_bias': bias has 5 elements, but value [?, 28, 28, 3] has 3 channels (axis 3); give "
                    + "the bias 3 elements"
        )
        #expect(errorText { try graph.add(flat, bias, name: "sum") }
                == "AddV2 'sum': shapes [?, 784] and [5] cannot broadcast: dimension 1 of the result would have to "
                    + "be both 784 and 5; reshape one operand so each dimension matches or is 1"
        )
        #expect(errorText { try graph.reshape(flat, to: [5, -1], name: "r") } == nil)
        let fixed = try graph.placeholder(.float32, shape: [3, 4], name: "fixed")
        #expect(errorText { try graph.reshape(fixed, to: [5, -1], name: "r2") }
                == "Reshape 'r2': cannot reshape [3, 4] (12 elements) into [5, -1]: 12 is not a multiple of 5; make "
                    + "the known sizes multiply to a divisor of 12"
        )
        #expect(errorText { try graph.addNode("Conv2d", name: "up") }
                == "Conv2d 'up': unknown op 'Conv2d'; did you mean 'Conv2D'?")
    }
}
