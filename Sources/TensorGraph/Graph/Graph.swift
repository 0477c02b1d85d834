import Foundation

/// A dataflow graph, as TensorFlow 1.x's `tf.Graph`: build it with placeholders, variables and
/// ops, then run parts of it in a ``Session``.
///
/// Every op added is checked at once: its output dtypes and partial shapes are inferred, and a
/// mistake throws a ``GraphError`` from the line that built the op.
///
/// ```swift
/// let graph = Graph()
/// let x = try graph.placeholder(.float32, shape: [nil, 3, 3, 4], name: "x")
/// let w = try graph.constant(Tensor(repeating: 1, shape: [3, 3, 2, 4], dtype: .float32))
/// let y = try graph.conv2dTranspose(x, filter: w, outputShape: [1, 6, 6, 2], strides: [2, 2], padding: .same)
/// ```
///
/// A graph may be read by several sessions and threads at once; it is built from one thread.
public final class Graph: @unchecked Sendable {
    private let lock = NSLock()
    private var nodeList: [Node] = []
    private var indexByName: [String: Int] = [:]
    /// How many times each lowercased name has been handed out, as TensorFlow's `_names_in_use`.
    var namesInUse: [String: Int] = [:]
    /// The open name scopes, outermost first, each a full prefix like `decoder/`.
    var scopeStack: [String] = []
    /// The open control-dependency blocks; nodes built inside depend on all of them.
    var controlDependencyStack: [[String]] = []
    /// The branches and loop bodies being built, outermost first (`cond`, `whileLoop`).
    var controlFlowContexts: [ControlFlowContext] = []
    /// The context each node was built in, for nodes built inside one (what `gradients` needs to
    /// differentiate through a branch or a loop).
    var controlFlowContextByNode: [String: ControlFlowContext] = [:]
    /// Variables created through the Swift API, in creation order, for `globalVariablesInitializer`.
    var variableList: [Variable] = []

    /// The GraphDef producer version written on export (TensorFlow 2.21's by default; an imported
    /// graph keeps its own).
    public var producerVersion = 2474

    /// The GraphDef min_consumer version, kept from an imported graph.
    public var minimumConsumerVersion = 0

    /// The nodes of the loaded GraphDef's own `tf.compat.v1.train.Saver` (`save/SaveV2`,
    /// `save/restore_all`, ...), which loading left out, each with the checkpoint-op node it
    /// serves; ``Saver`` and `--checkpoint` do their work.
    public internal(set) var saverNodesLeftOut: [String: String] = [:]

    /// The graph-level random seed (`tf.compat.v1.set_random_seed`); random ops are deterministic
    /// for a given graph seed and op seed.
    public var seed: Int?

    /// Creates an empty graph.
    public init() {}

    /// The nodes in the order they were added.
    public var nodes: [Node] { lock.withLock { nodeList } }

    /// How many nodes the graph holds; it only grows.
    public var nodeCount: Int { lock.withLock { nodeList.count } }

    /// The node named `name`, if any.
    public func node(named name: String) -> Node? {
        lock.withLock { indexByName[name].map { nodeList[$0] } }
    }

    /// The variables created through this graph's Swift API.
    public var variables: [Variable] { lock.withLock { variableList } }

    /// What is known of `output` before running: dtype, partial shape, value.
    public func info(of output: Output) throws -> TensorInfo {
        guard let node = node(named: output.node) else { throw unknownNode(output.node, wanted: output.description) }
        guard output.index < node.outputs.count else {
            throw GraphError(.notFound, node: node.name, op: node.op,
                             message: "has \(node.outputs.count) output(s), so '\(output)' does not exist",
                             fix: node.outputs.isEmpty ? "run it as a target instead" : "use '\(node.name):0'")
        }
        return node.outputs[output.index]
    }

    /// The partial shape `output` will have, as inferred while building (TensorFlow's `x.shape`).
    public func inferredShape(of output: Output) throws -> Shape { try info(of: output).shape }

    /// The dtype `output` will have.
    public func dtype(of output: Output) throws -> DType { try info(of: output).dtype }

    /// An error for a name that no node has, suggesting close names.
    func unknownNode(_ name: String, wanted: String? = nil) -> GraphError {
        if let served = saverNodesLeftOut[name] {
            return GraphError(.notFound,
                              message: "'\(name)' is part of the graph's own Saver (it serves '\(served)'), which "
                                  + "TensorGraph left out when it loaded the graph",
                              fix: "restore variables with --checkpoint PREFIX (Saver.restore in Swift); TensorGraph "
                                  + "reads and writes checkpoints itself")
        }
        let names = lock.withLock { Array(indexByName.keys) }
        return GraphError(
            .notFound, message: "no node named '\(name)' in the graph" + (wanted.map { " (asked for '\($0)')" } ?? ""),
            fix: NameSuggestion.hint(for: name, among: names))
    }

    /// Appends a node whose name is unique and whose inputs exist.
    func append(_ node: Node) {
        lock.withLock {
            indexByName[node.name] = nodeList.count
            nodeList.append(node)
        }
    }

    /// Narrows what is known of `output`'s shape to `shape`, as TensorFlow's `Tensor.set_shape`
    /// (a loop variable's shape invariant); `shape` must fit what is known.
    func refineShape(of output: Output, to shape: Shape) throws {
        try lock.withLock {
            guard let index = indexByName[output.node] else { return }
            let node = nodeList[index]
            guard let merged = node.outputs[output.index].shape.merged(with: shape) else {
                throw GraphError(.invalidShape, node: node.name, op: node.op,
                                 message: "its shape \(node.outputs[output.index].shape) does not fit \(shape)")
            }
            var outputs = node.outputs
            outputs[output.index].shape = merged
            nodeList[index] = Node(name: node.name, op: node.op, inputs: node.inputs, controlInputs: node.controlInputs,
                                   attributes: node.attributes, device: node.device, outputs: outputs)
        }
    }

    /// Records a variable created through the Swift API.
    func register(_ variable: Variable) {
        lock.withLock { variableList.append(variable) }
    }

    /// Whether a node named `name` exists.
    func contains(_ name: String) -> Bool { lock.withLock { indexByName[name] != nil } }
}
