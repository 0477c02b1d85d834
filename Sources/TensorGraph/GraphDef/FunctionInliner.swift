/// Replaces every function call in a decoded GraphDef — `PartitionedCall` and
/// `StatefulPartitionedCall` nodes, and nodes whose op is a function of the library — by the
/// function's body, as TensorFlow's inliner does at graph construction:
///
/// - body nodes are renamed under the call's name (`call/conv`), made unique if taken;
/// - body inputs naming an argument (`x`, `xs:1`) take the call's inputs, flattened in signature
///   order (list arguments sized by `number_attr` or `type_list_attr`), and `node:out_arg:index`
///   inputs become positions among the node's outputs, from its op definition's output arguments;
/// - attribute placeholders take the call's bound values (`f`'s attributes, then the signature's
///   defaults);
/// - the call's control inputs hold back every body node that depends on nothing else in the body;
/// - a node under the call's own name (an `IdentityN` of the returned tensors, with the
///   `control_ret` nodes as control inputs) passes the results on, so consumers and fetches of
///   `call:k` and `^call` keep working;
/// - calls inside bodies are inlined in turn; recursion and missing functions are errors;
/// - If, While and Case are first lowered to TensorFlow 1's control flow around calls
///   (``ControlFlowLowering``), whose bodies are then inlined the same way.
///
/// The library itself is kept, for ops that name functions without calling them here.
struct FunctionInliner {
    /// Past this many nested calls, inlining stops with an error rather than a deep recursion.
    static let maximumDepth = 100
    /// Past this many inlined nodes (functions calling functions many times over), an error.
    static let maximumNodes = 1 << 20

    private let functions: [String: FunctionDef]
    /// Every node name in use, so that prefixes are unique.
    private var taken: Set<String>
    private var inlinedNodes = 0
    private let maximumNodes: Int

    /// `model` with every function call replaced by the called function's body, in all at most
    /// `maximumNodes` inlined nodes.
    static func inline(_ model: GraphDefModel, maximumNodes: Int = maximumNodes) throws -> GraphDefModel {
        var inliner = FunctionInliner(functions: model.functions, taken: Set(model.nodes.map(\.name)),
                                      maximumNodes: maximumNodes)
        guard model.nodes.contains(where: { inliner.call(of: $0) != nil || ControlFlowLowering.lowers($0) }) else {
            return model
        }
        var result = model
        result.nodes = []
        result.nodes.reserveCapacity(model.nodes.count)
        for node in model.nodes { try inliner.expand(node, callers: [], into: &result.nodes) }
        return result
    }

    private init(functions: [String: FunctionDef], taken: Set<String>, maximumNodes: Int) {
        (self.functions, self.taken, self.maximumNodes) = (functions, taken, maximumNodes)
    }

    /// The function `node` calls and the attributes it binds, or nil when it is no call.
    private func call(of node: NodeDef) -> FunctionReference? {
        if let attribute = FunctionCallOps.functionAttribute[node.op] {
            guard case .function(let reference)? = node.attributes[attribute] else {
                return FunctionReference(name: "", attributes: [:])
            }
            return reference
        }
        return functions[node.op] != nil ? FunctionReference(name: node.op, attributes: node.attributes) : nil
    }

    /// Appends `node` to `nodes`, or, if it is a call, the called function's body and the node
    /// that passes its results on.
    private mutating func expand(_ node: NodeDef, callers: [String], into nodes: inout [NodeDef]) throws {
        if let lowered = try ControlFlowLowering.lower(node, taken: &taken) {
            for part in lowered { try expand(part, callers: callers, into: &nodes) }
            return
        }
        guard let reference = call(of: node) else { return nodes.append(node) }
        let function = try self.function(reference, calledBy: node, callers: callers)
        let scope = FunctionScope(function: function, call: node,
                                  bindings: function.attributeDefaults.merging(reference.attributes) { $1 },
                                  functions: functions)
        let prefix = uniquePrefix(node.name, for: function)
        let arguments = try scope.arguments()
        var results: [NodeDef] = []
        for body in function.nodes {
            inlinedNodes += 1
            guard inlinedNodes <= maximumNodes else {
                throw scope.error("inlines more than \(maximumNodes) nodes in all; its functions call one another "
                                  + "too many times over")
            }
            results.append(try scope.inlined(body, prefix: prefix, arguments: arguments))
        }
        for body in results { try expand(body, callers: callers + [function.name], into: &nodes) }
        nodes.append(try scope.resultNode(prefix: prefix, arguments: arguments))
    }

    /// The function `reference` names, checked to exist and not to be one of its own callers.
    private func function(_ reference: FunctionReference, calledBy node: NodeDef,
                          callers: [String]) throws -> FunctionDef {
        guard !reference.name.isEmpty else {
            throw GraphError(.invalidFile, node: node.name, op: node.op,
                             message: "calls a function but has no 'f' attribute naming it")
        }
        guard let function = functions[reference.name] else {
            let known = functions.keys.sorted()
            let listed = known.isEmpty ? "none" : known.prefix(10).joined(separator: ", ")
            throw GraphError(.notFound, node: node.name, op: node.op,
                             message: "calls the function '\(reference.name)', which the graph's library does not "
                                + "define (it defines \(listed))",
                             fix: NameSuggestion.hint(for: reference.name, among: known)
                                ?? "export the graph together with its function library")
        }
        guard !callers.contains(function.name) else {
            let chain = (callers.drop { $0 != function.name } + [function.name]).joined(separator: " → ")
            throw GraphError(.unsupported, node: node.name, op: node.op,
                             message: "calls the function '\(function.name)' recursively (\(chain)), "
                                + "which cannot be inlined")
        }
        guard callers.count < Self.maximumDepth else {
            throw GraphError(.unsupported, node: node.name, op: node.op,
                             message: "calls functions nested more than \(Self.maximumDepth) deep")
        }
        return function
    }

    /// `name`, or `name_1`, `name_2`, ... : the first under which no body node's name is taken.
    private mutating func uniquePrefix(_ name: String, for function: FunctionDef) -> String {
        var prefix = name, suffix = 0
        while function.nodes.contains(where: { taken.contains(prefix + "/" + $0.name) }) {
            suffix += 1
            prefix = "\(name)_\(suffix)"
        }
        for body in function.nodes { taken.insert(prefix + "/" + body.name) }
        return prefix
    }
}
