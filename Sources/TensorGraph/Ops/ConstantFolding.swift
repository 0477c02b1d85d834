/// Evaluates small nodes whose inputs are all known while building, so that shape arithmetic
/// (`shape(x)`, `stack`, `strided_slice`, ...) gives known shapes to the ops that use it.
enum ConstantFolding {
    /// Past this many input or output elements, a node is left for the session to run.
    static let elementLimit = 1 << 16

    static func fold(
        _ definition: OpDefinition, context: InferenceContext, outputs: [TensorInfo]
    ) throws -> [TensorInfo] {
        guard !outputs.isEmpty, outputs.contains(where: { $0.value == nil }) else { return outputs }
        var values: [Tensor] = []
        for input in context.inputs {
            guard let value = input.value, value.elementCount <= elementLimit else { return outputs }
            values.append(value)
        }
        for output in outputs {
            guard let count = output.shape.elementCount, count <= elementLimit else { return outputs }
        }
        let site = KernelSite(node: context.node, op: context.op, attributes: context.attributes, references: [])
        var kernelContext = KernelContext(site: site, inputs: values, state: NoSessionState(),
                                          resources: RunResources())
        let results = try definition.kernel(&kernelContext)
        guard results.count == outputs.count else { return outputs }
        return zip(outputs, results).map { info, value in
            var folded = TensorInfo(constant: value)
            folded.shape = info.shape.merged(with: folded.shape) ?? folded.shape
            return folded
        }
    }
}

extension ConstantFolding {
    /// The state seen while folding: pure ops never touch it.
    final class NoSessionState: SessionState {
        var maximumTensorBytes: Int { ConstantFoldingPass.elementLimit * 8 }
        func variable(named name: String) -> Tensor? { nil }
        func assign(_ value: Tensor, toVariable name: String) {}
        func update(variable name: String, _ transform: (Tensor) throws -> Tensor) throws -> Tensor? { nil }
        func reserveRandomCounter(for node: String, count: Int) -> UInt64 { 0 }
    }
}
