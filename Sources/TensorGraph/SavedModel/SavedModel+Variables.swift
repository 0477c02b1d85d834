extension SavedModel {
    /// The checkpoint keys of the variables a TF2 SavedModel's calls capture, by handle node name.
    ///
    /// `tf.saved_model.save` keeps each variable in `variables/` under its object-graph path (the
    /// first path from the root, breadth first, through the SavedObjectGraph's children, each
    /// local name escaped) followed by `/.ATTRIBUTES/VARIABLE_VALUE`. A call node's function is a
    /// concrete function whose `bound_inputs` name the objects it captures; they are the call's
    /// last inputs, in order, so each variable object meets the VarHandleOp node that feeds it.
    static func capturedVariableKeys(_ nodes: [SavedModelProtos.NodeSkeleton], needed: Set<Int>,
                                     objects: SavedModelProtos.ObjectGraph) -> [String: String] {
        guard !objects.children.isEmpty else { return [:] }  // a TF1 model has no object graph
        var paths: [Int: String] = [0: ""], queue = [0], next = 0
        while next < queue.count {
            let id = queue[next]
            next += 1
            for child in objects.children[id]
            where objects.children.indices.contains(child.id) && paths[child.id] == nil {
                let parent = paths[id]!
                paths[child.id] = (parent.isEmpty ? "" : parent + "/") + escape(child.name)
                queue.append(child.id)
            }
        }
        var keys: [String: String] = [:]
        for position in needed.sorted() {
            let node = nodes[position]
            guard let function = node.function, let bound = objects.boundInputs[function] else { continue }
            let data = node.inputs.filter { !$0.hasPrefix("^") }
            for (input, id) in zip(data.suffix(bound.count), bound) where objects.isVariable.indices.contains(id) {
                guard objects.isVariable[id], let path = paths[id] else { continue }
                keys[Output(input).node] = path + "/.ATTRIBUTES/VARIABLE_VALUE"
            }
        }
        return keys
    }

    /// A local name as a checkpoint key part: "." doubled, "/" as ".S" (TensorFlow's
    /// `escape_local_name`), so that "/" only ever separates path parts.
    private static func escape(_ name: String) -> String {
        name.replacingOccurrences(of: ".", with: "..").replacingOccurrences(of: "/", with: ".S")
    }
}
