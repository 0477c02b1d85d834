/// What a `resource` tensor's element holds: the handle of a resource that lives for one run, such
/// as a TensorArray (`TensorArrayV3`'s `handle` output). Kernels find the resource itself in the
/// run's ``RunResources`` by the handle; the handle alone is a small value that ops such as
/// Identity, Switch or Enter pass on unchanged.
public struct ResourceHandle: Sendable, Hashable, CustomStringConvertible {
    /// The handle's number, unique within the run that made it.
    public let id: Int
    /// The kind of resource ("TensorArray", "Stack"), for messages.
    public let kind: String
    /// The node that created the resource, for messages.
    public let creator: String

    /// `TensorArray 'rnn/TensorArray'`.
    public var description: String { "\(kind) '\(creator)'" }
}
