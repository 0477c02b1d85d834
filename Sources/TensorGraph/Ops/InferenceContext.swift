import Foundation

/// What a shape function sees: the node, its attributes and what is known of each input.
struct InferenceContext {
    let node: String
    /// The op as messages name it.
    let op: String
    let attributes: Attributes
    let inputs: [TensorInfo]

    /// The partial shapes of the inputs, for messages.
    var inputShapes: [Shape] { inputs.map(\.shape) }

    /// A diagnostic about this node's shapes.
    func error(_ message: String, fix: String? = nil) -> GraphError {
        GraphError(.invalidShape, node: node, op: op, inputShapes: inputShapes, message: message, fix: fix)
    }

    /// A diagnostic about this node's arguments.
    func invalid(_ message: String, fix: String? = nil) -> GraphError {
        GraphError(.invalidArgument, node: node, op: op, inputShapes: inputShapes, message: message, fix: fix)
    }

    /// The dimensions of input `index`, checking its rank when known; `nil` when the rank is unknown.
    func dimensions(of index: Int, rank: Int, role: String) throws -> [Int?]? {
        let shape = inputs[index].shape
        guard let dims = shape.dimensions else { return nil }
        guard dims.count == rank else {
            throw error("\(role) must have rank \(rank), but has shape \(shape) (rank \(dims.count))")
        }
        return dims
    }

    /// Reads input `index`, an int vector, as a shape, as TensorFlow's `MakeShapeFromShapeTensor`:
    /// known elements are known dimensions, -1 or unknown elements are unknown dimensions.
    func shape(fromTensorInput index: Int, role: String) throws -> Shape {
        let info = inputs[index]
        guard info.dtype.isInteger else {
            throw invalid("\(role) must be int32 or int64, not \(info.dtype)")
        }
        if let rank = info.shape.rank, rank != 1 {
            throw error("\(role) must be a vector, but has shape \(info.shape)")
        }
        if let known = info.shapeValue { return known }
        if let length = info.shape[0] { return Shape(unknownDimensions: length) }
        return .unknown
    }

    /// The number of outputs the attribute `name` declares, checked to be in
    /// `minimum...Limits.maximumOutputCount`.
    func outputCount(attribute name: String, minimum: Int = 1) throws -> Int {
        let count = try attributes.int(name)
        guard count >= minimum, count <= Limits.maximumOutputCount else {
            throw invalid("\(name) is \(count); it must be in \(minimum)...\(Limits.maximumOutputCount)")
        }
        return count
    }

    /// Checks that input `index` can be a scalar: an error naming it as `role` when its rank is
    /// known and not 0.
    func requireScalar(_ index: Int, role: String, fix: String? = nil) throws {
        if let rank = inputs[index].shape.rank, rank != 0 {
            throw error("\(role) must be a scalar, but has shape \(inputs[index].shape)", fix: fix)
        }
    }

    /// The integer elements of input `index` when known before running.
    func integers(ofInput index: Int) -> [Int]? { inputs[index].value?.integers }
}

extension InferenceContext {
    /// The same node seen with only the inputs `range`: a fused op checks its product as the
    /// product's own op would.
    func restricted(toInputs range: Range<Int>) -> InferenceContext {
        InferenceContext(node: node, op: op, attributes: attributes, inputs: Array(inputs[range]))
    }

    /// The inference view of a running kernel, so run-time checks reuse build-time rules and messages.
    init(kernel context: KernelContext) {
        self.init(node: context.node, op: context.op, attributes: context.attributes,
                  inputs: context.inputs.map { TensorInfo(constant: $0) })
    }
}

/// What stays the same for a node from run to run: built once per plan step, so that a run passes
/// one reference instead of copying names and attributes for every kernel call. (Immutable after
/// `init`; `ownedInputs` lives in memory the site owns, hence `@unchecked Sendable`.)
final class KernelSite: @unchecked Sendable {
    let node: String
    /// The op as messages name it.
    let op: String
    let attributes: Attributes
    /// The names of the variables passed by reference.
    let references: [String]
    /// The inputs that hold the same constant on every run (a Const the run does not feed).
    let constantInputs: Set<Int>
    /// For each input, whether the kernel is its last reader and may write its output over it
    /// (empty when none is). Read on every step, so kept where reading costs no reference counting.
    let ownedInputs: UnsafeBufferPointer<Bool>
    /// What kernels derived from constant inputs (packed weights), kept for later runs.
    let derivedValues = DerivedValues()

    init(node: String, op: String, attributes: Attributes, references: [String], constantInputs: Set<Int> = [],
         ownedInputs: [Bool] = []) {
        (self.node, self.op, self.attributes, self.references) = (node, op, attributes, references)
        (self.constantInputs, self.ownedInputs) = (constantInputs, ownedCopy(of: ownedInputs))
    }

    deinit { ownedInputs.deallocate() }

    /// Whether the kernel is the last reader of input `index`.
    func owns(_ index: Int) -> Bool { index < ownedInputs.count && ownedInputs[index] }
}

/// Values a kernel derives from its constant inputs, by input, computed once even when runs overlap.
final class DerivedValues: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int: any Sendable] = [:]

    func value<T: Sendable>(forInput index: Int, _ make: () -> T) -> T {
        lock.withLock {
            if let value = values[index] as? T { return value }
            let value = make()
            values[index] = value
            return value
        }
    }
}

/// What a kernel sees: the node, its attributes, its input tensors, the session's state and the
/// run's resources.
struct KernelContext {
    let site: KernelSite
    /// The values of the value inputs, in order (reference inputs are in `references`).
    private(set) var inputs: [Tensor]
    /// Variables and random streams of the running session.
    let state: SessionState
    /// What this run's kernels create and share (TensorArrays), made once per run.
    let resources: RunResources

    init(site: KernelSite, inputs: [Tensor], state: SessionState, resources: RunResources) {
        (self.site, self.inputs, self.state, self.resources) = (site, inputs, state, resources)
    }

    /// Whether this kernel is the last reader of input `index`, so that, once taken, its buffer
    /// may hold the output instead of a new one.
    func owns(_ index: Int) -> Bool { site.owns(index) }

    /// Input `index`, moved out of the context so that the kernel holds the only copy; an empty
    /// tensor stays in its place. Take inputs after every check that reports through `error`.
    mutating func takeInput(_ index: Int) -> Tensor {
        var taken = Executor.emptyInput
        swap(&taken, &inputs[index])
        return taken
    }

    /// Hands the inputs array back when the kernel is done, so the next step reuses its buffer.
    mutating func takeInputs() -> [Tensor] {
        var taken: [Tensor] = []
        swap(&taken, &inputs)
        return taken
    }

    var node: String { site.node }
    /// The op as messages name it.
    var op: String { site.op }
    var attributes: Attributes { site.attributes }
    /// The names of the variables passed by reference.
    var references: [String] { site.references }

    /// `make()`, derived from input `index` (packing a filter, say): when that input is a constant,
    /// computed on the first run only and reused after.
    func derived<T: Sendable>(fromInput index: Int, _ make: () -> T) -> T {
        site.constantInputs.contains(index) ? site.derivedValues.value(forInput: index, make) : make()
    }

    /// The element count of an output of `dims` that the kernel sizes from its input data,
    /// or an error when it overflows or exceeds the session's tensor size limit.
    func allocation(_ dims: [Int], _ dtype: DType) throws -> Int {
        guard dims.allSatisfy({ $0 >= 0 }) else { throw error("sizes \(dims) must not be negative") }
        guard let count = Limits.elementCount(dims, dtype: dtype, maximumBytes: state.maximumTensorBytes) else {
            throw GraphError(.invalidArgument, node: node, op: op, inputShapes: inputs.map { Shape($0.shape) },
                message: "an output of shape \(describe(dims)) (\(dtype)) would exceed the limit of "
                    + "\(state.maximumTensorBytes) bytes per tensor",
                fix: "check the sizes fed to this node, or raise Session's maximumTensorBytes")
        }
        return count
    }

    /// A run-time failure inside this node's kernel.
    func error(_ message: String, fix: String? = nil) -> GraphError {
        GraphError(
            .runtime, node: node, op: op, inputShapes: inputs.map { Shape($0.shape) }, message: message, fix: fix)
    }
}
