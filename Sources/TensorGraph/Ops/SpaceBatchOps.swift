/// SpaceToBatchND and BatchToSpaceND: how TensorFlow writes a dilated (atrous) convolution into a
/// graph (`tf.nn.convolution` with dilations, Keras' `Conv2D(dilation_rate=)`, DeepLab's atrous
/// convolutions): the spatial grid split into `block_shape` interleaved sub-grids stacked along the
/// batch, an ordinary convolution over them, and the sub-grids put back in place.
enum SpaceBatchOps {
    static let definitions = [spaceToBatch, batchToSpace]

    /// `tf.space_to_batch_nd` (TensorFlow op `SpaceToBatchND`): [N, s₁…s_M, rest] zero-padded by
    /// `paddings`, then each block position (i₁…i_M) of the padded grid gathered into a batch of its
    /// own: [N·∏b, (s₁ + pads₁)/b₁ … , rest], batch index (i₁…i_M)·N + n.
    static let spaceToBatch = OpDefinition(
        "SpaceToBatchND", label: "space_to_batch_nd",
        inputs: [.input("input", type: "T"), .input("block_shape", type: "Tblock_shape"),
                 .input("paddings", type: "Tpaddings")],
        attributes: [.type("T"), .type("Tblock_shape", DType.integer, default: .int32),
                     .type("Tpaddings", DType.integer, default: .int32)],
        shape: { context in [try blockShape(context, toBatch: true)] },
        kernel: { context in
            let x = context.inputs[0]
            let geometry = try BlockGeometry(InferenceContext(kernel: context), input: x.shape, toBatch: true)
            let m = geometry.block.count, rest = x.shape[(m + 1)...].reduce(1, *)
            var pads = [0, 0] + geometry.margins
            pads += Array(repeating: 0, count: 2 * (x.rank - m - 1))
            let paddedShape = x.shape.enumerated().map { $1 + pads[2 * $0] + pads[2 * $0 + 1] }
            _ = try context.allocation(paddedShape, x.dtype)
            let padded = Layout.padded(x, pads: pads, into: paddedShape)
            // [N, g₁, b₁, …, g_M, b_M, rest] → [b₁ … b_M, N, g₁ … g_M, rest]
            var split = [x.shape[0]]
            for axis in 0..<m { split += [paddedShape[axis + 1] / geometry.block[axis], geometry.block[axis]] }
            let order = (0..<m).map { 2 * $0 + 2 } + [0] + (0..<m).map { 2 * $0 + 1 } + [2 * m + 1]
            let gathered = Layout.transpose(padded.reshaped(to: split + [rest]), order)
            return [gathered.reshaped(to: geometry.output)]
        },
        gradient: .function { c in
            [try c.graph.addOutput("BatchToSpaceND", name: "BatchToSpaceND",
                                   inputs: [try c.gradient(), c.input(1), c.input(2)]), nil, nil]
        })

    /// `tf.batch_to_space_nd` (TensorFlow op `BatchToSpaceND`), SpaceToBatchND's inverse: batch
    /// [∏b·N, s₁…s_M, rest] interleaved back into [N, s₁·b₁ … , rest], then cropped by `crops`.
    static let batchToSpace = OpDefinition(
        "BatchToSpaceND", label: "batch_to_space_nd",
        inputs: [.input("input", type: "T"), .input("block_shape", type: "Tblock_shape"),
                 .input("crops", type: "Tcrops")],
        attributes: [.type("T"), .type("Tblock_shape", DType.integer, default: .int32),
                     .type("Tcrops", DType.integer, default: .int32)],
        shape: { context in [try blockShape(context, toBatch: false)] },
        kernel: { context in
            let x = context.inputs[0]
            let geometry = try BlockGeometry(InferenceContext(kernel: context), input: x.shape, toBatch: false)
            let m = geometry.block.count, rest = x.shape[(m + 1)...].reduce(1, *)
            let batch = geometry.output[0]
            // [b₁ … b_M, N, s₁ … s_M, rest] → [N, s₁, b₁, …, s_M, b_M, rest]
            let split = geometry.block + [batch] + Array(x.shape[1...m]) + [rest]
            let order = [m] + (0..<m).flatMap { [m + 1 + $0, $0] } + [2 * m + 1]
            let interleaved = Layout.transpose(x.reshaped(to: split), order)
            let full = [batch] + (0..<m).map { x.shape[$0 + 1] * geometry.block[$0] } + [rest]
            let strides = Layout.strides(full)
            let start = (0..<m).reduce(0) { $0 + geometry.margins[2 * $1] * strides[$1 + 1] }
            let cropped = Array(geometry.output[...m]) + [rest]
            let positions = Layout.positions(resultShape: cropped, start: start, steps: strides)
            return [Tensor(shape: geometry.output, storage: interleaved.storage.selecting(positions))]
        },
        gradient: .function { c in
            [try c.graph.addOutput("SpaceToBatchND", name: "SpaceToBatchND",
                                   inputs: [try c.gradient(), c.input(1), c.input(2)]), nil, nil]
        })

    /// The output's partial shape: exact when block_shape and the paddings or crops are known
    /// before running, else the input's rank with the batch and spatial sizes unknown.
    static func blockShape(_ context: InferenceContext, toBatch: Bool) throws -> TensorInfo {
        let input = context.inputs[0]
        guard let dims = input.shape.dimensions else { return TensorInfo(input.dtype, .unknown) }
        guard context.integers(ofInput: 1) != nil, context.integers(ofInput: 2) != nil,
              dims.allSatisfy({ $0 != nil }) else {
            let m = context.integers(ofInput: 1)?.count ?? context.inputs[1].shape[0] ?? dims.count - 1
            let unknown = min(m + 1, dims.count)
            return TensorInfo(input.dtype, Shape([Int?](repeating: nil, count: unknown) + Array(dims[unknown...])))
        }
        let geometry = try BlockGeometry(context, input: dims.map { $0! }, toBatch: toBatch)
        return TensorInfo(input.dtype, Shape(geometry.output))
    }
}

/// The block sizes, paddings (or crops) and output shape of SpaceToBatchND or BatchToSpaceND,
/// checked the same way when building and when running.
struct BlockGeometry {
    /// block_shape: one block size per spatial axis.
    let block: [Int]
    /// paddings (SpaceToBatchND) or crops (BatchToSpaceND): before and after, per spatial axis.
    let margins: [Int]
    let output: [Int]

    init(_ context: InferenceContext, input: [Int], toBatch: Bool) throws {
        let role = toBatch ? "paddings" : "crops"
        guard let block = context.integers(ofInput: 1), let margins = context.integers(ofInput: 2) else {
            throw context.invalid("block_shape and \(role) must be integer tensors")
        }
        let m = block.count
        guard m >= 1, input.count >= m + 1 else {
            throw context.error("block_shape \(block) needs an input of rank \(m + 1) or more ([batch, \(m) spatial "
                                + "axes, ...]), but the input has shape \(Shape(input))")
        }
        guard margins.count == 2 * m else {
            throw context.error("\(role) must be [\(m), 2] for block_shape \(block), "
                                + "but holds \(margins.count) numbers")
        }
        guard block.allSatisfy({ $0 >= 1 && $0 <= 1 << 20 }), margins.allSatisfy({ $0 >= 0 && $0 <= 1 << 40 }) else {
            throw context.invalid("block_shape \(block) must be at least 1 and \(role) \(margins) not negative")
        }
        let blocks = block.reduce(1, *)
        var output = input
        for axis in 0..<m {
            let size = input[axis + 1], (before, after) = (margins[2 * axis], margins[2 * axis + 1])
            if toBatch {
                guard (size + before + after) % block[axis] == 0 else {
                    throw context.error("spatial axis \(axis + 1) of size \(size), padded by \(before) and \(after), "
                                        + "is not a multiple of its block size \(block[axis])",
                                        fix: "pad it to a multiple of \(block[axis])")
                }
                output[axis + 1] = (size + before + after) / block[axis]
            } else {
                guard size * block[axis] >= before + after else {
                    throw context.error("spatial axis \(axis + 1) of size \(size) times block \(block[axis]) cannot "
                                        + "lose \(before) + \(after) to crops")
                }
                output[axis + 1] = size * block[axis] - before - after
            }
        }
        if toBatch {
            output[0] = input[0] * blocks
        } else {
            guard input[0] % blocks == 0 else {
                throw context.error("batch \(input[0]) is not a multiple of the \(blocks) blocks of "
                                    + "block_shape \(block)")
            }
            output[0] = input[0] / blocks
        }
        (self.block, self.margins, self.output) = (block, margins, output)
    }
}

extension Graph {
    /// Zero-pads the spatial axes of `input` by `paddings` (before, after) and moves each position
    /// of a `blockShape` block into a batch of its own, `tf.space_to_batch_nd` (TensorFlow op
    /// `SpaceToBatchND`).
    public func spaceToBatch(_ input: Output, blockShape: [Int], paddings: [(Int, Int)],
                             name: String? = nil) throws -> Output {
        try addOutput("SpaceToBatchND", name: name,
                      inputs: [input, try constant(Tensor(blockShape.map(Int32.init))),
                               try constant(Tensor(shape: [paddings.count, 2],
                                                   scalars: paddings.flatMap { [Int32($0.0), Int32($0.1)] }))])
    }

    /// The inverse of ``spaceToBatch(_:blockShape:paddings:name:)``: interleaves the batches back
    /// into `blockShape` blocks and crops the spatial axes by `crops`, `tf.batch_to_space_nd`
    /// (TensorFlow op `BatchToSpaceND`).
    public func batchToSpace(_ input: Output, blockShape: [Int], crops: [(Int, Int)],
                             name: String? = nil) throws -> Output {
        try addOutput("BatchToSpaceND", name: name,
                      inputs: [input, try constant(Tensor(blockShape.map(Int32.init))),
                               try constant(Tensor(shape: [crops.count, 2],
                                                   scalars: crops.flatMap { [Int32($0.0), Int32($0.1)] }))])
    }
}
