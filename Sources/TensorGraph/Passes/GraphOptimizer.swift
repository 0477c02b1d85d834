/// The passes a session applies to the part of the graph a run needs, once per plan, as
/// TensorFlow's Grappler does before a graph runs: identities out, constants folded, batch norms
/// folded into weights, swish recognised, products fused with their bias and activation, chains
/// of elementwise ops run in one sweep.
struct GraphOptimizer: Sendable {
    /// Whether to rewrite at all (TensorFlow's `OptimizerOptions.L0` turns it off).
    let isEnabled: Bool
    var profile = OptimizationProfile.tensorGraph

    /// The passes of `profile`, in order.
    static func passes(for profile: OptimizationProfile) -> [any GraphPass] {
        switch profile {
        case .tensorGraph:
            [IdentityRemoval(), ConstantFoldingPass(), SwishFusion(), BatchNormFolding(), ProductFusion(),
             ChannelAffineFusion(), ElementwiseFusion()]
        case .tensorFlow:
            [IdentityRemoval(), ConstantFoldingPass(), BatchNormFolding(), ProductFusion(forTensorFlow: true)]
        }
    }

    /// Rewrites `graph` with every pass, or leaves it as it was when a pass fails, saying why.
    func optimize(_ graph: inout PlanGraph) -> OptimizationReport {
        guard isEnabled else { return OptimizationReport() }
        var working = graph, report = OptimizationReport()
        for pass in GraphOptimizer.passes(for: profile) {
            do {
                report.rewrites.append((pass.name, try pass.run(&working)))
            } catch {
                report.failure = "\(pass.name) failed, so the graph runs as written: \(error)"
                return report
            }
        }
        graph = working
        return report
    }
}

/// Which ops an optimized graph may hold.
public enum OptimizationProfile: Sendable {
    /// Every rewrite TensorGraph runs: residual additions, swish, channel affine passes and chains of
    /// elementwise ops fused.
    case tensorGraph
    /// Only ops TensorFlow's own CPU kernels run, with oneDNN and with Eigen: constants folded, batch
    /// norms folded into weights, `_FusedConv2D` and `_FusedMatMul` with a bias and the activations
    /// both run (``FusedForm/tensorFlowActivations``); no `_FusedDepthwiseConv2dNative`,
    /// `_FusedBatchNormEx`, `_MklSwish`, `_FusedElementwise` or residual Add. What `tensorgraph
    /// optimize` writes.
    case tensorFlow
}

/// One rewrite of a run's graph. A pass never changes what a fetched tensor holds, never rewrites
/// a fed, fetched or waited-for node away, and leaves a node as it is when a rewrite does not apply.
protocol GraphPass: Sendable {
    /// How reports name the pass.
    var name: String { get }
    /// Rewrites `graph` and returns how many rewrites it made.
    func run(_ graph: inout PlanGraph) throws -> Int
}

/// What the optimizer did to one plan's graph.
public struct OptimizationReport: Sendable, CustomStringConvertible {
    /// Each pass by name, and how many rewrites it made.
    public internal(set) var rewrites: [(pass: String, count: Int)] = []
    /// Why the graph runs unoptimized, when a pass failed.
    public internal(set) var failure: String?

    public var description: String {
        if let failure { return failure }
        if rewrites.isEmpty { return "graph optimization off" }
        return rewrites.map { "\($0.pass) \($0.count)" }.joined(separator: ", ")
    }
}

extension PlanGraph {
    /// The names of the running nodes in graph order, which for a checked graph is a dependency
    /// order. A pass reads each node when it comes to it (``runningNode(_:)``): earlier rewrites
    /// may have changed or removed it.
    var runningInOrder: [String] {
        running.sorted { (positions[$0] ?? 0, $0) < (positions[$1] ?? 0, $1) }
    }

    /// The per-channel arithmetic a two-input node does (``OpTraits/channelArithmetic``), when its
    /// op has one.
    func channelArithmetic(of node: Node) throws -> ChannelArithmetic? {
        guard node.inputs.count == 2, let rule = try definition(of: node).traits.channelArithmetic else { return nil }
        return try rule(Attributes(node.attributes, node: node.name, op: node.op))
    }

    /// A batch norm with given statistics (``OpTraits/inferenceNormalization``) as the per-channel
    /// `x · multiplier + shift` it computes, when its statistics are constants of the run and
    /// nothing reads, fetches or feeds its outputs but `y`.
    func constantNormalization(of node: Node) throws -> (input: Output, multiplier: [Double], shift: [Double])? {
        guard let rule = try definition(of: node).traits.inferenceNormalization,
              let normalization = try rule(Attributes(node.attributes, node: node.name, op: node.op)),
              node.inputs.count == 5, node.outputs.first?.dtype == .float32,
              let channels = node.outputs[0].shape.dimensions?.last ?? nil,
              readerNodes(of: node.name).allSatisfy({ $0.inputs.allSatisfy { $0.node != node.name || $0.index == 0 } }),
              !fetches.contains(where: { $0.node == node.name && $0.index != 0 }),
              !fed.contains(where: { $0.node == node.name }), !targets.contains(node.name),
              waiters[node.name]?.isEmpty ?? true else { return nil }
        let roles = InferenceNormalization.self
        let statistics = [roles.scale, roles.offset, roles.mean, roles.variance].compactMap {
            constantValue(node.inputs[$0])?.doubles
        }
        guard statistics.count == 4, let affine = normalization.affine(
            scale: statistics[0], offset: statistics[1], mean: statistics[2], variance: statistics[3],
            channels: channels)
        else { return nil }
        return (node.inputs[roles.x], affine.multiplier, affine.shift)
    }

    /// The node named `name` as it is now, if it still runs.
    func runningNode(_ name: String) -> Node? {
        running.contains(name) ? nodes[name] : nil
    }
}
