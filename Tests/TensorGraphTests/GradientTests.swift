import Foundation
import Testing
@testable import TensorGraph

/// Every gradient checked against central finite differences, in float64.
@Suite("gradients")
struct GradientTests {
    /// Deterministic values in [-1, 1).
    static func values(_ count: Int, seed: Int) -> [Double] {
        (0..<count).map { Double(($0 * 7919 + seed * 104_729) % 2003) / 1001.5 - 1 }
    }

    /// Builds `f` on float64 placeholders shaped `shapes`, reduces it to a scalar by a fixed
    /// weighting, and compares graph.gradients with finite differences for every input element.
    static func check(_ label: String, _ shapes: [[Int]], tolerance: Double = 1e-6, positive: Bool = false,
                      sourceLocation: SourceLocation = #_sourceLocation,
                      _ f: (Graph, [Output]) throws -> Output) throws {
        let graph = Graph()
        let inputs = try shapes.enumerated().map { try graph.placeholder(.float64, shape: Shape($1), name: "x\($0)") }
        let y = try f(graph, inputs)
        let yShape = try #require(try graph.inferredShape(of: y).concrete, "\(label): output shape must be known")
        let weights = try graph.constant(Tensor(shape: yShape, scalars: values(yShape.reduce(1, *), seed: 99)))
        let loss = try graph.sum(try graph.multiply(y, weights))
        let gradients = try graph.gradients(of: loss, withRespectTo: inputs)
        let session = Session(graph: graph)
        var feeds: [Output: Tensor] = [:]
        for (index, (input, shape)) in zip(inputs, shapes).enumerated() {
            let raw = values(shape.reduce(1, *), seed: index + 1)
            feeds[input] = Tensor(shape: shape, scalars: positive ? raw.map { abs($0) + 0.5 } : raw)
        }
        for (index, (input, gradient)) in zip(inputs, gradients).enumerated() {
            let symbolic = try session.run(
                try #require(gradient, "\(label): no gradient for input \(index)"), feeds: feeds
            ).doubles
            var base = feeds[input]!.doubles
            var numeric: [Double] = []
            let epsilon = 1e-6
            for i in base.indices {
                let original = base[i]
                base[i] = original + epsilon
                var plus = feeds; plus[input] = Tensor(shape: shapes[index], scalars: base)
                let up = try session.run(loss, feeds: plus).doubles[0]
                base[i] = original - epsilon
                var minus = feeds; minus[input] = Tensor(shape: shapes[index], scalars: base)
                let down = try session.run(loss, feeds: minus).doubles[0]
                base[i] = original
                numeric.append((up - down) / (2 * epsilon))
            }
            let scale = max(1, numeric.map(abs).max() ?? 1)
            let worst = zip(symbolic, numeric).map { abs($0 - $1) / scale }.max() ?? 0
            #expect(
                symbolic.count == numeric.count && worst < tolerance, "\(label) input \(index): worst error \(worst)",
                    sourceLocation: sourceLocation)
        }
    }

    @Test("elementwise arithmetic, with broadcasting")
    func arithmetic() throws {
        try Self.check("add", [[2, 3], [3]]) { g, x in try g.add(x[0], x[1]) }
        try Self.check("subtract", [[2, 1], [1, 3]]) { g, x in try g.subtract(x[0], x[1]) }
        try Self.check("multiply", [[2, 3], [2, 1]]) { g, x in try g.multiply(x[0], x[1]) }
        try Self.check("divide", [[2, 3], [3]], positive: true) { g, x in try g.divide(x[0], x[1]) }
        try Self.check("addN", [[2, 2], [2, 2], [2, 2]]) { g, x in try g.addOutput("AddN", inputs: x) }
        try Self.check("maximum", [[2, 3], [3]]) { g, x in try g.maximum(x[0], x[1]) }
        try Self.check("squaredDifference", [[2, 3], [3]]) { g, x in
            try g.addOutput("SquaredDifference", inputs: [x[0], x[1]])
        }
        try Self.check("floorMod", [[2, 3], [3]], positive: true) { g, x in
            try g.addOutput("FloorMod", inputs: [try g.multiply(x[0], try g.constant(Double(3.7))), x[1]])
        }
        try Self.check("minimum", [[2, 3], [2, 1]]) { g, x in try g.minimum(x[0], x[1]) }
        try Self.check("select", [[2, 3], [3]]) { g, x in
            let condition = try g.constant(Tensor(shape: [2, 1], scalars: [true, false]))
            return try g.addOutput("SelectV2", inputs: [condition, x[0], x[1]])
        }
    }

    @Test("one-operand math and activations")
    func unary() throws {
        try Self.check("negate", [[5]]) { g, x in try g.negate(x[0]) }
        try Self.check("square", [[5]]) { g, x in try g.square(x[0]) }
        try Self.check("sqrt", [[5]], positive: true) { g, x in try g.sqrt(x[0]) }
        try Self.check("exp", [[5]]) { g, x in try g.exp(x[0]) }
        try Self.check("log", [[5]], positive: true) { g, x in try g.log(x[0]) }
        try Self.check("sigmoid", [[5]]) { g, x in try g.sigmoid(x[0]) }
        try Self.check("tanh", [[5]]) { g, x in try g.tanh(x[0]) }
        try Self.check("relu", [[6]]) { g, x in try g.relu(x[0]) }
        try Self.check("relu6", [[6]]) { g, x in try g.relu6(try g.multiply(x[0], try g.constant(Double(8)))) }
        try Self.check("leakyRelu", [[6]]) { g, x in try g.leakyRelu(x[0], alpha: 0.3) }
        try Self.check("softmax", [[2, 4]]) { g, x in try g.softmax(x[0]) }
        try Self.check("abs", [[6]]) { g, x in try g.addOutput("Abs", inputs: [x[0]]) }
        try Self.check("rsqrt", [[5]], positive: true) { g, x in try g.addOutput("Rsqrt", inputs: [x[0]]) }
    }

    @Test("reciprocal, softplus, elu, selu, erf, erfc, depth-to-space and space-to-depth")
    func moreUnary() throws {
        try Self.check("reciprocal", [[5]], positive: true) { g, x in try g.addOutput("Reciprocal", inputs: [x[0]]) }
        for op in ["Softplus", "Elu", "Selu", "Erf", "Erfc"] {
            try Self.check(op, [[7]]) { g, x in try g.addOutput(op, inputs: [x[0]]) }
        }
        try Self.check("DepthToSpace", [[1, 2, 3, 8]]) { g, x in
            try g.addOutput("DepthToSpace", inputs: [x[0]], attributes: ["block_size": .int(2)])
        }
        try Self.check("SpaceToDepth", [[1, 4, 6, 2]]) { g, x in
            try g.addOutput("SpaceToDepth", inputs: [x[0]], attributes: ["block_size": .int(2)])
        }
    }

    @Test("matMul with every transpose, and biasAdd")
    func matMul() throws {
        try Self.check("matMul", [[3, 4], [4, 2]]) { g, x in try g.matMul(x[0], x[1]) }
        try Self.check("matMul transposeA", [[4, 3], [4, 2]]) { g, x in try g.matMul(x[0], x[1], transposeA: true) }
        try Self.check("matMul transposeB", [[3, 4], [2, 4]]) { g, x in try g.matMul(x[0], x[1], transposeB: true) }
        try Self.check("matMul both", [[4, 3], [2, 4]]) { g, x in
            try g.matMul(x[0], x[1], transposeA: true, transposeB: true)
        }
        try Self.check("biasAdd", [[2, 3, 4], [4]]) { g, x in try g.biasAdd(x[0], x[1]) }
        try Self.check("biasAdd NCHW", [[2, 4, 3, 3], [4]]) { g, x in try g.biasAdd(x[0], x[1], dataFormat: .nchw) }
    }

    @Test("conv2d and conv2d_transpose, strided, padded and dilated")
    func convolutions() throws {
        try Self.check("conv2d same s2", [[2, 5, 5, 2], [3, 3, 2, 3]]) { g, x in
            try g.conv2d(x[0], filter: x[1], strides: [2, 2], padding: .same)
        }
        try Self.check("conv2d valid dilated", [[1, 6, 5, 2], [2, 2, 2, 2]]) { g, x in
            try g.conv2d(x[0], filter: x[1], strides: [1, 1], padding: .valid, dilations: [2, 2])
        }
        try Self.check("conv2d explicit", [[1, 4, 4, 1], [3, 3, 1, 2]]) { g, x in
            try g.conv2d(x[0], filter: x[1], strides: [2, 1], padding: .explicit, explicitPaddings: [1, 0, 2, 1])
        }
        try Self.check("conv2d NCHW", [[1, 2, 4, 4], [3, 3, 2, 2]]) { g, x in
            try g.conv2d(x[0], filter: x[1], strides: [1, 1, 2, 2], padding: .same, dataFormat: .nchw)
        }
        try Self.check("conv2dTranspose same s2", [[2, 3, 3, 3], [3, 3, 2, 3]]) { g, x in
            try g.conv2dTranspose(x[0], filter: x[1], outputShape: [2, 5, 6, 2], strides: [2, 2], padding: .same)
        }
        try Self.check("conv2dTranspose valid", [[1, 2, 3, 2], [2, 3, 1, 2]]) { g, x in
            try g.conv2dTranspose(x[0], filter: x[1], outputShape: [1, 4, 7, 1], strides: [2, 2], padding: .valid)
        }
    }

    @Test("depthwise convolution: multipliers, strides, dilation, explicit padding, NCHW")
    func depthwiseConvolution() throws {
        try Self.check("depthwise same s2", [[2, 5, 5, 3], [3, 3, 3, 1]]) { g, x in
            try g.depthwiseConv2d(x[0], filter: x[1], strides: [2], padding: .same)
        }
        try Self.check("depthwise multiplier 2, dilated", [[1, 6, 5, 2], [2, 2, 2, 2]]) { g, x in
            try g.depthwiseConv2d(x[0], filter: x[1], strides: [1], padding: .valid, dilations: [2])
        }
        try Self.check("depthwise explicit", [[1, 4, 4, 2], [3, 2, 2, 3]]) { g, x in
            try g.depthwiseConv2d(
                x[0], filter: x[1], strides: [2, 1], padding: .explicit, explicitPaddings: [1, 0, 2, 1])
        }
        try Self.check("depthwise NCHW", [[1, 2, 4, 4], [3, 3, 2, 1]]) { g, x in
            try g.depthwiseConv2d(x[0], filter: x[1], strides: [1, 1, 2, 2], padding: .same, dataFormat: .nchw)
        }
    }

    @Test("pooling")
    func pooling() throws {
        try Self.check("maxPool same", [[2, 5, 4, 2]]) { g, x in
            try g.maxPool(x[0], size: [3, 2], strides: [2, 2], padding: .same)
        }
        try Self.check("maxPool valid", [[1, 4, 4, 1]]) { g, x in
            try g.maxPool(x[0], size: [2, 2], strides: [1, 1], padding: .valid)
        }
        try Self.check("avgPool same", [[2, 5, 4, 2]]) { g, x in
            try g.avgPool(x[0], size: [3, 2], strides: [2, 2], padding: .same)
        }
        try Self.check("avgPool NCHW", [[1, 2, 4, 4]]) { g, x in
            try g.avgPool(x[0], size: [2, 2], strides: [2, 2], padding: .valid, dataFormat: .nchw)
        }
    }

    @Test("reductions, reshapes and losses")
    func shapesAndLosses() throws {
        try Self.check("sum", [[2, 3, 4]]) { g, x in try g.sum(x[0], axes: [0, 2]) }
        try Self.check("sum keepDims", [[2, 3]]) { g, x in try g.sum(x[0], axes: [1], keepDims: true) }
        try Self.check("mean", [[2, 3, 4]]) { g, x in try g.mean(x[0], axes: [1]) }
        try Self.check("prod", [[2, 3, 4]]) { g, x in
            try g.addOutput("Prod", inputs: [x[0], try g.constant(Tensor([Int32(0), 2]))])
        }
        try Self.check("cumsum", [[3, 4]]) { g, x in
            try g.addOutput(
                "Cumsum", inputs: [x[0], try g.constant(Int32(1))],
                attributes: ["exclusive": .bool(true), "reverse": .bool(true)])
        }
        try Self.check("cumprod", [[3, 4]], positive: true) { g, x in
            try g.addOutput("Cumprod", inputs: [x[0], try g.constant(Int32(0))])
        }
        try Self.check("max", [[2, 3, 4]]) { g, x in try g.max(x[0], axes: [0, 2]) }
        try Self.check("min keepDims", [[3, 4]]) { g, x in
            try g.addOutput("Min", inputs: [x[0], try g.constant(Int32(1))], attributes: ["keep_dims": .bool(true)])
        }
        try Self.check("unstack", [[3, 2]]) { g, x in try g.stack(try g.unstack(x[0]).reversed(), axis: 1) }
        try Self.check("fill", [[]]) { g, x in try g.fill(dims: try g.constant(Tensor([Int32(2), 3])), value: x[0]) }
        try Self.check("gather", [[4, 3]]) { g, x in
            try g.addOutput(
                "GatherV2",
                inputs: [
                    x[0], try g.constant(Tensor(shape: [2, 2], scalars: [Int32(3), 0, 3, 1])), try g.constant(Int32(0))
                ])
        }
        try Self.check("dynamic stitch", [[2, 3], [2, 3]]) { g, x in
            try g.addOutput(
                "DynamicStitch",
                inputs: [try g.constant(Tensor([Int32(0), 2])), try g.constant(Tensor([Int32(1), 3])), x[0], x[1]])
        }
        try Self.check("tile", [[2, 3]]) { g, x in
            try g.addOutput("Tile", inputs: [x[0], try g.constant(Tensor([Int32(2), 3]))])
        }
        try Self.check("reshape", [[2, 6]]) { g, x in try g.reshape(x[0], to: [3, 4]) }
        try Self.check("transpose", [[2, 3, 4]]) { g, x in try g.transpose(x[0], permutation: [2, 0, 1]) }
        try Self.check("expandDims and squeeze", [[2, 3]]) { g, x in
            try g.squeeze(try g.expandDims(x[0], axis: 1), axes: [1])
        }
        try Self.check("stack", [[2, 3], [2, 3]]) { g, x in try g.stack(x, axis: 1) }
        try Self.check("concat", [[2, 3], [2, 1], [2, 2]]) { g, x in try g.concat(x, axis: -1) }
        try Self.check("pad", [[2, 3]]) { g, x in try g.pad(x[0], paddings: [(1, 0), (2, 1)]) }
        try Self.check("slice", [[3, 4]]) { g, x in try g.slice(x[0], begin: [1, 1], size: [2, -1]) }
        try Self.check("stridedSlice", [[4, 5, 3]]) { g, x in
            try g.stridedSlice(x[0], [.range(nil, nil, stride: 2), .index(1), .range(2, 0, stride: -1)])
        }
        try Self.check("softmax cross entropy", [[3, 4]]) { g, x in
            let labels = try g.constant(
                Tensor(shape: [3, 4], scalars: [0.1, 0.2, 0.3, 0.4, 1, 0, 0, 0, 0.5, 0, 0.5, 0] as [Double]))
            return try g.addNode("SoftmaxCrossEntropyWithLogits", inputs: [x[0], labels])[0]
        }
        try Self.check("softmax cross entropy, both inputs", [[3, 4], [3, 4]]) { g, x in
            // TensorFlow's (and our) features gradient assumes each row of labels sums to 1.
            try g.softmaxCrossEntropy(logits: x[0], labels: try g.softmax(x[1]))
        }
        try Self.check("log1p", [[5]], positive: true) { g, x in try g.addOutput("Log1p", inputs: [x[0]]) }
        try Self.check("sigmoid cross entropy", [[3, 4]]) { g, x in
            try g.sigmoidCrossEntropy(logits: try g.multiply(x[0], try g.constant(Double(5))),
                labels: try g.constant(
                    Tensor(shape: [3, 4], scalars: GradientTests.values(12, seed: 5).map { abs($0) })))
        }
        try Self.check("sparse softmax cross entropy", [[3, 4]]) { g, x in
            try g.addNode(
                "SparseSoftmaxCrossEntropyWithLogits", inputs: [x[0], try g.constant(Tensor([Int64(3), 0, 1]))])[0]
        }
    }

    @Test("prod's gradient is the product of the others, also where an element is zero")
    func productWithZero() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float64, shape: [4], name: "x")
        let gradient = try #require(
            try graph.gradients(
                of: try graph.addOutput("Prod", inputs: [x, try graph.constant(Int32(0))]), withRespectTo: [x])[0])
        #expect(try Session(graph: graph).run(gradient, feeds: [x: Tensor([2.0, 0, 3, 5])]).doubles == [0, 30, 0, 0])
    }

    @Test("second order: gradients of gradient ops")
    func secondOrder() throws {
        func firstGradient(_ g: Graph, _ x: Output, _ f: (Output) throws -> Output) throws -> Output {
            let y = try f(x)
            let shape = try #require(try g.inferredShape(of: y).concrete)
            let weights = try g.constant(Tensor(shape: shape, scalars: Self.values(shape.reduce(1, *), seed: 7)))
            return try #require(try g.gradients(of: try g.sum(try g.multiply(y, weights)), withRespectTo: [x])[0])
        }
        try Self.check("sigmoid''", [[5]]) { g, x in try firstGradient(g, x[0]) { try g.sigmoid($0) } }
        try Self.check("tanh''", [[5]]) { g, x in try firstGradient(g, x[0]) { try g.tanh($0) } }
        try Self.check("rsqrt''", [[5]], positive: true) { g, x in
            try firstGradient(g, x[0]) { try g.addOutput("Rsqrt", inputs: [$0]) }
        }
        try Self.check("relu''", [[6]]) { g, x in try firstGradient(g, x[0]) { try g.multiply(try g.relu($0), $0) } }
        try Self.check("leakyRelu''", [[6]]) { g, x in
            try firstGradient(g, x[0]) { try g.multiply(try g.leakyRelu($0, alpha: 0.3), $0) }
        }
        try Self.check("biasAddGrad'", [[2, 3, 4]]) { g, x in
            try g.addOutput("BiasAddGrad", inputs: [try g.square(x[0])])
        }
        try Self.check("conv2dBackpropFilter'", [[1, 4, 4, 2]]) { g, x in
            let w = try g.constant(Tensor(shape: [3, 3, 2, 2], scalars: Self.values(36, seed: 3)))
            let y = try g.conv2d(x[0], filter: w, strides: [2, 2], padding: .same)
            let c = try g.constant(Tensor(shape: [1, 2, 2, 2], scalars: Self.values(8, seed: 4)))
            let filterGradient = try #require(
                try g.gradients(of: try g.sum(try g.multiply(try g.square(y), c)), withRespectTo: [w])[0])
            return filterGradient
        }
        // Both depthwise gradient ops, in both their inputs, through the gradients of a squared output.
        try Self.check("depthwise backprops'", [[1, 5, 4, 2], [3, 3, 2, 2]]) { g, x in
            let y = try g.depthwiseConv2d(x[0], filter: x[1], strides: [2], padding: .same)
            let c = try g.constant(Tensor(shape: [1, 3, 2, 4], scalars: Self.values(24, seed: 4)))
            let gradients = try g.gradients(
                of: try g.sum(try g.multiply(try g.square(y), c)), withRespectTo: [x[0], x[1]])
            return try g.add(try g.sum(try #require(gradients[0])), try g.sum(try #require(gradients[1])))
        }
        try Self.check("avgPoolGrad'", [[1, 2, 2, 1]]) { g, x in
            try g.addOutput("AvgPoolGrad", inputs: [try g.constant(Tensor([Int32(1), 4, 4, 1])), x[0]],
                attributes: ["ksize": .ints([1, 2, 2, 1]), "strides": .ints([1, 2, 2, 1]), "padding": .string("VALID")])
        }
        try Self.check("stridedSliceGrad'", [[2, 2]]) { g, x in
            try g.addOutput(
                "StridedSliceGrad",
                inputs: [
                    try g.constant(Tensor([Int32(4), 5])), try g.constant(Tensor([Int32(0), 1])),
                    try g.constant(Tensor([Int32(4), 5])), try g.constant(Tensor([Int32(2), 2])), x[0]
                ])
        }
    }

    @Test("sigmoid cross entropy equals z·−log σ(x) + (1−z)·−log(1−σ(x)), stably for large logits")
    func sigmoidCrossEntropyValues() throws {
        let graph = Graph()
        let logits: [Double] = [-30, -2, -0.5, 0, 0.5, 2, 30], labels: [Double] = [0, 1, 0.3, 0.5, 1, 0, 1]
        let loss = try graph.sigmoidCrossEntropy(
            logits: try graph.constant(Tensor(logits)), labels: try graph.constant(Tensor(labels)))
        let values = try Session(graph: graph).run(loss).doubles
        for (index, (x, z)) in zip(logits, labels).enumerated() {
            let expected = max(x, 0) - x * z + Foundation.log(1 + Foundation.exp(-abs(x)))
            #expect(abs(values[index] - expected) < 1e-12, "\(x), \(z)")
        }
    }

    @Test("an op without a gradient says so when a gradient must pass it")
    func missingGradient() throws {
        let graph = Graph()
        let grad = try graph.placeholder(.float32, shape: [1, 2, 2, 1], name: "grad")
        let image = try graph.constant(Tensor(shape: [1, 4, 4, 1], scalars: (0..<16).map(Float.init)))
        let pooled = try graph.maxPool(image, size: [2, 2], strides: [2, 2], padding: .valid)
        let y = try graph.addOutput("MaxPoolGrad", name: "top", inputs: [image, pooled, grad],
            attributes: ["ksize": .ints([1, 2, 2, 1]), "strides": .ints([1, 2, 2, 1]), "padding": .string("VALID")])
        #expect(errorText { try graph.gradients(of: y, withRespectTo: [grad]) }
                == "MaxPoolGrad 'top': no gradient is defined for MaxPoolGrad, and a gradient must flow through it "
                    + "here; stop the gradient before this op, or leave its inputs out of the variables being trained"
        )
        let x = try graph.placeholder(.float32, shape: [3], name: "x")
        let z = try graph.add(try graph.cast(try graph.argMax(x, axis: 0), to: .float32), try graph.sum(x))
        let gradient = try #require(try graph.gradients(of: z, withRespectTo: [x])[0])
        #expect(
            try Session(graph: graph).run(gradient, feeds: [x: Tensor([Float(1), 5, 2])]).scalars(as: Float.self)
                == [1, 1, 1])
    }

    @Test("gradient descent fits a line")
    func gradientDescent() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [nil, 1], name: "x"),
            y = try graph.placeholder(.float32, shape: [nil, 1], name: "y")
        let w = try graph.variable(Tensor(shape: [1, 1], scalars: [Float(0)]), name: "w")
        let b = try graph.variable(Tensor([Float(0)]), name: "b")
        let step = try graph.variable(Tensor(Int64(0)), name: "global_step", trainable: false)
        let prediction = try graph.add(try graph.matMul(x, w.value), b.value)
        let loss = try graph.mean(try graph.square(try graph.subtract(prediction, y)))
        let train = try GradientDescentOptimizer(learningRate: 0.1).minimize(loss, in: graph, globalStep: step)
        #expect(train.name == "GradientDescent")
        let session = Session(graph: graph)
        try session.run(targets: [try graph.globalVariablesInitializer()])
        let xs = Tensor(shape: [4, 1], scalars: [0, 1, 2, 3] as [Float]),
            ys = Tensor(shape: [4, 1], scalars: [1, 3, 5, 7] as [Float])
        for _ in 0..<500 { try session.run(feeds: [x: xs, y: ys], targets: [train]) }
        let fitted = try session.run(fetches: [w.value, b.value, step.value])
        #expect(abs(fitted[0].doubles[0] - 2) < 1e-3 && abs(fitted[1].doubles[0] - 1) < 1e-3, "\(fitted)")
        #expect(fitted[2] == Tensor(Int64(500)))
    }
}

@Suite("gradient coverage")
struct GradientCoverageTests {
    /// The ops without a gradient. TensorFlow defines none for the stateful ones (variables,
    /// assignments, optimizer updates) or for NoOp; MaxPoolGrad and the FusedBatchNormGrad ops (second
    /// derivatives of pooling and batch norm) are the gaps left, and asking for them is a clear error.
    /// TensorFlow has no gradient for ResizeNearestNeighborGrad or LRNGrad either.
    /// The fused ops exist only in optimized plans, which are never differentiated (as in TensorFlow).
    /// A lowered Case's `_SwitchN` has none (TF2 differentiates the functional form), nor have
    /// TF2's tensor lists (TensorFlow-built gradient graphs of them run).
    @Test("every op but these has a gradient or is not differentiable")
    func coverage() {
        let missing = OpRegistry.definitions.values.filter {
            if case .none = $0.gradient { return true }
            return false
        }.map(\.name).sorted()
        #expect(missing == [
                "ApplyAdam", "ApplyGradientDescent", "ApplyMomentum", "ApplyRMSProp", "Assign", "AssignAdd",
                "AssignAddVariableOp",
            "AssignSub", "AssignSubVariableOp", "AssignVariableOp", "FusedBatchNormGrad",
            "FusedBatchNormGradV2", "FusedBatchNormGradV3", "LRNGrad", "MaxPoolGrad", "NoOp",
            "ResizeNearestNeighborGrad", "ResourceApplyAdam", "ResourceApplyGradientDescent", "ResourceApplyMomentum",
            "ResourceApplyRMSProp", "TensorListFromTensor", "TensorListGetItem", "TensorListSetItem",
            "TensorListStack", "VarHandleOp", "VarIsInitializedOp", "VariableV2", "_FusedBatchNormEx",
            "_FusedConv2D", "_FusedDepthwiseConv2dNative", "_FusedElementwise", "_FusedMatMul", "_MklSwish", "_SwitchN",
        ])
    }
}
