extension Graph {
    /// `tf.while_loop` as TensorFlow 1.x builds it (Enter, Merge, LoopCond, Switch, NextIteration,
    /// Exit in a frame of its own): repeats `body` on the loop variables while `condition` holds,
    /// and returns their final values.
    ///
    /// ```swift
    /// let i = try graph.constant(Int32(0))
    /// let result = try graph.whileLoop(condition: { try graph.less($0[0], limit) },
    ///                                  body: { [try graph.add($0[0], one)] }, loopVariables: [i])
    /// ```
    ///
    /// - Parameters:
    ///   - condition: builds the boolean scalar that keeps the loop going, from the loop variables.
    ///   - body: builds the loop variables' next values from their current ones.
    ///   - shapeInvariants: the shapes the loop variables keep; by default each keeps the shape it
    ///     enters with, and `nil` dimensions let a variable change size.
    ///   - maximumIterations: stops the loop after this many iterations (an int32 or int64 scalar).
    ///   - parallelIterations: how many iterations may be live at once.
    /// - Throws: ``GraphError`` when the body returns a different number, dtype or shape of values
    ///   than the loop variables, or the condition is not a boolean scalar.
    public func whileLoop(condition: ([Output]) throws -> Output, body: ([Output]) throws -> [Output],
                          loopVariables: [Output], shapeInvariants: [Shape]? = nil, maximumIterations: Output? = nil,
                          parallelIterations: Int = 10, name: String? = nil) throws -> [Output] {
        guard !loopVariables.isEmpty else {
            throw GraphError(.invalidArgument, op: "while_loop", message: "it has no loop variables",
                             fix: "pass at least one tensor in loopVariables")
        }
        if let invariants = shapeInvariants, invariants.count != loopVariables.count {
            throw GraphError(.invalidArgument, op: "while_loop",
                             message: "\(invariants.count) shape invariant(s) for \(loopVariables.count) loop "
                                 + "variable(s)",
                             fix: "give one shape per loop variable")
        }
        return try withNameScope(name ?? "while") {
            guard let maximumIterations else {
                return try buildLoop(condition: condition, body: body, variables: loopVariables,
                                     invariants: shapeInvariants, parallelIterations: parallelIterations)
            }
            let counterType = try dtype(of: maximumIterations)
            let counter = try constant(Tensor(repeating: 0, shape: [], dtype: counterType), name: "iteration_counter")
            let results = try buildLoop(
                condition: { variables in
                    try logicalAnd(try less(variables[0], maximumIterations),
                                   try condition(Array(variables.dropFirst())))
                },
                body: { variables in
                    let one = try constant(Tensor(repeating: 1, shape: [], dtype: counterType))
                    return [try add(variables[0], one)] + (try body(Array(variables.dropFirst())))
                },
                variables: [counter] + loopVariables, invariants: shapeInvariants.map { [.scalar] + $0 },
                parallelIterations: parallelIterations)
            return Array(results.dropFirst())
        }
    }

    /// Builds the loop's scaffolding around `condition` and `body`, in the current name scope.
    private func buildLoop(condition: ([Output]) throws -> Output, body: ([Output]) throws -> [Output],
                           variables: [Output], invariants: [Shape]?, parallelIterations: Int) throws -> [Output] {
        let frameName = uniqueName("while_context")
        let outer = controlFlowContext
        let initial = try variables.map { try outer?.value(for: $0, in: self) ?? $0 }
        let shapes = try invariants ?? initial.map { try inferredShape(of: $0) }
        let context = WhileContext(outer: outer, frameName: frameName, parallelIterations: parallelIterations,
                                   pivot: initial[0])
        let loopVariables = try zip(initial, shapes).map { variable, shape in
            try openLoopVariable(variable, in: context,
                                 shape: try invariantShape(shape, entering: variable, frame: frameName))
        }
        let merges = loopVariables.map(\.merge)
        context.pivot = merges[0]
        let predicate = try within(context) { try context.value(for: try condition(merges), in: self) }
        let loopCondition = try scaffold("LoopCond", [predicate], in: context)[0]
        context.loopCondition = loopCondition
        let switches = try merges.map { try scaffold("Switch", [$0, loopCondition], in: context) }
        context.switches = Set(switches.map(\.[0].node))
        let current = try switches.map { try scaffold("Identity", [$0[1]], in: context)[0] }
        context.pivot = current[0]
        let next = try within(context) { try body(current).map { try context.value(for: $0, in: self) } }
        try checkBody(next, against: merges, variables: initial, frame: frameName)
        for (variable, value) in zip(loopVariables, next) {
            try closeLoopVariable(variable, next: value, in: context)
        }
        return try switches.map { try exitLoop($0[0], from: context) }
    }

    private func invariantShape(_ shape: Shape, entering variable: Output, frame: String) throws -> Shape {
        let entering = try inferredShape(of: variable)
        guard entering.merged(with: shape) != nil else {
            throw GraphError(.invalidShape, node: variable.node, op: "while_loop", inputShapes: [entering],
                             message: "'\(variable)' enters loop frame '\(frame)' with shape \(entering), which does "
                                 + "not fit its shape invariant \(shape)",
                             fix: "give a shape invariant the initial value fits")
        }
        return shape
    }

    /// The body must return, for each loop variable, a value of its dtype whose shape fits the
    /// variable's invariant (TensorFlow's `_EnforceShapeInvariant`).
    private func checkBody(_ next: [Output], against merges: [Output], variables: [Output], frame: String) throws {
        guard next.count == merges.count else {
            throw GraphError(.invalidArgument, op: "while_loop",
                             message: "the body returns \(next.count) value(s) for \(merges.count) loop variable(s)",
                             fix: "return one next value per loop variable, in order")
        }
        for (index, (value, merge)) in zip(next, merges).enumerated() {
            let (invariant, shape) = (try inferredShape(of: merge), try inferredShape(of: value))
            let (expected, actual) = (try dtype(of: merge), try dtype(of: value))
            guard expected == actual else {
                throw GraphError(.invalidArgument, node: value.node, op: "while_loop",
                                 message: "loop variable \(index) ('\(variables[index])') is \(expected), but the body "
                                     + "returns \(actual) for it",
                                 fix: "cast the body's result to \(expected)")
            }
            guard shape.isAtLeastAsSpecific(as: invariant) else {
                throw GraphError(.invalidShape, node: value.node, op: "while_loop", inputShapes: [invariant, shape],
                                 message: "loop variable \(index) ('\(variables[index])') enters loop frame '\(frame)' "
                                     + "with shape \(invariant), but has shape \(shape) after one iteration",
                                 fix: "to let its shape vary across iterations, give shapeInvariants a less specific "
                                     + "shape (nil for a dimension that changes)")
            }
        }
    }
}

extension Shape {
    /// Whether every shape this one allows is allowed by `general` (TensorFlow's
    /// `_ShapeLessThanOrEqual`): `general` is of unknown rank, or of the same rank with each known
    /// dimension equal here.
    func isAtLeastAsSpecific(as general: Shape) -> Bool {
        guard let generalDimensions = general.dimensions else { return true }
        guard let dimensions, dimensions.count == generalDimensions.count else { return false }
        return zip(dimensions, generalDimensions).allSatisfy { $1 == nil || $0 == $1 }
    }
}
