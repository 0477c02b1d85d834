extension GraphError {
    /// Runs `build`, which builds `node`, and ends an error it throws about that node with where the
    /// node sits (` (inside loop frame 'while/while_context')`): a node inside a branch or a loop is
    /// hard to find by its name alone. `location` is asked only on failure, as finding it may walk
    /// the graph; errors about other nodes, and nodes outside every branch and loop, are left as they are.
    static func locating<Result>(_ node: String, at location: () -> String?,
                                 _ build: () throws -> Result) throws -> Result {
        do {
            return try build()
        } catch var error as GraphError where error.node == node {
            if let location = location() { error.message += " (inside \(location))" }
            throw error
        }
    }
}
