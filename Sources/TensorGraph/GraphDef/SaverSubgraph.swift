/// The nodes of a graph's own `tf.compat.v1.train.Saver`, which loading leaves out: TensorGraph
/// restores and saves variables itself (``Saver``, `--checkpoint`), and the saver's nodes are
/// string constants (file and tensor names) and ops it lacks. A TF1 graph written with
/// `tf.io.write_graph(sess.graph_def, ...)` after its Saver was made holds them (`save/SaveV2`,
/// `save/RestoreV2`, `save/Assign_*`, `save/restore_all`, `save/filename`, ...).
///
/// Left out are: every node of a checkpoint op (`OpRegistry.isCheckpointOp`); every node that
/// depends on one, through data or control edges (the Assigns of restored values, `restore_all`);
/// and, working back from those, every node that only they consume and that could not load
/// anyway (a string constant, a string op such as the sharded saver's StringJoin) or has no inputs
/// (the sharded saver's `num_shards` constant).
struct SaverSubgraph {
    /// The names of the nodes left out, each with the name of a checkpoint-op node it serves.
    let nodes: [String: String]

    init(_ definitions: [NodeDef]) {
        var leftOut: [String: String] = [:]
        var consumers: [String: [Int]] = [:]
        for (position, node) in definitions.enumerated() {
            for input in Set(node.inputs.map(\.node) + node.controlInputs) {
                consumers[input, default: []].append(position)
            }
            if OpRegistry.isCheckpointOp(node.op) { leftOut[node.name] = node.name }
        }
        guard !leftOut.isEmpty else {
            nodes = [:]
            return
        }
        // Forward: whatever depends on a checkpoint op.
        var pending = Array(leftOut.keys)
        while let name = pending.popLast() {
            for position in consumers[name, default: []] where leftOut[definitions[position].name] == nil {
                leftOut[definitions[position].name] = leftOut[name]
                pending.append(definitions[position].name)
            }
        }
        // Backward: constants and nodes that cannot load, feeding only what is left out, until none is added.
        var changed = true
        while changed {
            changed = false
            for node in definitions where leftOut[node.name] == nil && Self.servesOnlyTheSaver(node) {
                let users = consumers[node.name, default: []].map { definitions[$0].name }
                guard let served = users.first.flatMap({ leftOut[$0] }), users.allSatisfy({ leftOut[$0] != nil }) else {
                    continue
                }
                leftOut[node.name] = served
                changed = true
            }
        }
        nodes = leftOut
    }

    /// Whether `node`, when only the saver consumes it, is the saver's own: it has no inputs, or
    /// its attributes hold a dtype TensorGraph lacks or strings (the sharded saver's Select of file
    /// names), or its op is one TensorGraph does not know.
    private static func servesOnlyTheSaver(_ node: NodeDef) -> Bool {
        (node.inputs.isEmpty && node.controlInputs.isEmpty) || node.unsupportedDType != nil
            || node.attributes.values.contains(.type(.string)) || OpRegistry.definition(named: node.op) == nil
    }
}
