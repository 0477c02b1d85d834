/// Takes out the nodes that only pass values on (Identity, IdentityN, StopGradient, Snapshot):
/// their readers read what they read. Nodes the run fetches, feeds or waits for stay, and so do
/// those with control inputs (they order something) or reading a variable (they snapshot it).
struct IdentityRemoval: GraphPass {
    var name: String { "identity removal" }

    func run(_ graph: inout PlanGraph) throws -> Int {
        var removed = 0
        for name in graph.runningInOrder {
            guard let node = graph.runningNode(name), try graph.definition(of: node).traits.forwardsInputs,
                  node.controlInputs.isEmpty, !graph.isPinned(name) else { continue }
            let layout = try graph.layout(of: node)
            guard zip(layout, node.inputs).allSatisfy({ graph.runsProducer($0, $1) || graph.fed.contains($1) })
            else { continue }
            for (index, input) in node.inputs.enumerated() {
                graph.redirectReaders(of: Output(node: node.name, index: index), to: input)
            }
            graph.remove(node.name)
            removed += 1
        }
        return removed
    }
}
