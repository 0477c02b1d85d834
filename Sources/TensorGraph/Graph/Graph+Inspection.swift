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
    /// drawn in red with their message; the nodes of each while loop's frame inside a cluster
    /// labelled with the frame's name, nested as the loops are.
    public func dot(failed: [String: String] = [:]) -> String {
        let frames = try? LoopFrames(PlanGraph(graph: self, fetches: [], feeds: [], targets: nodes.map(\.name)))
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        var lines = [
            "digraph tensorgraph {", "  rankdir=TB;", "  node [shape=box, fontname=\"Helvetica\", fontsize=10];"
        ]
        var frameLines: [Int: [String]] = [:]
        for node in nodes {
            let shapes = node.outputs.map { "\($0.dtype) \($0.shape)" }.joined(separator: "\\n")
            var label = "\(node.name)\\n\(node.op)" + (shapes.isEmpty ? "" : "\\n" + shapes)
            var style = ""
            if let message = failed[node.name] {
                label += "\\n" + message
                style = ", color=red, fontcolor=red"
            }
            let labelText = quoted(label).replacingOccurrences(of: "\\\\n", with: "\\n")
            let line = "\(quoted(node.name)) [label=\(labelText)\(style)];"
            if let frame = frames?.frameOf[node.name], frame > 0 {
                frameLines[frame, default: []].append(line)
            } else {
                lines.append("  " + line)
            }
            for input in node.inputs {
                lines.append(
                    "  \(quoted(input.node)) -> "
                        + "\(quoted(node.name))\(input.index == 0 ? "" : " [label=\"\(input.index)\"]");")
            }
            for control in node.controlInputs {
                lines.append("  \(quoted(control)) -> \(quoted(node.name)) [style=dashed];")
            }
        }
        if let frames { lines += clusters(frames, nodeLines: frameLines, parent: 0, indent: "  ") }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    /// The DOT clusters of the frames inside `parent`, each holding its nodes and the frames inside it.
    private func clusters(_ frames: LoopFrames, nodeLines: [Int: [String]], parent: Int, indent: String) -> [String] {
        frames.frames.indices.filter { frames.frames[$0].parent == parent }.flatMap { frame -> [String] in
            let name = frames.frames[frame].name.replacingOccurrences(of: "\"", with: "\\\"")
            return ["\(indent)subgraph \"cluster_\(frame)\" {", "\(indent)  label=\"\(name)\"; style=dashed;"]
                + (nodeLines[frame] ?? []).map { indent + "  " + $0 }
                + clusters(frames, nodeLines: nodeLines, parent: frame, indent: indent + "  ") + ["\(indent)}"]
        }
    }
}
