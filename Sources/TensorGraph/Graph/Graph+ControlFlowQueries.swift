/// What the graph's own structure says about branches and loops: which node leaves a loop, what a
/// constant Enter brings in, which frame a node runs in.
extension Graph {
    /// Whether `node` is an Exit, leaving a loop frame.
    func isExit(_ node: String) -> Bool {
        guard let op = self.node(named: node)?.op else { return false }
        return OpRegistry.definition(named: op)?.traits.controlFlow == .exitFrame
    }

    /// The loop frame a node reading `inputs` runs in, as far as the nearest Enter behind them says
    /// (a graph loaded from a GraphDef keeps no contexts); `nil` outside every loop.
    func loopFrame(reading inputs: [Output]) -> String? {
        // Past an Exit the values are in the frame around the loop it leaves, so the Enter of that
        // loop, met further back, is passed over: `exits` counts the loops left and not yet entered.
        struct Visit: Hashable { let node: String, exits: Int }
        var queue = inputs.map { Visit(node: $0.node, exits: 0) }, seen = Set<Visit>(), next = 0
        while next < queue.count {
            let visit = queue[next]
            next += 1
            guard seen.insert(visit).inserted, let node = node(named: visit.node) else { continue }
            var exits = visit.exits
            switch OpRegistry.definition(named: node.op)?.traits.controlFlow {
            case .enterFrame? where exits > 0: exits -= 1
            case .enterFrame?:
                if case .string(let frame)? = node.attributes["frame_name"] { return frame }
            case .exitFrame?: exits += 1
            default: break
            }
            queue += node.inputs.map { Visit(node: $0.node, exits: exits) }
        }
        return nil
    }

    /// The outside value a constant Enter brings into a loop, when `value` is one.
    func constantEnterInput(of value: Output) -> Output? {
        guard let node = node(named: value.node), let definition = OpRegistry.definition(named: node.op),
              definition.traits.controlFlow == .enterFrame, node.attributes["is_constant"] == .bool(true)
        else { return nil }
        return node.inputs[0]
    }

    /// The value of `output` when its node is a constant (no inputs, value known while building).
    func knownConstant(_ output: Output) throws -> Tensor? {
        guard let node = node(named: output.node), node.inputs.isEmpty else { return nil }
        return try info(of: output).value
    }

    /// The context nodes reading `value` see it in (TensorFlow's `GetOutputContext`): an Exit's
    /// value is outside the loop it leaves.
    func outputContext(of value: Output) -> ControlFlowContext? {
        guard let context = controlFlowContext(of: value.node) else { return nil }
        if let loop = context as? WhileContext, loop.exits.contains(value) { return loop.outer }
        return context
    }
}
