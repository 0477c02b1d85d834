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
}

/// Times the steps of one run for a ``RunProfile``.
final class StepClock {
    private(set) var times: [RunProfile.NodeTime] = []
    private var start: UInt64 = 0

    func startStep() { start = DispatchTime.now().uptimeNanoseconds }

    func endStep(_ step: Plan.Step) {
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        times.append(RunProfile.NodeTime(node: step.site.node, op: step.definition.name, milliseconds: elapsed))
    }
}
