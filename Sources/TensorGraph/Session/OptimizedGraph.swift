extension Graph {
    /// The part of the graph a run of `fetches` needs, cut at `feeds`, rewritten by the graph
    /// optimizer's passes for `profile`, as a graph of its own: what a session would run, and
    /// what `tensorgraph optimize` writes. Values the passes computed are Consts; a fed tensor's
    /// node becomes a Placeholder of its dtype and shape (a node without inputs stays as it is);
    /// variables the run reads are kept as they are. The default profile holds only ops that
    /// TensorFlow's own CPU kernels run, so that TensorFlow imports and runs the graph too.
    ///
    /// - Returns: the graph, and what the optimizer did (when a pass failed, the graph is the cut
    ///   graph as written and the report says why).
    /// - Throws: ``GraphError`` for unknown names, and for a fed output of a node with several
    ///   outputs, which no Placeholder can stand in for.
    public func optimized(fetches: [Output], feeds: [Output] = [], targets: [Operation] = [],
                          profile: OptimizationProfile = .tensorFlow)
        throws -> (graph: Graph, report: OptimizationReport) {
        var planGraph = try PlanGraph(graph: self, fetches: fetches, feeds: feeds, targets: targets.map(\.name))
        let report = GraphOptimizer(isEnabled: true, profile: profile).optimize(&planGraph)
        let graph = try planGraph.exported()
        (graph.producerVersion, graph.minimumConsumerVersion) = (producerVersion, minimumConsumerVersion)
        return (graph, report)
    }
}

extension PlanGraph {
    /// The run's nodes in dependency order, each after the fed, constant and variable nodes it reads.
    func exported() throws -> Graph {
        let exported = Graph()
        var written = Set<String>()
        /// Where a constant output of a node with several outputs went: a Const of its own.
        var constantNames: [Output: Output] = [:]
        func write(_ node: Node) {
            exported.append(node)
            written.insert(node.name)
        }
        func uniqueName(_ base: String) -> String {
            var name = base, suffix = 1
            while nodes[name] != nil || written.contains(name) {
                name = "\(base)_\(suffix)"
                suffix += 1
            }
            return name
        }
        for output in fed.sorted(by: { $0.description < $1.description }) where !written.contains(output.node) {
            let node = try checkOutput(output, role: "feed")
            if node.inputs.isEmpty && node.controlInputs.isEmpty {
                write(node)
            } else if node.outputs.count == 1 {
                write(Node(name: node.name, op: GraphOps.placeholder.name, inputs: [], controlInputs: [],
                           attributes: ["dtype": .type(node.outputs[0].dtype), "shape": .shape(node.outputs[0].shape)],
                           device: node.device, outputs: [node.outputs[0]]))
            } else {
                throw GraphError(.unsupported, node: node.name, op: node.op,
                                 message: "cannot write a graph fed at '\(output)': no Placeholder stands in for one "
                                    + "output of a node with \(node.outputs.count)",
                                 fix: "feed the tensor after it, or leave it unfed")
            }
        }
        func source(of input: Output) -> Output {
            if let renamed = constantNames[input] { return renamed }
            if running.contains(input.node) || written.contains(input.node) { return input }
            if let value = constantValue(input) {
                guard nodes[input.node]?.outputs.count != 1 else {
                    write(GraphOps.constantNode(named: input.node, value: value))
                    return input
                }
                let renamed = Output(node: uniqueName("\(input.node)/output_\(input.index)"))
                write(GraphOps.constantNode(named: renamed.node, value: value))
                constantNames[input] = renamed
                return renamed
            }
            // A variable read in place, or a reference input: the node as it is.
            if let node = nodes[input.node] { write(node) }
            return input
        }
        var layouts: [String: [InputSpec]] = [:]
        for name in running { layouts[name] = try layout(of: nodes[name]!) }
        for node in try Plan.topologicalOrder(self, layouts: layouts) {
            let inputs = node.inputs.map(source(of:))
            // A constant orders nothing (a frozen graph's former variable reads, under its output's
            // NoOp): control inputs on one go, rather than keep a copy of every weight.
            let controls = node.controlInputs.filter { !constants.contains($0) }
                .map { source(of: Output(node: $0)).node }
            write(Node(name: node.name, op: node.op, inputs: inputs, controlInputs: controls,
                       attributes: node.attributes, device: node.device, outputs: node.outputs))
        }
        for output in fetches { _ = source(of: output) }
        return exported
    }
}
