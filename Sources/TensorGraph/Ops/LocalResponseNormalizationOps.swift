import Foundation

/// LRN (`tf.nn.local_response_normalization`, AlexNet's and GoogLeNet's normalization across
/// channels) and its gradient op LRNGrad.
enum LocalResponseNormalizationOps {
    static let definitions = [lrn, lrnGrad]

    static let attributes: [AttributeSpec] = [
        .type("T", DType.floatingPoint, default: .float32), .attr("depth_radius", default: .int(5)),
        .attr("bias", default: .float(1)), .attr("alpha", default: .float(1)), .attr("beta", default: .float(0.5)),
    ]

    /// LRN's attributes, read once: each channel i of a pixel is divided by
    /// (bias + alpha · Σ x_j²)^beta over the channels j within `radius` of i.
    struct Window {
        let radius: Int
        let bias: Double, alpha: Double, beta: Double

        init(_ attributes: Attributes, fail: (String) -> GraphError) throws {
            radius = try attributes.int("depth_radius")
            guard (0...(1 << 30)).contains(radius) else {
                throw fail("depth_radius is \(radius); it must be 0 or more")
            }
            (bias, alpha, beta) = (Double(try attributes.float("bias")), Double(try attributes.float("alpha")),
                                   Double(try attributes.float("beta")))
        }

        /// norm^−beta, with the common betas (0.5, 0.75, 1) as square roots and divisions.
        func power(_ norm: Double) -> Double {
            switch beta {
            case 0.5: return 1 / norm.squareRoot()
            case 0.75:
                let root = 1 / norm.squareRoot()
                return root * root.squareRoot()
            case 1: return 1 / norm
            default: return Foundation.pow(norm, -beta)
            }
        }

        /// The channels within the radius of channel `i` of `channels`.
        func neighbours(of i: Int, channels: Int) -> Range<Int> { max(0, i - radius)..<min(channels, i + radius + 1) }

        /// bias + alpha · Σ x_j² over channel i's neighbours, from the running sums of squares.
        @inline(__always)
        func norm(of i: Int, channels: Int, squareSums prefix: UnsafeMutableBufferPointer<Double>) -> Double {
            let window = neighbours(of: i, channels: channels)
            return bias + alpha * (prefix[window.upperBound] - prefix[window.lowerBound])
        }

        /// LRN of `x`, `channels` to a pixel, in the input's dtype with Double sums, pixels in parallel.
        func normalize<T: FloatingScalar>(_ x: [T], channels: Int) -> [T] {
            let pixels = channels == 0 ? 0 : x.count / channels
            return [T](unsafeUninitializedCapacity: x.count) { y, initialized in
                x.withUnsafeBufferPointer { x in
                    let shared = UncheckedSendable(y)
                    Parallel.forEachChunk(pixels, work: x.count * 16) { chunk in
                        let prefix = UnsafeMutableBufferPointer<Double>.allocate(capacity: channels + 1)
                        defer { prefix.deallocate() }
                        prefix[0] = 0
                        for pixel in chunk {
                            let start = pixel * channels
                            for k in 0..<channels {
                                let value = Double(x[start + k])
                                prefix[k + 1] = prefix[k] + value * value
                            }
                            for k in 0..<channels {
                                let scale = power(norm(of: k, channels: channels, squareSums: prefix))
                                shared.value[start + k] = T(Double(x[start + k]) * scale)
                            }
                        }
                    }
                }
                initialized = x.count
            }
        }
    }

    /// The inputs' one shape, which must have rank 4 (NHWC, normalized across the last axis).
    static func imageShape(_ context: InferenceContext, roles: [String]) throws -> [TensorInfo] {
        var merged = Shape(unknownDimensions: 4)
        for (index, role) in roles.enumerated() {
            _ = try context.dimensions(of: index, rank: 4, role: role)
            guard let shape = merged.merged(with: context.inputs[index].shape) else {
                throw context.error("input_grads, input_image and output_image must have one shape",
                                    fix: "pass LRN's input, its output and the gradient of that output")
            }
            merged = shape
        }
        _ = try Window(context.attributes, fail: { context.invalid($0) })
        return [TensorInfo(context.inputs[0].dtype, merged)]
    }

    /// `tf.nn.local_response_normalization` over the last axis of an NHWC input.
    static let lrn = OpDefinition(
        "LRN",
        inputs: [.input("input", type: "T")],
        attributes: attributes,
        shape: { try imageShape($0, roles: ["input"]) },
        output: { context in
            let window = try Window(context.attributes, fail: { context.error($0) })
            let x = context.inputs[0]
            guard x.rank == 4 else { throw context.error("input must have rank 4") }
            switch x.storage {
            case .float32(let values):
                return Tensor(shape: x.shape, scalars: window.normalize(values, channels: x.shape[3]))
            case .float64(let values):
                return Tensor(shape: x.shape, scalars: window.normalize(values, channels: x.shape[3]))
            default: throw context.error("input must be float32 or float64")
            }
        },
        gradient: .function { c in
            let attributes = c.node.attributes.filter { ["depth_radius", "bias", "alpha", "beta"].contains($0.key) }
            return [try c.graph.addOutput("LRNGrad", name: "LRNGrad",
                                          inputs: [try c.gradient(), c.input(0), c.output(0)], attributes: attributes)]
        })

    static let gradientRoles = ["input_grads", "input_image", "output_image"]

    /// LRN's gradient: with y_i = x_i · N_i^−β, ∂y_i/∂x_j = [i = j]·N_i^−β − 2αβ·x_j·y_i / N_i for
    /// the channels j in i's window. TensorFlow defines no gradient for it.
    static let lrnGrad = OpDefinition(
        "LRNGrad",
        inputs: [.input("input_grads", type: "T"), .input("input_image", type: "T"), .input("output_image", type: "T")],
        attributes: attributes,
        shape: { try imageShape($0, roles: gradientRoles) },
        output: { context in
            _ = try imageShape(InferenceContext(kernel: context), roles: gradientRoles)
            let window = try Window(context.attributes, fail: { context.error($0) })
            let g = context.inputs[0].doubles, x = context.inputs[1].doubles, y = context.inputs[2].doubles
            let channels = context.inputs[1].shape[3]
            var dx = [Double](repeating: 0, count: x.count)
            let prefix = UnsafeMutableBufferPointer<Double>.allocate(capacity: channels + 1)
            defer { prefix.deallocate() }
            prefix[0] = 0
            for start in stride(from: 0, to: x.count, by: max(channels, 1)) {
                for k in 0..<channels { prefix[k + 1] = prefix[k] + x[start + k] * x[start + k] }
                for i in 0..<channels {
                    let norm = window.norm(of: i, channels: channels, squareSums: prefix)
                    let gi = g[start + i], own = window.power(norm)
                    let shared = -2 * window.alpha * window.beta * y[start + i] / norm
                    for j in window.neighbours(of: i, channels: channels) {
                        dx[start + j] += gi * (shared * x[start + j] + (i == j ? own : 0))
                    }
                }
            }
            return Tensor(shape: context.inputs[0].shape, scalars: dx).cast(to: context.inputs[0].dtype)
        })
}

extension Graph {
    /// Local response normalization across channels, `tf.nn.local_response_normalization`
    /// (TensorFlow op `LRN`): each channel divided by (bias + alpha · Σ x²)^beta over the channels
    /// within `depthRadius` of it, for NHWC input.
    public func localResponseNormalization(_ x: Output, depthRadius: Int = 5, bias: Float = 1, alpha: Float = 1,
                                           beta: Float = 0.5, name: String? = nil) throws -> Output {
        try addOutput("LRN", name: name, inputs: [x], attributes: [
            "depth_radius": .int(depthRadius), "bias": .float(bias), "alpha": .float(alpha), "beta": .float(beta),
        ])
    }
}
