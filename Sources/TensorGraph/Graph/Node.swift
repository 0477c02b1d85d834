/// One node of a graph: an op applied to inputs, with attributes, and what inference learned of
/// its outputs.
public struct Node: Sendable, Equatable {
    /// The unique name (`decoder/deconv`).
    public let name: String
    /// TensorFlow's op name (`Conv2DBackpropInput`).
    public let op: String
    /// The data inputs, in order.
    public let inputs: [Output]
    /// Nodes that must run before this one (TensorFlow's `^name` inputs).
    public let controlInputs: [String]
    /// Attributes, with TensorFlow's defaults filled in.
    public let attributes: [String: AttrValue]
    /// The device string TensorFlow recorded; kept for export, otherwise ignored.
    public let device: String
    /// The dtype, partial shape and (when known) value of each output.
    public let outputs: [TensorInfo]
}
