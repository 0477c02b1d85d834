extension Graph {
    /// Adds the ops computing d(sum of `ys`)/d`xs` to the graph, as `tf.gradients(ys, xs, grad_ys)`,
    /// and returns one gradient per x (`nil` where `ys` do not depend on it).
    ///
    /// Each op's gradient is built from its definition with TensorFlow's op names
    /// (`Conv2DBackpropInput`, `ReluGrad`, ...) under the scope `gradients/`, so a training graph
    /// exported from here imports into TensorFlow.
    ///
    /// - Parameter initialGradients: dy for each y (`grad_ys`); ones when `nil`.
    public func gradients(of ys: [Output], withRespectTo xs: [Output], initialGradients: [Output]? = nil,
                          name: String = "gradients") throws -> [Output?] {
        let all = nodes
        let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
        var consumers: [String: [String]] = [:]
        for node in all { for input in node.inputs { consumers[input.node, default: []].append(node.name) } }

        // The ops on some path from an x to a y.
        var reachable = Set<String>()
        var stack = xs.map(\.node)
        while let name = stack.popLast() {
            guard reachable.insert(name).inserted else { continue }
            stack += consumers[name, default: []]
        }
        var between = Set<String>()
        stack = ys.map(\.node)
        while let name = stack.popLast() {
            guard reachable.contains(name), between.insert(name).inserted, let node = byName[name] else { continue }
            stack += node.inputs.map(\.node)
        }
        // Each op is processed once every op consuming it has passed its gradient back.
        var pending: [String: Int] = [:]
        for name in between {
            for input in byName[name]!.inputs where between.contains(input.node) { pending[input.node, default: 0] += 1 }
        }

        return try withNameScope(name) {
            var arriving: [Output: [Output]] = [:]
            for (index, y) in ys.enumerated() {
                arriving[y, default: []].append(try initialGradients?[index] ?? onesLike(y, name: "grad_ys_\(index)"))
            }
            var ready = all.filter { between.contains($0.name) && pending[$0.name, default: 0] == 0 }.map(\.name)
            while let name = ready.popLast() {
                let node = byName[name]!
                let outputGradients = try node.outputs.indices.map { try sum(arriving[Output(node: name, index: $0)]) }
                var inputGradients: [Output?] = Array(repeating: nil, count: node.inputs.count)
                if outputGradients.contains(where: { $0 != nil }) {
                    inputGradients = try gradientsOfInputs(node, outputGradients)
                }
                for (input, gradient) in zip(node.inputs, inputGradients) where between.contains(input.node) {
                    if let gradient { arriving[input, default: []].append(gradient) }
                }
                for input in node.inputs where between.contains(input.node) {
                    pending[input.node]! -= 1
                    if pending[input.node] == 0 { ready.append(input.node) }
                }
            }
            return try xs.map { try sum(arriving[$0]) }
        }
    }

    /// d`y`/d`xs` for a single y.
    public func gradients(of y: Output, withRespectTo xs: [Output]) throws -> [Output?] {
        try gradients(of: [y], withRespectTo: xs)
    }

    /// Runs the node's gradient function in its own scope (`gradients/<node>_grad`).
    private func gradientsOfInputs(_ node: Node, _ outputGradients: [Output?]) throws -> [Output?] {
        guard let definition = OpRegistry.definition(named: node.op) else {
            throw GraphError(.unsupported, node: node.name, op: node.op, message: "unknown op '\(node.op)'")
        }
        switch definition.gradient {
        case .notDifferentiable:
            return Array(repeating: nil, count: node.inputs.count)
        case .none:
            throw GraphError(.unsupported, node: node.name, op: definition.label,
                             message: "no gradient is defined for \(node.op), and a gradient must flow through it here",
                             fix: "stop the gradient before this op, or leave its inputs out of the variables being trained")
        case .function(let build):
            let gradients = try withNameScope(node.name + "_grad") {
                try build(GradientContext(graph: self, node: node, outputGradients: outputGradients))
            }
            guard gradients.count == node.inputs.count else {
                throw GraphError(.runtime, node: node.name, op: node.op,
                                 message: "the gradient gave \(gradients.count) results for \(node.inputs.count) inputs")
            }
            return gradients
        }
    }

    /// The sum of several gradients of one tensor (TensorFlow's `AddN`), the one when alone.
    private func sum(_ gradients: [Output]?) throws -> Output? {
        guard let gradients, let first = gradients.first else { return nil }
        return gradients.count == 1 ? first : try addOutput("AddN", name: "AddN", inputs: gradients)
    }
}
