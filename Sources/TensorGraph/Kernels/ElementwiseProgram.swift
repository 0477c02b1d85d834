import TensorGraphKernels

/// A chain of float32 elementwise steps over one tensor, run in one sweep: the tensor goes block
/// by block, each block small enough to stay in the first-level cache while every step runs over
/// it, so the chain reads and writes the tensor once instead of once per step. Each step is the
/// same vector kernel call an unfused op makes, so the results are the unfused ones.
struct ElementwiseProgram {
    /// How a two-operand step's operand lies against the tensor.
    enum Spread {
        /// One value for every element.
        case scalar
        /// A value per element, in the tensor's own shape.
        case elements
        /// A value per channel (the last axis).
        case channels

        /// How an operand of shape `operand` spreads over a tensor of `shape` when broadcast into
        /// it, or nil when the broadcast would enlarge the tensor or spread the operand some other way.
        init?(_ operand: [Int], over shape: [Int]) {
            let ones = operand.dropLast().allSatisfy { $0 == 1 }
            if operand == shape {
                self = .elements
            } else if operand.count > shape.count {
                return nil
            } else if ones && operand.last ?? 1 == 1 {
                self = .scalar
            } else if ones && operand.last == shape.last {
                self = .channels
            } else {
                return nil
            }
        }
    }

    /// One step, applied to the result of the step before (the tensor, for the first).
    enum Step {
        case unary(UnaryFunction)
        /// `function(value, operand)`, or `function(operand, value)` when `operandFirst`.
        case binary(BinaryFunction, operand: [Float], spread: Spread, operandFirst: Bool)
    }

    let steps: [Step]
    /// The length of the tensor's last axis, along which channel operands run.
    let channels: Int

    /// About 16 KiB of floats: what one block holds, at most, so that it stays in cache.
    static let elementsPerBlock = 4096

    /// Elements per block: about 16 KiB of floats, and whole channel rows, so that a channel
    /// operand repeated to a block's length lines up with every block.
    var blockLength: Int { channels * max(1, Self.elementsPerBlock / max(channels, 1)) }

    /// Runs the steps over `count` elements of `x`, writing the result to `out`, which may be `x`.
    func run(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int) {
        guard count > 0 else { return }
        let length = blockLength
        let operands = steps.map { step -> [Float] in
            guard case .binary(_, let values, let spread, _) = step else { return [] }
            return spread == .channels ? (0..<length).map { values[$0 % channels] } : values
        }
        withBaseAddresses(operands[...]) { pointers in
            let shared = UncheckedSendable((x, out, pointers))
            let kernels = InstructionSet.active.kernels
            let blocks = (count + length - 1) / length
            Parallel.forEachChunk(blocks, work: count * steps.count) { range in
                let (x, out, pointers) = shared.value
                for block in range {
                    let start = block * length, size = min(length, count - start)
                    var source = x + start
                    for (step, operand) in zip(steps, pointers) {
                        run(step, source, operand, offset: start, into: out + start, size, kernels)
                        source = UnsafePointer(out + start)
                    }
                }
            }
        }
    }

    /// One step over `count` elements from `source`; a per-element operand is read from `offset`.
    private func run(_ step: Step, _ source: UnsafePointer<Float>, _ operand: UnsafePointer<Float>?, offset: Int,
                     into out: UnsafeMutablePointer<Float>, _ count: Int, _ kernels: tg_kernels) {
        switch step {
        case .unary(let function):
            if let (op, alpha) = function.vectorOperator {
                kernels.unary!(op, source, out, count, alpha)
            } else {
                for i in 0..<count { out[i] = function(source[i]) }
            }
        case .binary(let function, _, let spread, let operandFirst):
            let values = spread == .elements ? operand! + offset : operand!
            let step = spread == .scalar ? 0 : 1
            if let op = function.vectorOperator {
                if operandFirst {
                    kernels.binary!(op, values, step, source, 1, out, count)
                } else {
                    kernels.binary!(op, source, 1, values, step, out, count)
                }
            } else {
                for i in 0..<count {
                    let operand = values[i * step]
                    out[i] = operandFirst ? function(operand, source[i]) : function(source[i], operand)
                }
            }
        }
    }

    /// Calls `body` with the address of each array's elements (nil for an empty one), all valid at once.
    private func withBaseAddresses(_ arrays: ArraySlice<[Float]>, _ addresses: [UnsafePointer<Float>?] = [],
                                   _ body: ([UnsafePointer<Float>?]) -> Void) {
        guard let first = arrays.first else { return body(addresses) }
        first.withUnsafeBufferPointer { withBaseAddresses(arrays.dropFirst(), addresses + [$0.baseAddress], body) }
    }
}
