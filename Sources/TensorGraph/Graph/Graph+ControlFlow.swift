extension Graph {
    /// `tf.cond` as TensorFlow 1.x builds it (Switch and Merge): the outputs of `then` when
    /// `predicate` is true, else those of `else`. Each closure builds its branch; only the taken
    /// branch runs, and values from outside enter a branch through a Switch.
    ///
    /// ```swift
    /// let y = try graph.cond(isTraining, then: { [try graph.multiply(x, keep)] }, else: { [x] })[0]
    /// ```
    ///
    /// - Throws: ``GraphError`` when `predicate` is not a boolean scalar, or the branches return
    ///   different numbers or dtypes of tensors.
    public func cond(_ predicate: Output, then trueBranch: () throws -> [Output],
                     else falseBranch: () throws -> [Output], name: String? = nil) throws -> [Output] {
        try withNameScope(name ?? "cond") {
            let switched = try addNode("Switch", name: "Switch", inputs: [predicate, predicate])
            let pivotTrue = try identity(switched[1], name: "switch_t")
            let pivotFalse = try identity(switched[0], name: "switch_f")
            let predicateID = try identity(predicate, name: "pred_id")
            let outer = controlFlowContext
            let trueResults = try buildBranch(CondContext(outer: outer, predicate: predicateID, pivot: pivotTrue,
                                                          branch: 1), trueBranch)
            let falseResults = try buildBranch(CondContext(outer: outer, predicate: predicateID, pivot: pivotFalse,
                                                           branch: 0), falseBranch)
            try checkBranches(trueResults, falseResults)
            return try zip(falseResults, trueResults).map { pair in
                try addNode("Merge", name: "Merge", inputs: [pair.0, pair.1])[0]
            }
        }
    }

    /// `tf.cond` for branches of one tensor each.
    public func cond(_ predicate: Output, then trueBranch: () throws -> Output, else falseBranch: () throws -> Output,
                     name: String? = nil) throws -> Output {
        try cond(predicate, then: { [try trueBranch()] }, else: { [try falseBranch()] }, name: name)[0]
    }

    /// Builds one branch in `context`; a result built outside it enters through a Switch too.
    private func buildBranch(_ context: CondContext, _ branch: () throws -> [Output]) throws -> [Output] {
        try within(context) {
            try branch().map { try context.value(for: $0, in: self) }
        }
    }

    private func checkBranches(_ trueResults: [Output], _ falseResults: [Output]) throws {
        guard trueResults.count == falseResults.count, !trueResults.isEmpty else {
            throw GraphError(.invalidArgument, op: "cond",
                             message: "the true branch returns \(trueResults.count) tensor(s) and the false branch "
                                 + "\(falseResults.count)",
                             fix: "return the same number of tensors, at least one, from both branches")
        }
        for (index, pair) in zip(trueResults, falseResults).enumerated() {
            let (trueType, falseType) = (try dtype(of: pair.0), try dtype(of: pair.1))
            guard trueType == falseType else {
                throw GraphError(.invalidArgument, node: pair.0.node, op: "cond",
                                 message: "output \(index) is \(trueType) in the true branch ('\(pair.0)') but "
                                     + "\(falseType) in the false branch ('\(pair.1)')",
                                 fix: "cast one of them, e.g. with cast(_:to:)")
            }
        }
    }

    /// An `Enter` of `value` into the frame `frameName`.
    func enter(_ value: Output, frameName: String, isConstant: Bool, parallelIterations: Int,
               name: String = "Enter") throws -> Output {
        try addOutput("Enter", name: name, inputs: [value],
                      attributes: ["frame_name": .string(frameName), "is_constant": .bool(isConstant),
                                   "parallel_iterations": .int(parallelIterations)])
    }
}
