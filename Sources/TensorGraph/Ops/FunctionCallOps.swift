/// The ops that call a function of the graph's library (`tf.function` calls), which loading
/// inlines rather than runs: each by the attribute that names its function. Their outputs form
/// one list argument, `output`.
enum FunctionCallOps {
    /// `PartitionedCall` and `StatefulPartitionedCall`, whose `f` names the function.
    static let functionAttribute: [String: String] = ["PartitionedCall": "f", "StatefulPartitionedCall": "f"]

    /// The op that stands in for an inlined call and passes its results on under the call's name.
    static let resultOp = "IdentityN"

    /// The op that stands in for an inlined call with no results, so control edges on it hold.
    static let emptyResultOp = "NoOp"
}
