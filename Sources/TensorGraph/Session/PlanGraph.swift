/// The part of a graph one run needs, as the optimizer's passes rewrite it before the plan is
/// scheduled: the nodes to run (cut at the feeds), the constants they read, and who reads what.
/// Passes change it only through its methods, which keep the readers current.
struct PlanGraph {
    /// Every node by name: the graph's, with rewritten ones replaced and new ones added.
    private(set) var nodes: [String: Node]
    /// Each node's place in the graph's order, which breaks ties when scheduling.
    private(set) var positions: [String: Int]
    /// The nodes the run runs.
    private(set) var running: Set<String>
    /// The nodes read as values known before the run: the same on every run.
    private(set) var constants: Set<String>
    /// For each node, the running nodes that read one of its outputs, once per input.
    private(set) var readers: [String: [String]] = [:]
    /// For each node, the running nodes that wait for it (control inputs).
    private(set) var waiters: [String: Set<String>] = [:]
    let fed: Set<Output>
    let fetches: [Output]
    let targets: [String]
    /// The graph, for messages about names.
    let graph: Graph

    /// Cuts `graph` to what `fetches` and `targets` need, with `feeds` standing in for the tensors
    /// they replace. Throws for unknown names and ops.
    init(graph: Graph, fetches: [Output], feeds: [Output], targets: [String]) throws {
        self.graph = graph
        (self.fed, self.fetches, self.targets) = (Set(feeds), fetches, targets)
        var nodes: [String: Node] = [:], positions: [String: Int] = [:]
        for (position, node) in graph.nodes.enumerated() {
            nodes[node.name] = node
            positions[node.name] = position
        }
        (self.nodes, self.positions, self.running) = (nodes, positions, [])
        constants = []
        for output in feeds { _ = try checkOutput(output, role: "feed") }
        constants = PlanGraph.constantNames(graph.nodes, fed: fed)

        // Walk back from what the run asks for.
        var stack: [String] = []
        for output in fetches where !fed.contains(output) { stack.append(try checkOutput(output, role: "fetch").name) }
        for target in targets { stack.append(try lookup(target).name) }
        var seen = Set<String>()
        while let name = stack.popLast() {
            guard seen.insert(name).inserted, !constants.contains(name) else { continue }
            let node = try lookup(name)
            running.insert(name)
            for (spec, input) in zip(try layout(of: node), node.inputs) where runsProducer(spec, input) {
                stack.append(try lookup(input.node).name)
            }
            for control in node.controlInputs { stack.append(try lookup(control).name) }
        }
        for name in running { addReaders(of: nodes[name]!) }
    }

    /// Constants are read from their values rather than run: a Const, and a value folded while
    /// building from constants alone (a frozen graph's Identity of each weight). A node reading
    /// anything else (a fed value, a variable: even Shape of a variable, whose shape an
    /// assignment may change) runs. Graph order puts every input before its readers.
    private static func constantNames(_ nodes: [Node], fed: Set<Output>) -> Set<String> {
        var names: Set<String> = []
        for node in nodes where node.controlInputs.isEmpty && node.outputs.count == 1
                                && !fed.contains(Output(node: node.name)) {
            guard let value = node.outputs[0].value, value.dtype == node.outputs[0].dtype,
                  OpRegistry.definition(named: node.op)?.folds == true,
                  node.inputs.allSatisfy({ names.contains($0.node) }) else { continue }
            names.insert(node.name)
        }
        return names
    }

    // MARK: Reading

    /// The node named `name`, or the graph's error naming close names.
    func lookup(_ name: String) throws -> Node {
        guard let node = nodes[name] else { throw graph.unknownNode(name) }
        return node
    }

    /// The definition of a node's op, or the error for an op TensorGraph does not know.
    func definition(of node: Node) throws -> OpDefinition {
        guard let definition = OpRegistry.definition(named: node.op) else {
            throw GraphError(.unsupported, node: node.name, op: node.op, message: "unknown op '\(node.op)'")
        }
        return definition
    }

    /// The node's inputs as its op declares them, one spec per input.
    func layout(of node: Node) throws -> [InputSpec] {
        let definition = try definition(of: node)
        return try definition.expandedInputs(Attributes(node.attributes, node: node.name, op: definition.label))
    }

    /// An input needs its producer to run unless it is fed, a reference, or a variable read in place.
    func runsProducer(_ spec: InputSpec, _ input: Output) -> Bool {
        guard !spec.isReference, !fed.contains(input), let producer = nodes[input.node] else { return false }
        return OpRegistry.definition(named: producer.op)?.traits.isVariable != true
    }

    /// The node `output` belongs to, checked to have that output.
    func checkOutput(_ output: Output, role: String) throws -> Node {
        let node: Node
        do { node = try lookup(output.node) } catch var error as GraphError {
            error.message = "cannot \(role) '\(output)': " + error.message
            throw error
        }
        guard output.index < node.outputs.count else {
            throw GraphError(.notFound, node: node.name, op: node.op,
                             message: "cannot \(role) '\(output)': the node has \(node.outputs.count) output(s)")
        }
        return node
    }

    /// The value of `output` when its node is a constant of this run.
    func constantValue(_ output: Output) -> Tensor? {
        guard constants.contains(output.node), !fed.contains(output) else { return nil }
        return nodes[output.node]?.outputs[output.index].value
    }

    /// Where a node's input comes from in a run.
    enum InputKind {
        /// A variable passed by reference; the kernel gets its name.
        case reference
        /// A VariableV2's value, read when the consuming node runs.
        case variable
        /// The same value on every run.
        case constant(Tensor)
        /// Computed or fed in the run.
        case computed
    }

    /// Where `input`, declared by `spec`, comes from in this run.
    func kind(of input: Output, spec: InputSpec) -> InputKind {
        if fed.contains(input) { return .computed }
        if spec.isReference { return .reference }
        if !runsProducer(spec, input) { return .variable }
        if let value = constantValue(input) { return .constant(value) }
        return .computed
    }

    /// Whether a node reading the computed `input` must check its shapes again when it runs: the
    /// input's shape is not fully known, or a feed replaces a value the build relied on (a
    /// constant, a shape value). A feed is checked against the static shape on its own.
    func needsShapeCheck(reading input: Output) -> Bool {
        let known = info(of: input)
        let fedKnownValue = fed.contains(input) && (known?.value != nil || known?.shapeValue != nil)
        return fedKnownValue || !(known?.shape.isFullyDefined ?? false)
    }

    /// What is known of `output` while planning.
    func info(of output: Output) -> TensorInfo? {
        guard let node = nodes[output.node], output.index < node.outputs.count else { return nil }
        return node.outputs[output.index]
    }

    /// Whether the run branches or loops: one of its nodes is a Switch, Merge, Enter, Exit or
    /// NextIteration.
    var hasControlFlow: Bool {
        get throws { try running.contains { try definition(of: nodes[$0]!).traits.controlFlow != nil } }
    }

    /// Whether a pass must leave the node as it is: the run fetches or feeds one of its outputs,
    /// runs it as a target, or something waits for it.
    func isPinned(_ name: String) -> Bool {
        targets.contains(name) || !(waiters[name]?.isEmpty ?? true)
            || fetches.contains { $0.node == name } || fed.contains { $0.node == name }
    }

    /// Whether `name` runs and its outputs are read by exactly one running node, once, and the
    /// node may be rewritten away.
    func hasSoleReader(_ name: String) -> Bool {
        running.contains(name) && readers[name]?.count == 1 && !isPinned(name)
    }

    /// The running nodes that read one of `name`'s outputs.
    func readerNodes(of name: String) -> [Node] {
        Set(readers[name] ?? []).compactMap { nodes[$0] }
    }

    // MARK: Rewriting

    /// Puts `node` in the place of the node of the same name (or adds it, running, after
    /// `position`'s node), keeping readers current.
    mutating func replace(_ node: Node, placedAfter position: String? = nil) {
        if let old = nodes[node.name], running.contains(node.name) { removeReaders(of: old) }
        if positions[node.name] == nil { positions[node.name] = position.flatMap { positions[$0] } ?? positions.count }
        nodes[node.name] = node
        constants.remove(node.name)
        running.insert(node.name)
        addReaders(of: node)
    }

    /// Adds a constant node holding `value`, named after `name` and unique in the graph.
    mutating func addConstant(_ value: Tensor, named name: String) -> Output {
        var unique = name, suffix = 1
        while nodes[unique] != nil {
            unique = "\(name)_\(suffix)"
            suffix += 1
        }
        nodes[unique] = GraphOps.constantNode(named: unique, value: value)
        positions[unique] = -1
        constants.insert(unique)
        return Output(node: unique)
    }

    /// Takes `name` out of the run; its readers must have been given other inputs.
    mutating func remove(_ name: String) {
        guard running.remove(name) != nil, let node = nodes[name] else { return }
        removeReaders(of: node)
    }

    /// Turns a running node into a constant of the run with the values it would compute.
    mutating func fold(_ name: String, into values: [Tensor]) {
        guard let node = nodes[name] else { return }
        remove(name)
        nodes[name] = Node(name: node.name, op: node.op, inputs: node.inputs, controlInputs: node.controlInputs,
                           attributes: node.attributes, device: node.device,
                           outputs: values.map(TensorInfo.init(constant:)))
        constants.insert(name)
    }

    /// Makes every running reader of `old` read `new` instead (both outputs of running nodes or
    /// constants, `old` unpinned).
    mutating func redirectReaders(of old: Output, to new: Output) {
        for reader in readerNodes(of: old.node) where reader.inputs.contains(old) {
            let inputs = reader.inputs.map { $0 == old ? new : $0 }
            replace(Node(name: reader.name, op: reader.op, inputs: inputs, controlInputs: reader.controlInputs,
                         attributes: reader.attributes, device: reader.device, outputs: reader.outputs))
        }
    }

    /// A new node of `op`, checked by its definition as if it were built, with `outputs` taken from
    /// the shape function.
    func makeNode(_ op: String, name: String, inputs: [Output], attributes: [String: AttrValue],
                  controlInputs: [String] = []) throws -> Node {
        guard let definition = OpRegistry.definition(named: op) else {
            throw GraphError(.unsupported, node: name, op: op, message: "unknown op '\(op)'")
        }
        let infos = try inputs.map { input in
            guard let info = info(of: input) else { throw graph.unknownNode(input.node) }
            return info
        }
        let resolved = try AttributeResolver(definition: definition, node: name).resolve(attributes, inputs: infos)
        let outputs = try definition.shape(InferenceContext(node: name, op: definition.label, attributes: resolved,
                                                            inputs: infos))
        return Node(name: name, op: op, inputs: inputs, controlInputs: controlInputs, attributes: resolved.values,
                    device: "", outputs: outputs)
    }

    private mutating func addReaders(of node: Node) {
        for input in node.inputs { readers[input.node, default: []].append(node.name) }
        for control in node.controlInputs { waiters[control, default: []].insert(node.name) }
    }

    private mutating func removeReaders(of node: Node) {
        for input in node.inputs {
            if let index = readers[input.node]?.firstIndex(of: node.name) { readers[input.node]!.remove(at: index) }
        }
        for control in node.controlInputs { waiters[control]?.remove(node.name) }
    }
}
