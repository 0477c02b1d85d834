import Dispatch

/// How long each node of one run took, as TensorFlow's `RunMetadata` step stats under
/// `RunOptions.FULL_TRACE`: the nodes of the plan that ran (after optimization), in the order
/// they ran.
public struct RunProfile: Sendable {
    /// One node's time in the run.
    public struct NodeTime: Sendable {
        /// The node's name (a fused node keeps the name of the last node it replaced).
        public let node: String
        /// TensorFlow's op name (`_FusedConv2D`).
        public let op: String
        public let milliseconds: Double
    }

    /// Every node that ran, in order.
    public internal(set) var nodes: [NodeTime] = []
    /// What the graph optimizer did to the plan that ran.
    public let optimization: OptimizationReport
    /// The plan's peak of tensors alive at once, planned before the run (nil for a run that
    /// branches or loops).
    public let memory: MemoryPlan?
    /// The most bytes of distinct tensor buffers the run held at once, fed tensors included,
    /// measured after each step with the step's inputs and outputs: what `memory` plans.
    public let measuredPeakBytes: Int
}

/// Times the steps of one run, and measures the tensors it holds, for a ``RunProfile``.
final class StepClock {
    private(set) var times: [RunProfile.NodeTime] = []
    private var start: UInt64 = 0
    /// The tensors the caller holds through the run.
    var feeds: [Tensor] = []
    private(set) var peakBytes = 0

    /// Counts the distinct buffers among the run's values, the step's computed `inputs` and the
    /// feeds, with the step's outputs stored and before its releases.
    func measure(_ values: UnsafeMutableBufferPointer<Tensor?>, inputs: [Tensor], of step: Plan.Step) {
        // Measuring happens inside the step's timing; the step is not charged for it.
        let began = DispatchTime.now().uptimeNanoseconds
        defer { start += DispatchTime.now().uptimeNanoseconds - began }
        var buffers = Set<UnsafeRawPointer>(), bytes = 0
        func count(_ tensor: Tensor) {
            guard let address = tensor.bufferAddress, buffers.insert(address).inserted else { return }
            bytes += tensor.elementCount * tensor.dtype.byteCount
        }
        for value in values { if let value { count(value) } }
        for (index, input) in inputs.enumerated() { if case .slot = step.inputs[index] { count(input) } }
        feeds.forEach(count)
        peakBytes = max(peakBytes, bytes)
    }

    func startStep() { start = DispatchTime.now().uptimeNanoseconds }

    func endStep(_ step: Plan.Step) {
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        times.append(RunProfile.NodeTime(node: step.site.node, op: step.definition.name, milliseconds: elapsed))
    }
}

extension Tensor {
    /// The address of the elements' buffer, which tensors sharing it (a Reshape's view, an output
    /// written over its input) have in common; nil when empty. For telling buffers apart only.
    var bufferAddress: UnsafeRawPointer? {
        func address<T>(_ array: [T]) -> UnsafeRawPointer? { array.withUnsafeBytes { $0.baseAddress } }
        switch storage {
        case .float32(let a): return address(a)
        case .float64(let a): return address(a)
        case .int32(let a): return address(a)
        case .int64(let a): return address(a)
        case .bool(let a): return address(a)
        case .string(let a): return address(a)
        case .resource(let a): return address(a)
        case .variant(let a): return address(a)
        }
    }
}
