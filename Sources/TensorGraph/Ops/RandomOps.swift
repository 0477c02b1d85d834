/// Random tensors: RandomStandardNormal, TruncatedNormal, RandomUniform. Each op draws from its
/// own counter-based stream keyed by (seed, seed2), so results are the same for the same graph
/// seed and op seed, and each run draws new numbers as TensorFlow's stateful random ops do. With
/// both seeds 0 the stream is keyed randomly per process and node, as TensorFlow leaves it unseeded.
/// The numbers are TensorGraph's own, not TensorFlow's Philox sequence.
enum RandomOps {
    static let definitions = [random("RandomStandardNormal", .normal), random("TruncatedNormal", .truncatedNormal),
                              random("RandomUniform", .uniform)]

    enum Distribution: Sendable { case normal, truncatedNormal, uniform }

    static func random(_ name: String, _ distribution: Distribution) -> OpDefinition {
        OpDefinition(
            name,
            inputs: [.input("shape", type: "T")],
            attributes: [.type("T", DType.integer), .type("dtype", DType.floatingPoint),
                         .attr("seed", default: .int(0)), .attr("seed2", default: .int(0))],
            folds: false,
            shape: { context in
                [TensorInfo(try context.attributes.type("dtype"), try context.shape(fromTensorInput: 0, role: "shape"))]
            },
            kernel: { context in
                guard let dims = context.inputs[0].integers, dims.allSatisfy({ $0 >= 0 }) else {
                    throw context.error("shape must hold non-negative sizes")
                }
                let count = try context.allocation(dims, try context.attributes.type("dtype"))
                let stream = RandomStream(
                    seed: try context.attributes.int("seed"), seed2: try context.attributes.int("seed2"),
                    node: context.node, start: context.state.reserveRandomCounter(for: context.node, count: count))
                let values = (0..<count).map { stream.sample(UInt64($0), distribution) }
                let tensor = Tensor(shape: dims, scalars: values)
                return [try context.attributes.type("dtype") == .float32 ? tensor.cast(to: .float32) : tensor]
            },
            gradient: .notDifferentiable)
    }
}

/// A counter-based generator: value `i` is a hash of (key, counter + i), so any slice of the
/// stream can be drawn independently.
struct RandomStream {
    let key: UInt64
    let start: UInt64

    /// Keys the stream by the seeds; unseeded ops (both seeds 0) get a key random for the process
    /// and distinct for each node.
    init(seed: Int, seed2: Int, node: String, start: UInt64) {
        if seed == 0 && seed2 == 0 {
            key = node.utf8.reduce(RandomStream.processKey) { RandomStream.mix($0 ^ UInt64($1)) }
        } else {
            key = RandomStream.mix(
                UInt64(bitPattern: Int64(seed)) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(bitPattern: Int64(seed2)))
        }
        self.start = start
    }

    /// The key unseeded ops start from: random for each process.
    static let processKey = UInt64.random(in: 1...UInt64.max)

    /// SplitMix64's finalizer.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in (0, 1) from draw `index`, attempt `attempt`.
    func uniform(_ index: UInt64, _ attempt: UInt64) -> Double {
        let bits = RandomStream.mix(key ^ RandomStream.mix((start &+ index) &* 64 &+ attempt))
        return (Double(bits >> 11) + 0.5) / 9_007_199_254_740_992
    }

    func sample(_ index: UInt64, _ distribution: RandomOps.Distribution) -> Double {
        switch distribution {
        case .uniform:
            return uniform(index, 0) - 0.5 / 9_007_199_254_740_992
        case .normal:
            return normal(index, 0)
        case .truncatedNormal:
            var attempt: UInt64 = 0
            while true {
                let value = normal(index, attempt)
                if abs(value) <= 2 || attempt >= 60 { return max(-2, min(2, value)) }
                attempt += 2
            }
        }
    }

    /// Box–Muller from two uniforms.
    private func normal(_ index: UInt64, _ attempt: UInt64) -> Double {
        let u = uniform(index, attempt), v = uniform(index, attempt + 1)
        return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * v)
    }
}

extension Graph {
    /// The (seed, seed2) attributes of a new random op, by TensorFlow's rule: with a graph seed
    /// and no op seed, the op seed is the number of nodes so far; with only an op seed, the graph
    /// seed is TensorFlow's default 87654321.
    func randomSeeds(_ opSeed: Int?) -> [String: AttrValue] {
        switch (seed, opSeed) {
        case let (graphSeed?, opSeed?): return ["seed": .int(graphSeed), "seed2": .int(opSeed)]
        case let (graphSeed?, nil): return ["seed": .int(graphSeed), "seed2": .int(nodeCount)]
        case let (nil, opSeed?): return ["seed": .int(87_654_321), "seed2": .int(opSeed)]
        case (nil, nil): return ["seed": .int(0), "seed2": .int(0)]
        }
    }

    /// Samples of N(mean, stddev²), `tf.random.normal` (TensorFlow op `RandomStandardNormal`).
    public func randomNormal(shape: [Int], mean: Double = 0, stddev: Double = 1, dtype: DType = .float32,
                             seed: Int? = nil, name: String? = nil) throws -> Output {
        try scaledRandom(
            "RandomStandardNormal", shape: shape, low: mean, scale: stddev, dtype: dtype, seed: seed,
            name: name ?? "random_normal")
    }

    /// Normal samples redrawn until within two standard deviations, `tf.random.truncated_normal`
    /// (TensorFlow op `TruncatedNormal`).
    public func truncatedNormal(shape: [Int], mean: Double = 0, stddev: Double = 1, dtype: DType = .float32,
                                seed: Int? = nil, name: String? = nil) throws -> Output {
        try scaledRandom(
            "TruncatedNormal", shape: shape, low: mean, scale: stddev, dtype: dtype, seed: seed,
            name: name ?? "truncated_normal")
    }

    /// Uniform samples in [minimum, maximum), `tf.random.uniform` (TensorFlow op `RandomUniform`).
    public func randomUniform(shape: [Int], minimum: Double = 0, maximum: Double = 1, dtype: DType = .float32,
                              seed: Int? = nil, name: String? = nil) throws -> Output {
        try scaledRandom(
            "RandomUniform", shape: shape, low: minimum, scale: maximum - minimum, dtype: dtype, seed: seed,
            name: name ?? "random_uniform")
    }

    /// `op(shape) · scale + low`, built under one name scope as TensorFlow's Python wrappers do.
    private func scaledRandom(_ op: String, shape: [Int], low: Double, scale: Double, dtype: DType, seed: Int?,
                              name: String) throws -> Output {
        try withNameScope(name) {
            let dims = try constant(Tensor(shape.map(Int32.init)), name: "shape")
            var attributes = randomSeeds(seed)
            attributes["dtype"] = .type(dtype)
            let raw = try addOutput(op, name: op, inputs: [dims], attributes: attributes)
            let scaled = try multiply(
                raw, try constant(Tensor(repeating: scale, shape: [], dtype: dtype), name: "scale"), name: "mul")
            return try add(
                scaled, try constant(Tensor(repeating: low, shape: [], dtype: dtype), name: "low"), name: currentScope)
        }
    }
}

import Foundation
