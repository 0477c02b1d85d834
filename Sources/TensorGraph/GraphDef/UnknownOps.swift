/// The ops of a GraphDef that TensorGraph does not know, each with the nodes that use it, so that
/// one error can name them all rather than the first.
struct UnknownOps {
    /// Each unknown op and its nodes, in the order the ops first appear.
    private(set) var uses: [(op: String, nodes: [String])] = []

    init(_ nodes: [NodeDef]) {
        var positions: [String: Int] = [:]
        for node in nodes where OpRegistry.definition(named: node.op) == nil {
            if let position = positions[node.op] {
                uses[position].nodes.append(node.name)
            } else {
                positions[node.op] = uses.count
                uses.append((node.op, [node.name]))
            }
        }
    }

    var isEmpty: Bool { uses.isEmpty }

    /// Whether `op` is one of them.
    func contains(_ op: String) -> Bool { uses.contains { $0.op == op } }

    /// One error naming every unknown op, the nodes using it and close known names; for a single
    /// node, the error names that node and op as any node's error does.
    var error: GraphError {
        if uses.count == 1, uses[0].nodes.count == 1 {
            let (op, nodes) = uses[0]
            return GraphError(.unsupported, node: nodes[0], op: op, message: "unknown op '\(op)'",
                              fix: NameSuggestion.hint(for: op, among: OpRegistry.names))
        }
        let parts = uses.map { op, nodes -> String in
            let shown = nodes.prefix(3).map { "'\($0)'" }.joined(separator: ", ")
            let more = nodes.count > 3 ? " and \(nodes.count - 3) more" : ""
            let hint = NameSuggestion.hint(for: op, among: OpRegistry.names).map { "; \($0)" } ?? ""
            return "'\(op)' (\(nodes.count == 1 ? "node" : "\(nodes.count) nodes") \(shown)\(more)\(hint))"
        }
        let count = "\(uses.count) unknown op\(uses.count == 1 ? "" : "s")"
        return GraphError(.unsupported, message: "\(count): " + parts.joined(separator: ", "),
                          fix: "`tensorgraph ops` lists the ops TensorGraph supports")
    }
}
