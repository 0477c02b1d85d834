/// Ops that check values while a graph runs: Assert, which `tf.debugging.assert_*` and
/// `dynamic_rnn`'s `sequence_length` check write.
enum LoggingOps {
    static let definitions = [assert]

    /// `tf.debugging.Assert`: fails the run with its data as the message when `condition` is false,
    /// as TensorFlow's InvalidArgumentError `assertion failed: [message] [value]`; does nothing otherwise.
    static let assert = OpDefinition(
        "Assert",
        inputs: [.input("condition", .bool), .inputs("data", types: "T")],
        attributes: [.attr("T"), .attr("summarize", default: .int(3))],
        folds: false,
        shape: { context in
            if let rank = context.inputs[0].shape.rank, rank != 0 {
                throw context.error("condition must be a scalar, but has shape \(context.inputs[0].shape)",
                                    fix: "reduce it first, e.g. with reduce_all")
            }
            return []
        },
        kernel: { context in
            guard context.inputs[0].rank == 0, let holds = context.inputs[0].scalars(as: Bool.self)?.first else {
                throw context.error("condition must be a bool scalar")
            }
            if holds { return [] }
            let summarize = try context.attributes.int("summarize")
            let data = context.inputs.dropFirst().map { "[" + summary(of: $0, limit: summarize) + "]" }
            throw GraphError(.assertionFailed, node: context.node, op: context.op,
                             inputShapes: context.inputs.map { Shape($0.shape) },
                             message: "assertion failed: " + data.joined(separator: " "),
                             fix: "the data fed to this run breaks the condition the graph checks; "
                                + "feed values that satisfy it")
        },
        gradient: .notDifferentiable)

    /// A tensor's first `limit` elements as TensorFlow's `SummarizeValue` writes them: strings as their
    /// text, numbers separated by spaces, `...` after the last shown (negative `limit` shows all).
    static func summary(of tensor: Tensor, limit: Int) -> String {
        let texts: [String]
        switch tensor.storage {
        case .string(let a): texts = a.map { String(decoding: $0, as: UTF8.self) }
        case .resource(let a): texts = a.map(\.description)
        case .variant(let a): texts = a.map(\.description)
        case .bool(let a): texts = a.map { $0 ? "1" : "0" }
        case .float32(let a): texts = a.map { "\($0)" }
        case .float64(let a): texts = a.map { "\($0)" }
        case .int32(let a): texts = a.map(String.init)
        case .int64(let a): texts = a.map(String.init)
        }
        let shown = limit < 0 ? texts : Array(texts.prefix(limit))
        return shown.joined(separator: " ") + (shown.count < texts.count ? "..." : "")
    }
}
