/// How a run whose graph branches or loops executes: not a fixed order but, for each node, who it
/// sends each output to, how many inputs it waits for, and which loop frame it runs in. A
/// ``DataflowExecutor`` carries it out. Built once per (feeds, fetches, targets), as ``Plan`` is.
final class DataflowPlan: @unchecked Sendable {
    /// Where one input of a node comes from.
    enum Source {
        /// Another node of the run sends it (the node waits for it).
        case edge
        /// The same value on every run.
        case constant(Tensor)
        /// A VariableV2's value, read when the node runs.
        case variable(String)
        /// A variable passed by reference; the kernel reads it by name.
        case reference
        /// The run's feed at this index.
        case feed(Int)
    }

    /// One data edge: output `output` of a node goes to input `input` of node `target`.
    struct Edge {
        let output: Int
        let target: Int
        let input: Int
    }

    /// One node of the run. Immutable once the plan is built.
    final class Item {
        let definition: OpDefinition
        /// The node's name, attributes and references, as its kernel sees them.
        let site: KernelSite
        let role: ControlFlowRole?
        /// The frame the node runs in, and its index among that frame's nodes.
        let frame: Int, local: Int
        /// Where its inputs start in its frame's per-iteration input table.
        let inputBase: Int
        let sources: [Source]
        let outputCount: Int
        /// For an Enter: the frame it enters, and whether every iteration reads the value.
        let childFrame: Int?, entersConstant: Bool
        let staticInputs: [TensorInfo]
        /// Whether the shape function runs again on the real inputs.
        let checksShapes: Bool
        /// The outputs of a node that computes the same values on every run from constants alone
        /// (a Const that waits on a loop's pivot): it runs for its timing, not its kernel.
        let fixedOutputs: [Tensor]?
        fileprivate(set) var outputEdges: [Edge] = []
        fileprivate(set) var controlTargets: [Int] = []
        /// The run's fetches among this node's outputs.
        fileprivate(set) var fetches: [(output: Int, fetch: Int)] = []
        /// How many inputs arrive as edges, and how many control inputs it waits for.
        fileprivate(set) var edgeCount = 0, controlCount = 0

        init(definition: OpDefinition, site: KernelSite, frame: Int, local: Int, inputBase: Int, sources: [Source],
             outputs: [TensorInfo], childFrame: Int?, entersConstant: Bool, staticInputs: [TensorInfo],
             checksShapes: Bool) {
            let outputCount = outputs.count
            let computesConstants = definition.folds && definition.traits.controlFlow == nil
                && sources.allSatisfy { if case .constant = $0 { true } else { false } }
            let values = outputs.compactMap(\.value)
            fixedOutputs = computesConstants && values.count == outputCount ? values : nil
            (self.definition, self.site, self.role) = (definition, site, definition.traits.controlFlow)
            (self.frame, self.local, self.inputBase, self.sources) = (frame, local, inputBase, sources)
            (self.outputCount, self.childFrame, self.entersConstant) = (outputCount, childFrame, entersConstant)
            (self.staticInputs, self.checksShapes) = (staticInputs, checksShapes)
        }

        var isMerge: Bool { role == .mergeFirstLive }

        /// Whether the node's one output is its one input, which the executor passes on itself: a
        /// forwarding op (Identity) or a LoopCond.
        var forwardsInput: Bool {
            sources.count == 1 && outputCount == 1 && fixedOutputs == nil
                && (definition.traits.forwardsInputs || definition.traits.returnsItsInput)
        }

        /// The frame the node's outputs are in: an Exit's go to the parent of its frame, an Enter's
        /// into the frame it enters.
        func outputFrame(in frames: [Frame]) -> Int {
            if let childFrame { return childFrame }
            return role == .exitFrame ? frames[frame].info.parent ?? frame : frame
        }

        /// Whether a Merge reads a value that is there from the start (a constant or a feed).
        var hasLiveSource: Bool {
            isMerge && sources.contains { !$0.isEdge }
        }

        /// The count a node starts an iteration waiting on: its edges and control inputs; for a
        /// Merge, as TensorFlow counts it, bit 0 waits for one live input and each control input
        /// counts 2.
        var initialPending: Int32 {
            guard isMerge else { return Int32(edgeCount + controlCount) }
            return Int32(2 * controlCount + (hasLiveSource ? 0 : 1))
        }
    }

    /// One frame as the run sees it.
    struct Frame {
        let info: LoopFrames.Frame
        /// The frame's nodes, by local index.
        fileprivate(set) var items: [Int] = []
        /// The size of its per-iteration input table.
        fileprivate(set) var inputCount = 0
        /// What each node waits for when an iteration starts, by local index: a new iteration's
        /// pending counts start as a copy.
        fileprivate(set) var initialPending: [Int32] = []
    }

    /// Where one fetched tensor comes from.
    enum FetchSource {
        /// A node's output (the node lists the fetch).
        case computed
        case constant(Tensor)
        case feed(Int)
    }

    let items: [Item]
    /// What the executor reads for every node it runs, flat.
    let table: DataflowTable
    let frames: [Frame]
    /// The nodes that wait for nothing: they start the run.
    let roots: [Int]
    let feeds: [Plan.Feed]
    let fetchSources: [FetchSource]
    /// The fetched outputs, for messages.
    let fetches: [Output]

    /// Plans `graph`, cut to a run, whose frames `frames` describes.
    init(graph: PlanGraph, frames loopFrames: LoopFrames, feeds: [Output]) throws {
        var feedList: [Plan.Feed] = []
        var feedIndex: [Output: Int] = [:]
        for (index, output) in feeds.enumerated() {
            let node = try graph.checkOutput(output, role: "feed")
            feedList.append(Plan.Feed(output: output, slot: index, expected: node.outputs[output.index], node: node))
            feedIndex[output] = index
        }
        let names = graph.running.sorted { (graph.positions[$0] ?? 0, $0) < (graph.positions[$1] ?? 0, $1) }
        let itemIndex = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        var frames = loopFrames.frames.map { Frame(info: $0) }
        var items: [Item] = []
        for name in names {
            let node = graph.nodes[name]!
            let frame = loopFrames.frameOf[name]!
            let definition = try graph.definition(of: node)
            let attributes = Attributes(node.attributes, node: name, op: definition.label)
            let layout = try graph.layout(of: node)
            var sources: [Source] = [], references: [String] = []
            var checksShapes = node.outputs.contains { !$0.shape.isFullyDefined }
            for (spec, input) in zip(layout, node.inputs) {
                switch graph.kind(of: input, spec: spec) {
                case .reference:
                    sources.append(.reference)
                    references.append(input.node)
                case .variable: sources.append(.variable(input.node))
                case .constant(let value): sources.append(.constant(value))
                case .computed:
                    sources.append(feedIndex[input].map(Source.feed) ?? .edge)
                    if graph.needsShapeCheck(reading: input) { checksShapes = true }
                }
            }
            // The executor moves each value that arrives as an edge into the kernel's inputs, so the
            // kernel may write over it; copy-on-write copies one that another reader still holds.
            let site = KernelSite(node: name, op: definition.label, attributes: attributes, references: references,
                                  ownedInputs: sources.map(\.isEdge))
            let entersConstant = try definition.traits.controlFlow == .enterFrame && attributes.bool("is_constant")
            let item = Item(definition: definition, site: site, frame: frame, local: frames[frame].items.count,
                            inputBase: frames[frame].inputCount, sources: sources, outputs: node.outputs,
                            childFrame: loopFrames.childFrameOf[name], entersConstant: entersConstant,
                            staticInputs: node.inputs.map { graph.info(of: $0)! }, checksShapes: checksShapes)
            frames[frame].items.append(items.count)
            frames[frame].inputCount += sources.count
            items.append(item)
        }
        for (index, name) in names.enumerated() {
            let node = graph.nodes[name]!
            for (position, (input, source)) in zip(node.inputs, items[index].sources).enumerated() {
                guard case .edge = source else { continue }
                guard let producer = itemIndex[input.node] else {
                    throw GraphError(.runtime, node: name, op: node.op,
                                     message: "input '\(input)' has no value in this plan")
                }
                items[index].edgeCount += 1
                items[producer].outputEdges.append(Edge(output: input.index, target: index, input: position))
            }
            for control in Set(node.controlInputs) {
                guard let producer = itemIndex[control] else { continue }
                items[index].controlCount += 1
                items[producer].controlTargets.append(index)
            }
        }
        var fetchSources: [FetchSource] = []
        for (fetch, output) in graph.fetches.enumerated() {
            let node = try graph.checkOutput(output, role: "fetch")
            if let feed = feedIndex[output] {
                fetchSources.append(.feed(feed))
            } else if let producer = itemIndex[output.node] {
                guard items[producer].outputFrame(in: frames) == 0 else {
                    throw DataflowPlan.fetchInsideLoop(output, node, loopFrames)
                }
                items[producer].fetches.append((output.index, fetch))
                fetchSources.append(.computed)
            } else if let value = graph.constantValue(output) {
                fetchSources.append(.constant(value))
            } else {
                throw GraphError(.runtime, node: node.name, op: node.op,
                                 message: "'\(output)' has no value in this plan")
            }
        }
        self.items = items
        table = DataflowTable(items: items)
        for frame in frames.indices {
            frames[frame].initialPending = frames[frame].items.map { items[$0].initialPending }
        }
        self.frames = frames
        self.roots = items.indices.filter { items[$0].frame == 0 && items[$0].initialPending == 0 }
        self.feeds = feedList
        self.fetchSources = fetchSources
        self.fetches = graph.fetches
    }

    private static func fetchInsideLoop(_ output: Output, _ node: Node, _ frames: LoopFrames) -> GraphError {
        GraphError(.invalidArgument, node: node.name, op: node.op,
                   message: "cannot fetch '\(output)': it is computed in "
                       + "\(frames.describe(frame: frames.frameOf[node.name])), once per iteration",
                   fix: "fetch what the loop returns (an Exit of the loop) instead")
    }
}
