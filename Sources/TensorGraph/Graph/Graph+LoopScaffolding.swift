/// One loop variable's Enter and Merge in a loop frame, the Merge's back edge waiting for the
/// NextIteration that `closeLoopVariable` builds once the next value is known.
struct LoopVariable {
    /// The variable's value in the current iteration, before the loop condition routes it.
    let merge: Output
    /// The name the Merge's back edge reads.
    let nextName: String
}

/// The scaffolding TensorFlow builds around a loop body, shared by `whileLoop` and by the counters
/// and accumulators `gradients` adds to forward and backward loops. Each piece is built outside the
/// loop's context (no value is brought in for it) and then made a member of it.
extension Graph {
    /// Enters `initial` into `loop`'s frame as a loop variable of `shape` (its shape invariant;
    /// `initial`'s shape when `nil`) and merges it with its next value.
    func openLoopVariable(_ initial: Output, in loop: WhileContext, shape: Shape? = nil,
                          name: String = "Enter") throws -> LoopVariable {
        let shape = try shape ?? inferredShape(of: initial)
        let entered = try outside(of: loop) {
            try enter(initial, frameName: loop.frameName, isConstant: false,
                      parallelIterations: loop.parallelIterations, name: name)
        }
        try refineShape(of: entered, to: shape)
        adopt(entered.node, into: loop)
        return try mergeWithNextIteration(entered, in: loop, shape: shape)
    }

    /// A Merge in `loop` of `first` (a value entered into the frame) and the next iteration's value.
    func mergeWithNextIteration(_ first: Output, in loop: WhileContext, shape: Shape,
                                name: String = "Merge") throws -> LoopVariable {
        let nextName = uniqueName("NextIteration")
        let merge = try scaffold("Merge", [first, Output(node: nextName)], in: loop, name: name)[0]
        try refineShape(of: merge, to: shape)
        return LoopVariable(merge: merge, nextName: nextName)
    }

    /// Feeds `next` back to the variable's Merge for the next iteration.
    func closeLoopVariable(_ variable: LoopVariable, next: Output, in loop: WhileContext,
                           controlInputs: [Operation] = []) throws {
        // Built outside the loop's context, so the pivot rule of nodes built inside is applied here.
        let waits = readsOnlyInvariants([next]) ? [Operation(name: loop.pivot.node)] : []
        // The name reserved for the Merge's back edge, taken exactly ("name/").
        try scaffold("NextIteration", [next], in: loop, name: variable.nextName + "/",
                     controlInputs: controlInputs + waits)
    }

    /// A node of `loop`'s scaffolding.
    @discardableResult
    func scaffold(_ op: String, _ inputs: [Output], in loop: WhileContext, name: String? = nil,
                  attributes: [String: AttrValue] = [:], controlInputs: [Operation] = []) throws -> [Output] {
        let node = try outside(of: loop) {
            try add(op, name: name ?? op, inputs: inputs, attributes: attributes, controlInputs: controlInputs)
        }
        adopt(node.name, into: loop)
        return node.outputs.indices.map { Output(node: node.name, index: $0) }
    }

    /// A ControlTrigger in `loop` that runs once `operations` have, in each iteration: what orders
    /// a gradient's stack pushes and pops from one iteration to the next.
    func trigger(after operations: [Operation], in loop: WhileContext, name: String) throws -> Operation {
        // Built with no context open, so that it waits for no pivot of an enclosing loop.
        let node = try inContext(nil, withoutControlDependencies: true) {
            try add("ControlTrigger", name: name, inputs: [], attributes: [:], controlInputs: operations)
        }
        adopt(node.name, into: loop)
        return Operation(name: node.name)
    }

    /// `value` leaving `loop` when its condition fails; the Exit belongs to the loop, but what
    /// reads it is outside.
    func exitLoop(_ value: Output, from loop: WhileContext, name: String = "Exit") throws -> Output {
        let exit = try outside(of: loop) { try addOutput("Exit", name: name, inputs: [value]) }
        controlFlowContextByNode[exit.node] = loop
        loop.exits.append(exit)
        return exit
    }
}
