/// The gradients of the control-flow ops as `tf.gradients` builds them in TensorFlow 1.x
/// (`control_flow_grad.py`): through a cond, each branch's gradient is switched on the same
/// predicate and merged back; through a while loop, into a backward loop that `GradientLoopState`
/// pairs with the forward one.
extension GradientContext {
    /// The state of the backward loop being built for the node's loop, when `gradients`
    /// differentiates through it.
    var backwardLoop: GradientLoopState? { graph.controlFlowContext?.enclosingLoop?.gradientState }

    /// Switch: in a loop, the backward loop variable's Merge; in a cond, the merge of the taken
    /// branch's gradient and the untaken one's zeros; elsewhere, each output's gradient switched
    /// back on the predicate and merged.
    func switchGradients() throws -> [Output?] {
        let context = graph.controlFlowContext(of: node.name)
        if let loop = context as? WhileContext, loop.switches.contains(node.name) {
            guard let state = backwardLoop else { throw missingBackwardLoop(loop) }
            return [try state.switchGradient(node, exitGradient: outputGradients[0],
                                             bodyGradient: outputGradients[1]), nil]
        }
        guard try graph.dtype(of: input(0)).isFloatingPoint else { return [nil, nil] }
        if context is CondContext {
            return [try graph.addNode("Merge", name: "cond_grad", inputs: [try gradient(0), try gradient(1)])[0], nil]
        }
        let falseSide = try graph.addNode("Switch", inputs: [try gradient(0), input(1)])[0]
        let trueSide = try graph.addNode("Switch", inputs: [try gradient(1), input(1)])[1]
        return [try graph.addNode("Merge", inputs: [falseSide, trueSide])[0], nil]
    }

    /// Merge: the gradient switched to the input that was live — on the backward loop's condition
    /// for a loop's Merge, on the cond's predicate for a cond's, on `value_index` otherwise.
    func mergeGradients() throws -> [Output?] {
        let gradient = try gradient(0)
        let inputContext = graph.outputContext(of: input(0))
        if let loop = inputContext as? WhileContext {
            guard let condition = backwardLoop?.backward.loopCondition else { throw missingBackwardLoop(loop) }
            return try graph.addNode("Switch", inputs: [gradient, condition])
        }
        if let cond = inputContext as? CondContext {
            // In a backward loop the predicate is read from its forward history.
            return try graph.addNode("Switch", name: "cond_grad", inputs: [gradient, cond.predicate])
        }
        return try node.inputs.indices.map { index in
            let taken = try graph.equal(output(1), try graph.constant(Int32(index)))
            return try graph.addNode("Switch", inputs: [gradient, taken])[1]
        }
    }

    /// Enter: leaving the backward loop (`Exit`) for a loop variable, or summed over every backward
    /// iteration for a loop invariant.
    func enterGradients() throws -> [Output?] {
        let gradient = try gradient(0)
        guard let state = backwardLoop else { return [gradient] }
        if node.attributes["is_constant"] == .bool(true) { return [try state.accumulate(gradient, enter: node)] }
        return [try graph.exitLoop(gradient, from: state.backward)]
    }

    /// Exit: the gradient enters the backward loop (`b_exit`).
    func exitGradients() throws -> [Output?] {
        let loop = graph.controlFlowContext(of: node.name) as? WhileContext
        if let loop, loop.forwardLoop != nil {
            throw GraphError(.unsupported, node: node.name, op: node.op,
                             message: "it leaves the backward loop '\(loop.frameName)' of an earlier gradients "
                                 + "call; second-order gradients through a while loop are not supported, as in "
                                 + "TensorFlow 1.x",
                             fix: "take the gradient of the forward loop once")
        }
        guard let state = backwardLoop else { throw missingBackwardLoop(loop) }
        let gradient = try gradient(0)
        let backward = state.backward
        let entered = try graph.outside(of: backward) {
            try graph.enter(gradient, frameName: backward.frameName, isConstant: false,
                            parallelIterations: backward.parallelIterations, name: "b_exit")
        }
        try graph.refineShape(of: entered, to: try graph.inferredShape(of: gradient))
        graph.adopt(entered.node, into: backward)
        return [entered]
    }

    /// The zero gradient of `output` where none arrived (TensorFlow's `ZerosLike` of the control-flow
    /// state): in a backward loop, zeros built there, switched like the forward output when that is
    /// the untaken side of a cond's Switch.
    func zeros(for output: Output) throws -> Output {
        guard let state = backwardLoop, graph.loop(producing: output) === state.forward else {
            return try graph.zerosLike(output)
        }
        let info = try graph.info(of: output)
        let cond = graph.controlFlowContext(of: node.name) as? CondContext
        let isCondSwitch = cond != nil
            && OpRegistry.definition(named: node.op)?.traits.controlFlow == .switchOnPredicate
        if let dimensions = info.shape.concrete {
            let zeros = try graph.zerosConstant(shape: dimensions, dtype: info.dtype)
            guard isCondSwitch, let cond else { return zeros }
            return try graph.addNode("Switch", inputs: [zeros, cond.predicate])[1 - cond.branch]
        }
        guard !isCondSwitch else {
            throw GraphError(.unsupported, node: node.name, op: node.op, inputShapes: [info.shape],
                             message: "a zero gradient is needed on the untaken side of this cond inside loop frame "
                                 + "'\(state.forward.frameName)', and its shape \(info.shape) is not fully known",
                             fix: "give the value entering the cond a fully known shape")
        }
        // The shape is read in the forward loop and popped from its history here.
        let shape = try graph.inContext(graph.controlFlowContext(of: node.name)) { try graph.shape(output) }
        let zero = try graph.zerosConstant(shape: [], dtype: info.dtype)
        return try graph.fill(dims: shape, value: zero)
    }

    private func missingBackwardLoop(_ loop: WhileContext?) -> GraphError {
        GraphError(.runtime, node: node.name, op: node.op,
                   message: "no backward loop was built for loop frame '\(loop?.frameName ?? "?")'")
    }
}
