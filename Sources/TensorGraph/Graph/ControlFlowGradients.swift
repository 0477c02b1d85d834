/// The while loops one `gradients` call differentiates through, each with its
/// ``GradientLoopState`` (TensorFlow's `_ControlFlowState`), and the rules by which their Exits and
/// Switches join the walk back from the ys.
final class ControlFlowGradients {
    unowned let graph: Graph
    private var states: [ObjectIdentifier: GradientLoopState] = [:]
    /// Outer loops before the loops inside them.
    private var ordered: [GradientLoopState] = []

    /// The state for every loop whose Exit lies `between` the xs and the ys, or `nil` when none
    /// does; every Exit of such a loop joins `between`, since the backward loop needs them all.
    init?(graph: Graph, between: inout Set<String>) throws {
        let exits = between.filter { graph.isExit($0) }.sorted()
        guard !exits.isEmpty else { return nil }
        self.graph = graph
        var loops: [WhileContext] = []
        for exit in exits {
            guard let loop = graph.controlFlowContext(of: exit) as? WhileContext else {
                throw GraphError(.unsupported, node: exit, op: "Exit",
                                 message: "the gradient passes through a while loop that was not built with whileLoop "
                                     + "(a GraphDef keeps no while context to build the backward loop from)",
                                 fix: "compute the gradient in TensorFlow (tf.gradients) before exporting, or build "
                                     + "the loop with graph.whileLoop")
            }
            if let forward = loop.forwardLoop {
                throw GraphError(.unsupported, node: exit, op: "Exit",
                                 message: "the gradient passes through '\(loop.frameName)', the backward loop of "
                                     + "'\(forward.frameName)'; second-order gradients through a while loop are not "
                                     + "supported, as in TensorFlow 1.x",
                                 fix: "differentiate the forward loop once")
            }
            if !loops.contains(where: { $0 === loop }) { loops.append(loop) }
        }
        for loop in loops.sorted(by: { $0.chain.count < $1.chain.count }) {
            let outer = loop.outer?.enclosingLoop.flatMap { states[ObjectIdentifier($0)] }
            let state = try GradientLoopState(forward: loop, outer: outer, graph: graph)
            states[ObjectIdentifier(loop)] = state
            ordered.append(state)
            between.formUnion(state.forwardExits.map(\.node))
        }
    }

    /// The state of the loop whose backward loop builds `node`'s gradient (`before` false), or
    /// sums the gradients arriving at it (`before` true: for an Exit, the loop around its own).
    func state(of node: String, before: Bool) -> GradientLoopState? {
        guard var loop = graph.controlFlowContext(of: node)?.enclosingLoop else { return nil }
        if before && graph.isExit(node) {
            guard let outer = loop.outer?.enclosingLoop else { return nil }
            loop = outer
        }
        return states[ObjectIdentifier(loop)]
    }

    /// The state of the differentiated loop `node` exits, when it is one of its Exits.
    func exitState(_ node: String) -> GradientLoopState? {
        guard graph.isExit(node), let loop = graph.controlFlowContext(of: node) as? WhileContext,
              let state = states[ObjectIdentifier(loop)], state.forwardExits.contains(where: { $0.node == node })
        else { return nil }
        return state
    }

    /// Whether `node` routes a loop variable of a differentiated loop: it is visited twice, once
    /// for each output's gradient.
    func isLoopSwitch(_ node: String) -> Bool {
        guard let loop = graph.controlFlowContext(of: node) as? WhileContext else { return false }
        return loop.switches.contains(node) && states[ObjectIdentifier(loop)] != nil
    }

    /// The Exits no op between consumes, once all of a loop's Exits are accounted for (TensorFlow's
    /// `ProcessUnusedLoopExits`): their loop variables may still feed the ones that matter.
    func unusedExits(pending: [String: Int], ys: Set<String>) -> [Output] {
        var found: [Output] = []
        for state in ordered {
            for exit in state.forwardExits where pending[exit.node, default: 0] == 0 {
                state.pendingExits -= 1
                if !ys.contains(exit.node) { state.unusedExits.append(exit) }
                if state.pendingExits == 0 { found += state.unusedExits }
            }
        }
        return found
    }

    /// The zero gradient of an Exit whose value the ys do not use, built where the gradient
    /// arriving at the Exit is summed.
    func zerosForExit(_ exit: Output) throws -> Output {
        let info = try graph.info(of: exit)
        let outer = state(of: exit.node, before: true)
        guard let dimensions = info.shape.concrete else {
            guard outer == nil else {
                throw GraphError(.unsupported, node: exit.node, op: "Exit", inputShapes: [info.shape],
                                 message: "a zero gradient is needed for this unused exit of a nested loop, and its "
                                     + "shape \(info.shape) is not fully known",
                                 fix: "give the loop variable a fully known shape invariant")
            }
            return try graph.zerosLike(exit)
        }
        let zeros = { try self.graph.zerosConstant(shape: dimensions, dtype: info.dtype) }
        return try outer.map { try graph.inContext($0.backward, zeros) } ?? zeros()
    }

    /// Closes every loop's counters and backward Merges once all gradients are built.
    func finish() throws {
        for state in ordered { try state.finish() }
    }
}
