extension Graph {
    /// Adds a node running `op` on `inputs` and returns its outputs; the op's attributes default as
    /// in TensorFlow, and shape inference runs before the node is added.
    ///
    /// This is the low-level entry every typed builder
    /// (``conv2d(_:filter:strides:padding:dataFormat:dilations:explicitPaddings:name:)``, ...) goes
    /// through; use it for ops without a typed builder.
    ///
    /// - Parameters:
    ///   - op: TensorFlow's op name, such as `"Conv2D"`.
    ///   - name: the node's name before scoping and de-duplication; the op name when `nil`.
    ///   - inputs: the data inputs.
    ///   - attributes: attributes; missing ones take TensorFlow's defaults.
    ///   - controlInputs: operations that must run first.
    /// - Throws: ``GraphError`` when the op is unknown, an input does not exist, or the inputs'
    ///   dtypes or shapes do not fit the op.
    @discardableResult
    public func addNode(_ op: String, name: String? = nil, inputs: [Output] = [],
                        attributes: [String: AttrValue] = [:], controlInputs: [Operation] = []) throws -> [Output] {
        let node = try add(op, name: name, inputs: inputs, attributes: attributes, controlInputs: controlInputs)
        return node.outputs.indices.map { Output(node: node.name, index: $0) }
    }

    /// Adds a node and returns it.
    func add(_ op: String, name: String?, inputs: [Output], attributes: [String: AttrValue],
             controlInputs: [Operation]) throws -> Node {
        guard let definition = OpRegistry.definition(named: op) else {
            throw GraphError(.unsupported, node: name, op: op, message: "unknown op '\(op)'",
                             fix: NameSuggestion.hint(for: op, among: OpRegistry.names))
        }
        let nodeName = try resolveName(name, default: definition.label)
        let (inputs, controls) = try contextualized(inputs, controls: controlDependencyStack.flatMap { $0 }
                                                        + controlInputs.map(\.name))
        let node = try GraphError.locating(nodeName, at: { controlFlowContext?.location }) {
            try makeNode(definition, name: nodeName, inputs: inputs, attributes: attributes,
                         controlInputs: controls, device: "")
        }
        append(node)
        recordMember(node.name)
        return node
    }

    /// The unique name for a new node. A name ending in "/" is taken as it is, without the slash,
    /// as in TensorFlow: that is how a composite op names its main node after its own scope.
    func resolveName(_ name: String?, default fallback: String) throws -> String {
        guard let name, name.hasSuffix("/") else { return uniqueName(name ?? fallback) }
        let exact = String(name.dropLast())
        guard !contains(exact) else {
            throw GraphError(.duplicateName, node: exact, message: "a node with this name already exists")
        }
        reserve(exact)
        return exact
    }

    /// Adds a node with exactly one output and returns it.
    func addOutput(_ op: String, name: String? = nil, inputs: [Output] = [],
                   attributes: [String: AttrValue] = [:]) throws -> Output {
        try addNode(op, name: name, inputs: inputs, attributes: attributes)[0]
    }

    /// Adds a node run for its effect and returns it as an operation.
    func addOperation(_ op: String, name: String? = nil, inputs: [Output] = [],
                      attributes: [String: AttrValue] = [:], controlInputs: [Operation] = []) throws -> Operation {
        Operation(
            name: try add(op, name: name, inputs: inputs, attributes: attributes, controlInputs: controlInputs).name)
    }

    /// Checks a node against its op definition and infers its outputs; does not add it.
    func makeNode(_ definition: OpDefinition, name: String, inputs: [Output], attributes: [String: AttrValue],
                  controlInputs: [String], device: String) throws -> Node {
        var inputInfos: [TensorInfo?] = []
        for input in inputs {
            if definition.traits.controlFlow == .mergeFirstLive && !contains(input.node) {
                inputInfos.append(nil)
                continue
            }
            do {
                inputInfos.append(try info(of: input))
            } catch var error as GraphError {
                error.message = "input '\(input)' of '\(name)': " + error.message
                throw error
            }
        }
        let knownInputs = try fillingBackEdges(inputInfos, of: name, op: definition.label, attributes: attributes)
        for control in controlInputs where !contains(control) { throw unknownNode(control) }
        let resolved = try AttributeResolver(definition: definition, node: name)
            .resolve(attributes, inputs: knownInputs)
        let context = InferenceContext(node: name, op: definition.label, attributes: resolved, inputs: knownInputs)
        var outputs = try definition.shape(context)
        if definition.folds && controlInputs.isEmpty {
            outputs = try ConstantFolding.fold(definition, context: context, outputs: outputs)
        }
        return Node(name: name, op: definition.name, inputs: inputs, controlInputs: controlInputs,
                    attributes: resolved.values, device: device, outputs: outputs)
    }
}

extension Graph {
    /// A loop's Merge reads its NextIteration, which is built after it (the loop's back edge): until
    /// then that input is a tensor of the Merge's dtype and unknown shape, as in TensorFlow's
    /// importer. Every other input must exist.
    func fillingBackEdges(_ inputs: [TensorInfo?], of node: String, op: String,
                          attributes: [String: AttrValue]) throws -> [TensorInfo] {
        guard inputs.contains(where: { $0 == nil }) else { return inputs.map { $0! } }
        var declared: DType? = nil
        if case .type(let dtype)? = attributes["T"] { declared = dtype }
        guard let dtype = declared ?? inputs.lazy.compactMap({ $0?.dtype }).first else {
            throw GraphError(.notFound, node: node, op: op, message: "none of its inputs exists yet",
                             fix: "a Merge may read a NextIteration built after it, but its other input must exist")
        }
        return inputs.map { $0 ?? TensorInfo(dtype, .unknown) }
    }
}
