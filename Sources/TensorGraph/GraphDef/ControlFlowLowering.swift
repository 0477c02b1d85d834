/// Rewrites one functional control-flow node (If, While, Case; see ``FunctionalControlFlowOps``)
/// into TensorFlow 1's control-flow ops around `PartitionedCall`s of its functions, which the
/// inliner then replaces by their bodies, as TensorFlow's `lower_if_op.cc`, `lower_while_op.cc`
/// and `lower_case_op.cc` do. The node's name ends up on an `IdentityN` of its results, so readers
/// of `node:k` and `^node` are untouched.
struct ControlFlowLowering {
    let node: NodeDef
    /// What the new nodes' names start with.
    let prefix: String
    private var lowered: [NodeDef] = []

    /// Whether `node` is a functional control-flow node, which loading lowers.
    static func lowers(_ node: NodeDef) -> Bool { FunctionalControlFlowOps.forms[node.op] != nil }

    /// The nodes that replace `node`, or `nil` when it is not a functional control-flow node. The
    /// new nodes are named under the node's name (`if/merge_0`), or under `if/lowered_1/` and so on
    /// when one of those names is among `taken`; their names join `taken`.
    static func lower(_ node: NodeDef, taken: inout Set<String>) throws -> [NodeDef]? {
        guard FunctionalControlFlowOps.forms[node.op] != nil else { return nil }
        var attempt = 0
        while true {
            let nodes = try lower(node, prefix: node.name + (attempt == 0 ? "/" : "/lowered_\(attempt)/"))
            let names = nodes.dropLast().map(\.name)
            if names.allSatisfy({ !taken.contains($0) }) {
                taken.formUnion(names)
                return nodes
            }
            attempt += 1
        }
    }

    private static func lower(_ node: NodeDef, prefix: String) throws -> [NodeDef] {
        var lowering = ControlFlowLowering(node: node, prefix: prefix)
        switch FunctionalControlFlowOps.forms[node.op]! {
        case .conditional(let thenBranch, let elseBranch):
            let branches = [try lowering.function(elseBranch), try lowering.function(thenBranch)]
            try lowering.lowerConditional(branches: branches, selectsByIndex: false)
        case .selection(let branches):
            guard case .functions(let references)? = node.attributes[branches], !references.isEmpty else {
                throw lowering.error("has no functions in its '\(branches)' attribute")
            }
            try lowering.lowerConditional(branches: references, selectsByIndex: true)
        case .loop(let condition, let body):
            try lowering.lowerLoop(condition: try lowering.function(condition), body: try lowering.function(body))
        }
        return lowering.lowered
    }

    private init(node: NodeDef, prefix: String) { (self.node, self.prefix) = (node, prefix) }

    // MARK: Branches

    /// If (two branches: else, then) and Case (any number): a Switch of the selector and of each
    /// input sends values only to the branch taken; a Merge per result takes the live one.
    private mutating func lowerConditional(branches: [FunctionReference], selectsByIndex: Bool) throws {
        guard let selector = node.inputs.first else { throw error("has no condition input") }
        let inputs = Array(node.inputs.dropFirst())
        let inputTypes = try types("Tin", count: inputs.count)
        let outputTypes = try types("Tout", count: nil)
        let switchOp = selectsByIndex ? "_SwitchN" : "Switch"
        let predicateType: AttrValue = .type(selectsByIndex ? .int32 : .bool)
        let predicate = try selectsByIndex ? selector
            : truthValue(selector, type: try type(of: "Tcond", default: .bool))
        let fanout: [String: AttrValue] = selectsByIndex ? ["num_outs": .int(branches.count)] : [:]
        let selectorSwitch = add("switch_pred", switchOp, [predicate, predicate],
                                 fanout.merging(["T": predicateType]) { $1 }, controls: node.controlInputs)
        let switched = inputs.enumerated().map { index, input in
            add("input_\(index)", switchOp, [input, predicate], fanout.merging(["T": .type(inputTypes[index])]) { $1 },
                controls: node.controlInputs)
        }
        var calls: [String] = [], done: [Output] = []
        for (branch, function) in branches.enumerated() {
            let pivot = add("pivot_\(branch)", "Identity", [Output(node: selectorSwitch, index: branch)],
                            ["T": predicateType])
            let call = add("branch_\(branch)", "PartitionedCall",
                           switched.map { Output(node: $0, index: branch) }, ["f": .function(function)],
                           controls: [pivot])
            calls.append(call)
            done.append(Output(node: add("branch_\(branch)_done", "Identity", [Output(node: pivot)],
                                         ["T": predicateType], controls: [call])))
        }
        let executed = add("branch_executed", "Merge", done, ["T": predicateType, "N": .int(done.count)])
        let merges = outputTypes.enumerated().map { index, type in
            Output(node: add("merge_\(index)", "Merge", calls.map { Output(node: $0, index: index) },
                             ["T": .type(type), "N": .int(calls.count)]))
        }
        finish(results: merges, types: outputTypes, controls: [executed])
    }

    /// The predicate an If's Switches read: the selector itself when it is a bool, otherwise a
    /// scalar's truth, as TensorFlow's If takes it: not zero.
    private mutating func truthValue(_ selector: Output, type: DType) throws -> Output {
        if type == .bool { return selector }
        let zero = add("zero", "Const", [], ["dtype": .type(type), "value": .tensor(Tensor(zeros: [], dtype: type))],
                       controls: [selector.node])
        return Output(node: add("cond_truth", "NotEqual", [selector, Output(node: zero)], ["T": .type(type)]))
    }

    // MARK: Loops

    /// While: each loop variable enters the frame named after the node, a Merge takes it or the
    /// previous iteration's value, the condition's call decides through LoopCond, the body's call
    /// runs on the Switches' true side and feeds NextIteration, and the false side exits.
    private mutating func lowerLoop(condition: FunctionReference, body: FunctionReference) throws {
        let types = try types("T", count: node.inputs.count)
        guard !types.isEmpty else { throw error("has no loop variables") }
        let parallel = node.attributes["parallel_iterations"] ?? .int(10)
        let merges = node.inputs.enumerated().map { index, input in
            let entered = add("enter_\(index)", "Enter", [input],
                              ["T": .type(types[index]), "frame_name": .string(node.name), "is_constant": .bool(false),
                               "parallel_iterations": parallel], controls: node.controlInputs)
            return Output(node: add("merge_\(index)", "Merge", [Output(node: entered),
                                                                Output(node: name("next_iteration_\(index)"))],
                                    ["T": .type(types[index]), "N": .int(2)]))
        }
        // The calls wait on a node of the loop so that their bodies' constants run in its frame.
        let decision = add("cond", "PartitionedCall", merges, ["f": .function(condition)], controls: [merges[0].node])
        let loopCondition = add("loop_cond", "LoopCond", [Output(node: decision)], [:])
        let switches = merges.enumerated().map { index, merge in
            add("switch_\(index)", "Switch", [merge, Output(node: loopCondition)], ["T": .type(types[index])])
        }
        let current = switches.enumerated().map { index, switched in
            Output(node: add("identity_\(index)", "Identity", [Output(node: switched, index: 1)],
                             ["T": .type(types[index])]))
        }
        let next = add("body", "PartitionedCall", current, ["f": .function(body)], controls: [current[0].node])
        for index in types.indices {
            add("next_iteration_\(index)", "NextIteration", [Output(node: next, index: index)],
                ["T": .type(types[index])])
        }
        let exits = switches.enumerated().map { index, switched in
            Output(node: add("exit_\(index)", "Exit", [Output(node: switched, index: 0)], ["T": .type(types[index])]))
        }
        finish(results: exits, types: types, controls: [])
    }

    // MARK: Building

    /// The node that stands in for the lowered one under its name.
    private mutating func finish(results: [Output], types: [DType], controls: [String]) {
        let op = results.isEmpty ? FunctionCallOps.emptyResultOp : FunctionCallOps.resultOp
        lowered.append(NodeDef(name: node.name, op: op, inputs: results, controlInputs: controls, device: node.device,
                               attributes: results.isEmpty ? [:] : ["T": .types(types)]))
    }

    private func name(_ suffix: String) -> String { prefix + suffix }

    @discardableResult
    private mutating func add(_ suffix: String, _ op: String, _ inputs: [Output], _ attributes: [String: AttrValue],
                              controls: [String] = []) -> String {
        lowered.append(NodeDef(name: name(suffix), op: op, inputs: inputs, controlInputs: controls,
                               device: node.device, attributes: attributes))
        return name(suffix)
    }

    private func function(_ attribute: String) throws -> FunctionReference {
        guard case .function(let reference)? = node.attributes[attribute] else {
            throw error("has no function in its '\(attribute)' attribute")
        }
        return reference
    }

    /// The list(type) attribute `name`, checked to hold `count` dtypes when given.
    private func types(_ name: String, count: Int?) throws -> [DType] {
        let types: [DType]
        switch node.attributes[name] {
        case .types(let list)?: types = list
        case let value? where value.isEmptyList: types = []
        case nil where count == 0: types = []
        default: throw error("has no list(type) attribute '\(name)'")
        }
        if let count, types.count != count {
            throw error("has \(count) input(s) but its '\(name)' attribute lists \(types.count) dtype(s)")
        }
        return types
    }

    private func type(of attribute: String, default fallback: DType) throws -> DType {
        guard let value = node.attributes[attribute] else { return fallback }
        guard case .type(let type) = value else { throw error("its '\(attribute)' attribute is not a dtype") }
        return type
    }

    private func error(_ message: String) -> GraphError {
        GraphError(.invalidFile, node: node.name, op: node.op, message: message,
                   fix: "export the graph with TensorFlow's own If, While or Case attributes")
    }
}
