/// TensorFlow 2's control-flow ops, which call functions of the graph's library for their branches
/// and loop bodies: If and StatelessIf, While and StatelessWhile, Case and StatelessCase. Loading
/// lowers them to TensorFlow 1's Switch, Merge, Enter, Exit and NextIteration around calls of
/// those functions, then inlines the calls, as TensorFlow's `LowerFunctionalOpsPass` does.
enum FunctionalControlFlowOps {
    /// What a functional control-flow op does, by the attributes naming its functions.
    enum Form {
        /// Runs `thenBranch` when its first input is true, else `elseBranch`, on the other inputs.
        case conditional(thenBranch: String, elseBranch: String)
        /// Runs `body` on its inputs while `condition` holds of them.
        case loop(condition: String, body: String)
        /// Runs the branch its first input selects (the last one when out of range).
        case selection(branches: String)
    }

    /// The forms, by TensorFlow op name.
    static let forms: [String: Form] = [
        "If": .conditional(thenBranch: "then_branch", elseBranch: "else_branch"),
        "StatelessIf": .conditional(thenBranch: "then_branch", elseBranch: "else_branch"),
        "While": .loop(condition: "cond", body: "body"),
        "StatelessWhile": .loop(condition: "cond", body: "body"),
        "Case": .selection(branches: "branches"),
        "StatelessCase": .selection(branches: "branches"),
    ]
}
