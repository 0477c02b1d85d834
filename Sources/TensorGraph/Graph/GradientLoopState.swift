/// What `gradients` keeps for one forward while loop it differentiates through (TensorFlow's
/// `_GradLoopState`): a counter added to the forward loop, a backward loop that runs as many
/// iterations in reverse, and a stack per forward value the backward loop reads, pushed once per
/// forward iteration and popped once per backward one.
final class GradientLoopState {
    unowned let graph: Graph
    /// The loop being differentiated.
    let forward: WhileContext
    /// The loop that computes its gradient.
    let backward: WhileContext
    /// The state of the differentiated loop around this one, if any.
    let outer: GradientLoopState?
    /// The forward loop's own Exits, whose gradients start the backward loop.
    let forwardExits: [Output]
    /// How many of `forwardExits` the gradient has not reached yet, and those it reached.
    var pendingExits: Int
    var deferredExits: [Output] = []
    var unusedExits: [Output] = []
    /// The backward Merge started for each forward loop Switch on its first visit (TensorFlow's
    /// `switch_map`), and whether its second visit closed it.
    private var backwardMerges: [String: (variable: LoopVariable, first: Output, closed: Bool)] = [:]

    /// Where `gradients` was called: the stacks of forward values are created there.
    private let callContext: ControlFlowContext?
    private let forwardCounter: LoopVariable
    /// The forward counter's increment; each push runs after it, in its iteration.
    private let forwardIncrement: Output
    /// Pushes the next forward iteration waits for, and those inside a cond (through `f_sync`).
    private var forwardPushes: [Operation] = []
    private var forwardCondPushes: [Operation] = []
    private let backwardCounter: LoopVariable
    private let backwardIndex: Output
    /// Pops (and inner backward loops' final exits) the next backward iteration waits for.
    private var backwardSyncInputs: [Operation] = []
    /// The backward loop's reading of each forward value (TensorFlow's `history_map`).
    private var history: [Output: Output] = [:]

    /// Adds the counter to `forward` and builds the backward loop's counter.
    init(forward: WhileContext, outer: GradientLoopState?, graph: Graph) throws {
        guard let loopCondition = forward.loopCondition else {
            throw GraphError(.invalidArgument, op: "gradients", message: "loop frame '\(forward.frameName)' has no "
                             + "LoopCond", fix: "build the loop with whileLoop(condition:body:loopVariables:)")
        }
        (self.graph, self.forward, self.outer) = (graph, forward, outer)
        forwardExits = forward.exits
        pendingExits = forward.exits.count
        callContext = graph.controlFlowContext
        (forwardCounter, forwardIncrement) = try Self.addForwardCounter(to: forward, condition: loopCondition,
                                                                         outer: outer, graph: graph)
        let count = forward.exits.last!
        backward = WhileContext(outer: outer?.backward ?? forward.outer,
                                frameName: graph.uniqueName(forward.frameName),
                                parallelIterations: forward.parallelIterations, pivot: count)
        let realCount = try outer.map { try $0.backwardReading(count) } ?? count
        (backwardCounter, backwardIndex) = try Self.addBackwardCounter(to: backward, count: realCount, graph: graph)
        if let outer { outer.backwardSyncInputs.append(Operation(name: backward.exits.last!.node)) }
        backward.gradientState = self
        backward.forwardLoop = forward
    }

    /// Counts the forward loop's iterations: `f_count` starts at 0 and is incremented in every
    /// iteration; its Exit is the total.
    private static func addForwardCounter(to forward: WhileContext, condition: Output, outer: GradientLoopState?,
                                          graph: Graph) throws -> (LoopVariable, Output) {
        try graph.inContext(forward.outer, withoutControlDependencies: true) {
            // An inner loop's counts for successive outer iterations are pushed in order.
            let after = outer.map { [Operation(name: $0.forwardIncrement.node)] } ?? []
            let zero = try graph.withControlDependencies(after) { try graph.constant(Int32(0), name: "f_count") }
            let counter = try graph.openLoopVariable(zero, in: forward, name: "f_count")
            let switched = try graph.scaffold("Switch", [counter.merge, condition], in: forward)
            let increment = try graph.within(forward) { try graph.add(switched[1], try graph.constant(Int32(1))) }
            _ = try graph.exitLoop(switched[0], from: forward, name: "f_count")
            return (counter, increment)
        }
    }

    /// Counts the backward loop down from the forward loop's `count` to 0 (`b_count`); the index
    /// is the pivot the backward loop's nodes with no inputs wait for.
    private static func addBackwardCounter(to backward: WhileContext, count: Output,
                                           graph: Graph) throws -> (LoopVariable, Output) {
        try graph.inContext(backward.outer, withoutControlDependencies: true) {
            let one = try graph.constant(Int32(1), name: "b_count")
            let counter = try graph.openLoopVariable(count, in: backward, name: "b_count")
            backward.pivot = counter.merge
            let predicate = try graph.within(backward) {
                try graph.addOutput("GreaterEqual", inputs: [counter.merge, one])
            }
            let condition = try graph.scaffold("LoopCond", [predicate], in: backward, name: "b_count")[0]
            backward.loopCondition = condition
            let switched = try graph.scaffold("Switch", [counter.merge, condition], in: backward)
            let index = try graph.within(backward) { try graph.subtract(switched[1], one) }
            backward.pivot = index
            _ = try graph.exitLoop(switched[0], from: backward, name: "b_count")
            return (counter, index)
        }
    }

    /// The value `value` of the forward loop had in the iteration the backward loop is undoing
    /// (TensorFlow's `GetRealValue`): a loop invariant is read where it came from, a constant is
    /// copied, anything else is pushed on a stack in the forward loop and popped here.
    func realValue(_ value: Output) throws -> Output {
        if let known = history[value] { return known }
        var current = value
        var state = self
        var real: Output?
        while real == nil {
            if let invariant = graph.constantEnterInput(of: current) {
                current = invariant
                guard let outerState = state.outer else {
                    real = try graph.inContext(backward) { try backward.value(for: current, in: graph) }
                    break
                }
                state = outerState
            } else if let constant = try graph.knownConstant(current) {
                real = try graph.inContext(backward) { try graph.constant(constant) }
            } else {
                real = try state.backwardReading(current)
                if state !== self {
                    real = try graph.inContext(backward) { try backward.value(for: real!, in: graph) }
                }
            }
        }
        history[value] = real!
        return real!
    }

    /// `value`, a forward loop value, pushed in every forward iteration and popped in the backward loop.
    private func backwardReading(_ value: Output) throws -> Output {
        try popValue(from: try pushValue(value), value: value)
    }

    /// A stack that every forward iteration pushes `value` on (TensorFlow's `AddForwardAccumulator`).
    private func pushValue(_ value: Output) throws -> Output {
        let dtype = try graph.dtype(of: value)
        let stack = try graph.inContext(callContext, withoutControlDependencies: true) {
            try graph.addOutput("StackV2", name: "f_acc", inputs: [try graph.constant(Int32(-1))],
                                attributes: ["elem_type": .type(dtype)])
        }
        let enteredStack = try graph.inContext(forward, withoutControlDependencies: true) {
            try forward.value(for: stack, in: graph)
        }
        let valueContext = graph.outputContext(of: value)
        let pushContext = valueContext ?? forward
        let push = try graph.inContext(pushContext, withoutControlDependencies: true) {
            try graph.addOperation("StackPushV2", inputs: [enteredStack, value],
                                   controlInputs: [Operation(name: forwardIncrement.node)])
        }
        if valueContext === forward { forwardPushes.append(push) } else { forwardCondPushes.append(push) }
        return stack
    }

    /// The top of `stack`, popped once per backward iteration (TensorFlow's
    /// `AddBackpropAccumulatedValue`); a value pushed inside a cond is popped only when the cond
    /// took that branch in the matching forward iteration.
    private func popValue(from stack: Output, value: Output) throws -> Output {
        let dtype = try graph.dtype(of: value)
        let shape = try graph.inferredShape(of: value)
        let cond = condition(around: value, below: graph.controlFlowContext(of: stack.node))
        let pop = try graph.inContext(backward, withoutControlDependencies: true) {
            var source = stack
            if let cond {
                // The forward value of the predicate is read through this loop's history of it.
                source = try graph.addNode("Switch", inputs: [stack, cond.predicate])[cond.branch]
            }
            let popped = try graph.addOutput("StackPopV2", inputs: [source], attributes: ["elem_type": .type(dtype)])
            try graph.refineShape(of: popped, to: shape)
            return popped
        }
        if backward.parallelIterations > 1 { backwardSyncInputs.append(Operation(name: pop.node)) }
        return pop
    }

    /// The innermost cond branch `value` is computed in, inside `limit`.
    private func condition(around value: Output, below limit: ControlFlowContext?) -> CondContext? {
        var context = graph.controlFlowContext(of: value.node)
        while let current = context, current !== limit {
            if let cond = current as? CondContext { return cond }
            context = current.outer
        }
        return nil
    }

    /// The gradient of a forward loop Switch, each of whose two visits brings the gradient of
    /// one output (TensorFlow's `_SwitchGrad` in a loop): the Exit side starts the backward loop
    /// variable's Merge, the body side closes it with the next backward iteration's value.
    func switchGradient(_ node: Node, exitGradient: Output?, bodyGradient: Output?) throws -> Output? {
        if let started = backwardMerges[node.name] {
            if let bodyGradient {
                try graph.closeLoopVariable(started.variable, next: bodyGradient, in: backward)
                backwardMerges[node.name]?.closed = true
            }
            return nil
        }
        guard let exitGradient else { return nil }
        let shape = try graph.inferredShape(of: node.inputs[0])
        let variable = try graph.mergeWithNextIteration(exitGradient, in: backward, shape: shape, name: "b_switch")
        backwardMerges[node.name] = (variable, exitGradient, false)
        return variable.merge
    }

    /// The sum over all backward iterations of `gradient`, the gradient of a loop invariant
    /// entering the forward loop through `enter` (TensorFlow's `AddBackpropAccumulator`).
    func accumulate(_ gradient: Output, enter: Node) throws -> Output {
        let shape = try graph.inferredShape(of: gradient)
        let dtype = try graph.dtype(of: gradient)
        let zeros = try graph.inContext(backward.outer, withoutControlDependencies: true) {
            if let dimensions = shape.concrete {
                return try graph.zerosConstant(shape: dimensions, dtype: dtype, name: "b_acc")
            }
            guard outer == nil else {
                throw GraphError(.unsupported, node: enter.name, op: enter.op,
                                 message: "the gradient of a value entering nested loop frame '\(forward.frameName)' "
                                     + "has shape \(shape), not fully known",
                                 fix: "give the value entering the inner loop a fully known shape")
            }
            return try graph.fill(dims: try graph.shape(enter.inputs[0]),
                                  value: try graph.zerosConstant(shape: [], dtype: dtype))
        }
        let sum = try graph.openLoopVariable(zeros, in: backward, shape: shape, name: "b_acc")
        let switched = try graph.scaffold("Switch", [sum.merge, backward.loopCondition!], in: backward)
        let added = try graph.inContext(backward) { try graph.add(switched[1], gradient) }
        try graph.closeLoopVariable(sum, next: added, in: backward)
        return try graph.exitLoop(switched[0], from: backward, name: "b_acc")
    }

    /// Closes what the gradient left open: each loop's counter waits for the iteration's pushes or
    /// pops, and a backward Merge whose body side never got a gradient gets zeros for every
    /// iteration after the first (the loop variable's next value did not depend on it).
    func finish() throws {
        var forwardOrder = forwardPushes
        if !forwardCondPushes.isEmpty {
            forwardOrder.append(try graph.trigger(after: forwardCondPushes, in: forward, name: "f_sync"))
        }
        try graph.inContext(forward.outer, withoutControlDependencies: true) {
            try graph.closeLoopVariable(forwardCounter, next: forwardIncrement, in: forward,
                                        controlInputs: forwardOrder)
        }
        let backwardOrder = backwardSyncInputs.isEmpty
            ? [] : [try graph.trigger(after: backwardSyncInputs, in: backward, name: "b_sync")]
        try graph.inContext(backward.outer, withoutControlDependencies: true) {
            try graph.closeLoopVariable(backwardCounter, next: backwardIndex, in: backward,
                                        controlInputs: backwardOrder)
            for (_, started) in backwardMerges.sorted(by: { $0.key < $1.key }) where !started.closed {
                try graph.closeLoopVariable(started.variable, next: try zerosForLaterIterations(started), in: backward)
            }
        }
    }

    private func zerosForLaterIterations(_ started: (variable: LoopVariable, first: Output, closed: Bool)) throws
        -> Output {
        let info = try graph.info(of: started.variable.merge)
        if let dimensions = info.shape.concrete {
            return try graph.inContext(backward) { try graph.zerosConstant(shape: dimensions, dtype: info.dtype) }
        }
        // The gradient that entered the backward loop has the shape every iteration's has.
        guard let entered = graph.node(named: started.first.node)?.inputs.first else {
            throw GraphError(.invalidArgument, node: started.first.node, op: "gradients",
                             message: "a backward loop variable starts from a node with no input")
        }
        let zeros = try graph.zerosLike(entered)
        return try graph.inContext(backward) { try backward.value(for: zeros, in: graph) }
    }
}
