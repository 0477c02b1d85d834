/// Computes, once while planning, every node whose inputs are all constants of the run (the
/// `rsqrt(variance + epsilon) · gamma` of a batch norm written out), up to a size cap so that a
/// fold never makes a huge constant. Stateful and random ops, and nodes with control inputs, run.
struct ConstantFoldingPass: GraphPass {
    /// The most elements a folded output may hold (16 MiB of float32).
    static let elementLimit = 1 << 22

    var name: String { "constant folding" }

    func run(_ graph: inout PlanGraph) throws -> Int {
        var folded = 0
        for name in graph.runningInOrder {
            guard let node = graph.runningNode(name) else { continue }
            let definition = try graph.definition(of: node)
            guard definition.folds, node.controlInputs.isEmpty, !node.outputs.isEmpty,
                  !node.outputs.indices.contains(where: { graph.fed.contains(Output(node: node.name, index: $0)) }),
                  node.outputs.allSatisfy({ ($0.shape.elementCount ?? .max) <= Self.elementLimit }),
                  try graph.layout(of: node).allSatisfy({ !$0.isReference }) else { continue }
            let values = node.inputs.compactMap { graph.constantValue($0) }
            guard values.count == node.inputs.count else { continue }
            let attributes = Attributes(node.attributes, node: node.name, op: definition.label)
            var context = KernelContext(site: KernelSite(node: node.name, op: definition.label, attributes: attributes,
                                                         references: []),
                                        inputs: values, state: ConstantFolding.NoSessionState(),
                                        resources: RunResources())
            // A node that fails now fails in the run too, where its error reads as it should.
            guard let results = try? definition.kernel(&context), results.count == node.outputs.count,
                  zip(results, node.outputs).allSatisfy({
                      $0.dtype == $1.dtype && $1.shape.isCompatible(with: $0.shape)
                  })
            else { continue }
            graph.fold(node.name, into: results)
            folded += 1
        }
        return folded
    }
}
