extension Graph {
    /// Every output of every node that no other node takes as an input (data or control): what a
    /// graph computes when nothing in particular is asked of it.
    public var unconsumedOutputs: [Output] {
        let all = nodes
        var consumed = Set<String>()
        for node in all {
            for input in node.inputs { consumed.insert(input.node) }
            consumed.formUnion(node.controlInputs)
        }
        return all.filter { !consumed.contains($0.name) }.flatMap { node in
            node.outputs.indices.map { Output(node: node.name, index: $0) }
        }
    }

    /// The graph in Graphviz's DOT language: one box per node labelled with its name, op and
    /// inferred output shapes; data edges solid, control edges dashed; nodes named in `failed`
    /// drawn in red with their message.
    public func dot(failed: [String: String] = [:]) -> String {
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        var lines = ["digraph tensorgraph {", "  rankdir=TB;", "  node [shape=box, fontname=\"Helvetica\", fontsize=10];"]
        for node in nodes {
            let shapes = node.outputs.map { "\($0.dtype) \($0.shape)" }.joined(separator: "\\n")
            var label = "\(node.name)\\n\(node.op)" + (shapes.isEmpty ? "" : "\\n" + shapes)
            var style = ""
            if let message = failed[node.name] {
                label += "\\n" + message
                style = ", color=red, fontcolor=red"
            }
            lines.append("  \(quoted(node.name)) [label=\(quoted(label).replacingOccurrences(of: "\\\\n", with: "\\n"))\(style)];")
            for input in node.inputs {
                lines.append("  \(quoted(input.node)) -> \(quoted(node.name))\(input.index == 0 ? "" : " [label=\"\(input.index)\"]");")
            }
            for control in node.controlInputs { lines.append("  \(quoted(control)) -> \(quoted(node.name)) [style=dashed];") }
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }
}
