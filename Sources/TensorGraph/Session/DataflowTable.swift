/// The part of a ``DataflowPlan`` that the executor reads every time it runs a node, laid out flat
/// in memory of its own: reading it costs no reference counting, and a loop reads it for every
/// node of every iteration. Immutable once built; freed with the plan.
final class DataflowTable: @unchecked Sendable {
    /// One node as the executor's hot path sees it: counts and offsets only.
    struct Node {
        let role: ControlFlowRole?
        /// Its outputs are constants the plan holds (`values`): it runs for its timing only.
        let isFixed: Bool
        /// Every input arrives as an edge, so taking them needs no look at the node's sources.
        let inputsAreEdges: Bool
        let entersConstant: Bool
        let hasFetches: Bool
        let checksShapes: Bool
        /// Whether the kernel returns its one output without an outputs array.
        let hasOutputKernel: Bool
        /// Its one output is its one input (Identity, LoopCond): it runs without its kernel.
        let forwardsInput: Bool
        var isMerge: Bool { role == .mergeFirstLive }
        /// The node's index among its frame's nodes.
        let local: Int
        /// Where its inputs start in its frame's per-iteration input table.
        let inputBase: Int
        let inputCount: Int
        /// Where its inputs start in the run's table of last checked shapes.
        let checkedBase: Int
        /// For an Enter, the frame it enters; -1 for every other node.
        let childFrame: Int
        /// Its output edges (`edges[firstEdge..<endEdge]`) and control targets.
        let firstEdge: Int, endEdge: Int
        let firstControl: Int, endControl: Int
    }

    /// One data edge, and whether it is the last to read its output, which it may then take over.
    struct Edge {
        let output: Int, target: Int, input: Int
        let isLastReader: Bool
    }

    let nodes: UnsafeMutableBufferPointer<Node>
    let edges: UnsafeMutableBufferPointer<Edge>
    let controlTargets: UnsafeMutableBufferPointer<Int>
    /// The value of each fixed node (`nil` for the others).
    let values: UnsafeMutableBufferPointer<Tensor?>
    /// A Merge's `value_index` output for each input it may forward: made once, not per run.
    let mergeIndices: UnsafeMutableBufferPointer<Tensor>
    /// The size of the run's table of last checked shapes: every input of every node.
    let inputTotal: Int

    init(items: [DataflowPlan.Item]) {
        nodes = .allocate(capacity: items.count)
        edges = .allocate(capacity: items.reduce(0) { $0 + $1.outputEdges.count })
        controlTargets = .allocate(capacity: items.reduce(0) { $0 + $1.controlTargets.count })
        values = .allocate(capacity: items.count)
        let widestMerge = items.filter(\.isMerge).map(\.sources.count).max() ?? 0
        mergeIndices = .allocate(capacity: widestMerge)
        _ = mergeIndices.initialize(from: (0..<widestMerge).map { Tensor(Int32($0)) })
        var edgeCount = 0, controlCount = 0, inputTotal = 0
        for (index, item) in items.enumerated() {
            let fixed = item.fixedOutputs.flatMap { $0.count == 1 ? $0[0] : nil }
            (values.baseAddress! + index).initialize(to: fixed)
            for (position, edge) in item.outputEdges.enumerated() {
                let isLast = !item.outputEdges[(position + 1)...].contains { $0.output == edge.output }
                (edges.baseAddress! + edgeCount + position).initialize(
                    to: Edge(output: edge.output, target: edge.target, input: edge.input, isLastReader: isLast))
            }
            (controlTargets.baseAddress! + controlCount).initialize(from: item.controlTargets,
                                                                    count: item.controlTargets.count)
            let inputsAreEdges = item.sources.allSatisfy(\.isEdge)
            (nodes.baseAddress! + index).initialize(to: Node(
                role: item.role, isFixed: fixed != nil, inputsAreEdges: inputsAreEdges,
                entersConstant: item.entersConstant, hasFetches: !item.fetches.isEmpty,
                checksShapes: item.checksShapes, hasOutputKernel: item.definition.outputKernel != nil,
                forwardsInput: item.forwardsInput,
                local: item.local, inputBase: item.inputBase, inputCount: item.sources.count,
                checkedBase: inputTotal, childFrame: item.childFrame ?? -1,
                firstEdge: edgeCount, endEdge: edgeCount + item.outputEdges.count,
                firstControl: controlCount, endControl: controlCount + item.controlTargets.count))
            edgeCount += item.outputEdges.count
            controlCount += item.controlTargets.count
            inputTotal += item.sources.count
        }
        self.inputTotal = inputTotal
    }

    deinit {
        nodes.deallocate()
        edges.deallocate()
        controlTargets.deallocate()
        for index in values.indices { values[index] = nil }
        values.deallocate()
        mergeIndices.baseAddress!.deinitialize(count: mergeIndices.count)
        mergeIndices.deallocate()
    }
}
