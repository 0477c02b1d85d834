import Testing
@testable import TensorGraph

@Suite("building graphs")
struct GraphBuildingTests {
    @Test("names are unique by TensorFlow's rule, and scoped")
    func naming() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [1, 4, 4, 1])
        let w = try graph.constant(Tensor(zeros: [1, 1, 1, 1], dtype: .float32))
        let a = try graph.conv2d(x, filter: w, strides: [1], padding: .same)
        let b = try graph.conv2d(x, filter: w, strides: [1], padding: .same)
        let c = try graph.conv2d(x, filter: w, strides: [1], padding: .same, name: "conv2d")
        #expect([a.node, b.node, c.node] == ["Conv2D", "Conv2D_1", "conv2d_2"])
        let scoped = try graph.withNameScope("decoder") {
            try graph.withNameScope("block") { try graph.relu(x, name: "act") }
        }
        #expect(scoped.node == "decoder/block/act")
        let again = try graph.withNameScope("decoder") { try graph.relu(x) }
        #expect(again.node == "decoder_1/Relu")
        #expect(x.node == "Placeholder")
        #expect(Output("decoder/block/act:0") == scoped)
        #expect(Output("y:1") == Output(node: "y", index: 1))
    }

    @Test("control dependencies are recorded on nodes built inside the block")
    func controlDependencies() throws {
        let graph = Graph()
        let v = try graph.variable(Tensor(Float(1)), name: "v")
        let bump = try graph.assignAdd(v, try graph.constant(Float(1)))
        // As with TensorFlow 1.x's ref variables, identity(v) reads v when it runs: after the bump.
        let read = try graph.withControlDependencies([bump.operation]) {
            try graph.identity(Output(node: v.name), name: "after")
        }
        #expect(graph.node(named: read.node)?.controlInputs == [bump.node])
        let session = Session(graph: graph)
        try session.run(targets: [try graph.globalVariablesInitializer()])
        #expect(try session.run(read).scalars(as: Float.self) == [2])
        #expect(try session.run(read).scalars(as: Float.self) == [3])
    }

    @Test("shape-valued subgraphs fold: stack([shape(x)[0], 28, 28, 16]) is [?, 28, 28, 16]")
    func shapeFolding() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [nil, 14, 14, 16], name: "x")
        let batch = try graph.stridedSlice(try graph.shape(x), [.index(0)])
        let sizes = try [28, 28, 16].map { try graph.constant(Int32($0)) }
        let outputShape = try graph.stack([batch] + sizes)
        #expect(try graph.info(of: outputShape).shapeValue == [nil, 28, 28, 16])
        let w = try graph.constant(Tensor(zeros: [5, 5, 16, 16], dtype: .float32))
        let y = try graph.conv2dTranspose(x, filter: w, outputShape: outputShape, strides: [2, 2], padding: .same)
        #expect(try graph.inferredShape(of: y) == [nil, 28, 28, 16])
        // Fully known shapes fold to values.
        let known = try graph.placeholder(.float32, shape: [2, 3], name: "known")
        #expect(try graph.info(of: try graph.shape(known)).value == Tensor([Int32(2), 3]))
        #expect(try graph.info(of: try graph.reshape(known, to: [-1])).shape == [6])
    }

    @Test("every op the core issue lists is registered under its TensorFlow name")
    func registry() {
        let required = ["Conv2D", "Conv2DBackpropInput", "BiasAdd", "MatMul", "Add", "AddV2", "Sub", "Mul", "RealDiv",
            "Maximum", "Minimum", "Neg", "Square", "Sqrt", "Exp", "Log", "Relu", "Relu6", "LeakyRelu", "Sigmoid",
                        "Tanh", "Softmax", "Reshape", "Shape", "Pack", "Unpack", "StridedSlice", "Slice", "Transpose",
            "ExpandDims", "Squeeze", "ConcatV2", "Pad", "Fill", "ZerosLike", "OnesLike", "Cast", "Sum", "Mean",
                        "Max", "ArgMax", "Equal", "MaxPool", "AvgPool", "FusedBatchNormV3", "RandomStandardNormal",
                        "TruncatedNormal", "RandomUniform", "Identity", "NoOp", "Const", "Placeholder",
                        "PlaceholderWithDefault", "VariableV2", "Assign", "AssignAdd", "AssignSub"]
        #expect(required.filter { !Graph.supportedOps.contains($0) } == [])
    }

    @Test("scalars, zero-size dimensions and every dtype flow through")
    func dtypesAndEmptyTensors() throws {
        let graph = Graph()
        let empty = try graph.placeholder(.float32, shape: [0, 3], name: "empty")
        let w = try graph.constant(Tensor(repeating: 1, shape: [3, 2], dtype: .float32))
        let product = try graph.matMul(empty, w)
        #expect(try graph.inferredShape(of: product) == [0, 2])
        let session = Session(graph: graph)
        #expect(try session.run(product, feeds: [empty: Tensor(zeros: [0, 3], dtype: .float32)]).shape == [0, 2])
        let images = try graph.placeholder(.float32, shape: [nil, 4, 4, 1], name: "images")
        let conv = try graph.conv2d(images, filter: try graph.constant(Tensor(zeros: [3, 3, 1, 2], dtype: .float32)),
                                    strides: [1], padding: .same)
        #expect(
            try session.run(conv, feeds: [images: Tensor(zeros: [0, 4, 4, 1], dtype: .float32)]).shape == [0, 4, 4, 2])
        for dtype in DType.allCases where dtype.isPlainData {
            let value = try graph.constant(Tensor(repeating: 1, shape: [], dtype: dtype))
            let cast = try graph.cast(try graph.identity(value), to: .float64)
            #expect(try session.run(cast).scalars(as: Double.self) == [1])
        }
        let sum = try graph.add(try graph.constant(Int64(40)), try graph.constant(Int64(2)))
        #expect(try session.run(sum) == Tensor(Int64(42)))
    }

    @Test("placeholderWithDefault gives its default unless fed")
    func placeholderWithDefault() throws {
        let graph = Graph()
        let p = try graph.placeholder(
            defaultingTo: try graph.constant([1, 2] as [Float], shape: [2]), shape: [nil], name: "p")
        let doubled = try graph.add(p, p)
        let session = Session(graph: graph)
        #expect(try session.run(doubled).scalars(as: Float.self) == [2, 4])
        #expect(try session.run(doubled, feeds: [p: Tensor([Float(5), 6, 7])]).scalars(as: Float.self) == [10, 12, 14])
    }
}
