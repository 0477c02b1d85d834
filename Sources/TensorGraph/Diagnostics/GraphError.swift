/// The one error TensorGraph throws: what went wrong, where in the graph, with which shapes, and
/// how to fix it.
///
/// Its ``description`` is the message a user reads, for example:
/// `conv2d_transpose 'decoder/deconv': output height 7 cannot come from input height 3 with
/// kernel 3, stride 2, padding SAME; valid heights are 5 and 6 (e.g. output_shape [1, 6, 6, 2])`.
public struct GraphError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of mistake this is, for callers that react to some kinds.
    public enum Kind: String, Sendable {
        /// A shape or dtype that an op cannot accept (found at build time or run time).
        case invalidShape
        /// An argument or attribute an op cannot accept.
        case invalidArgument
        /// A name that does not exist in the graph.
        case notFound
        /// A node name used twice.
        case duplicateName
        /// A cycle through data or control edges.
        case cycle
        /// A placeholder that a run needs but was not fed.
        case unfedPlaceholder
        /// A feed whose shape or dtype the fed tensor cannot have.
        case invalidFeed
        /// A variable read before it was assigned.
        case uninitializedVariable
        /// An op, dtype or feature TensorGraph does not support.
        case unsupported
        /// A failure inside a kernel while running (index out of range, division by zero, ...).
        case runtime
        /// An Assert whose condition was false when the graph ran (TensorFlow's InvalidArgumentError
        /// `assertion failed: ...`).
        case assertionFailed
        /// A malformed file: graph JSON, .npy, checkpoint.
        case invalidFile
    }

    /// What kind of mistake this is.
    public var kind: Kind
    /// The node at fault, when there is one.
    public var node: String?
    /// The op of that node, as users know it (`conv2d_transpose` for `Conv2DBackpropInput`).
    public var op: String?
    /// The shapes of the node's inputs, when they matter.
    public var inputShapes: [Shape]
    /// What is wrong, in words, naming the sizes involved.
    public var message: String
    /// What to do about it, when that can be said.
    public var fix: String?

    /// Creates an error; `description` renders it.
    public init(_ kind: Kind, node: String? = nil, op: String? = nil, inputShapes: [Shape] = [],
                message: String, fix: String? = nil) {
        self.kind = kind
        self.node = node
        self.op = op
        self.inputShapes = inputShapes
        self.message = message
        self.fix = fix
    }

    /// `op 'node': message; fix`.
    public var description: String {
        var text = ""
        switch (op, node) {
        case let (op?, node?): text = "\(op) '\(node)': "
        case let (nil, node?): text = "'\(node)': "
        case let (op?, nil): text = "\(op): "
        case (nil, nil): break
        }
        text += message
        if let fix { text += "; \(fix)" }
        return text
    }
}
