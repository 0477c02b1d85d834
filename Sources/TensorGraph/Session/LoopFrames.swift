/// The while-loop frames of a run's nodes, found as TensorFlow's executor finds them
/// (`BuildControlFlowInfo`): a node runs in the frame of its inputs, an Enter's outputs are in the
/// child frame its `frame_name` names, and an Exit's outputs in the parent of its own frame.
struct LoopFrames {
    /// One frame: the root frame (index 0, the run itself) or a while loop's.
    struct Frame {
        /// TensorFlow's frame name (`while/while_context`); empty for the root frame.
        let name: String
        /// The enclosing frame's index; `nil` for the root frame.
        let parent: Int?
        /// How many iterations may be live at once (the Enters' `parallel_iterations`).
        var parallelIterations: Int
        /// How many Enter nodes feed it; its first iteration ends only after all have run.
        var enterCount = 0
    }

    private(set) var frames = [Frame(name: "", parent: nil, parallelIterations: 1)]
    /// The frame each running node runs in.
    private(set) var frameOf: [String: Int] = [:]
    /// For each Enter, the frame its output enters.
    private(set) var childFrameOf: [String: Int] = [:]

    /// Walks the run's nodes from those that read no running node. Throws for a node whose inputs
    /// come from different frames, an Exit or NextIteration outside any loop, a cycle that no
    /// Enter leads into, and a frame that nothing could end.
    init(_ graph: PlanGraph) throws {
        var queue: [String] = []
        for name in graph.running where try !graph.readsRunningNode(name) {
            frameOf[name] = 0
            queue.append(name)
        }
        var head = 0
        while head < queue.count {
            let name = queue[head]
            head += 1
            let node = graph.nodes[name]!
            let frame = try outputFrame(of: node, runningIn: frameOf[name]!, graph: graph)
            for reader in graph.runningReaders(of: name) {
                if let known = frameOf[reader] {
                    if known != frame { throw mismatch(reader, graph: graph) }
                    continue
                }
                frameOf[reader] = frame
                queue.append(reader)
            }
        }
        if let stranded = graph.running.sorted().first(where: { frameOf[$0] == nil }) {
            let node = graph.nodes[stranded]!
            throw GraphError(.cycle, node: node.name, op: node.op,
                             message: "it lies on a cycle that no while loop's Enter leads into",
                             fix: "a loop's back edge must run NextIteration into the Merge after an Enter")
        }
        try checkEveryLoopCanEnd(graph)
    }

    /// A frame whose iterations go on through a NextIteration but where no Switch runs has nothing
    /// that could end it: the run would never finish.
    private func checkEveryLoopCanEnd(_ graph: PlanGraph) throws {
        var switched = Set<Int>(), continued: [(node: Node, frame: Int)] = []
        for name in graph.running.sorted() {
            let node = graph.nodes[name]!
            switch try graph.definition(of: node).traits.controlFlow {
            case .switchOnPredicate?, .switchOnIndex?: switched.insert(frameOf[name]!)
            case .nextIteration?: continued.append((node, frameOf[name]!))
            default: break
            }
        }
        if let endless = continued.first(where: { !switched.contains($0.frame) }) {
            throw GraphError(.invalidArgument, node: endless.node.name, op: endless.node.op,
                             message: "it starts the next iteration of \(describe(frame: endless.frame)), but no "
                                 + "Switch runs in that frame in this run, so nothing could end its iterations",
                             fix: "route the loop variables through a Switch on the loop's LoopCond, as whileLoop "
                                 + "and tf.while_loop do")
        }
    }

    /// The frame a node's outputs are in, given the frame it runs in.
    private mutating func outputFrame(of node: Node, runningIn frame: Int, graph: PlanGraph) throws -> Int {
        let definition = try graph.definition(of: node)
        let attributes = Attributes(node.attributes, node: node.name, op: definition.label)
        switch definition.traits.controlFlow {
        case .enterFrame:
            let child = try childFrame(named: try attributes.string("frame_name"), of: frame, node: node,
                                       parallelIterations: try attributes.int("parallel_iterations"))
            childFrameOf[node.name] = child
            frames[child].enterCount += 1
            return child
        case .exitFrame:
            guard let parent = frames[frame].parent else { throw outsideLoop(node, leaving: true) }
            return parent
        case .nextIteration:
            guard frames[frame].parent != nil else { throw outsideLoop(node, leaving: false) }
            return frame
        default:
            return frame
        }
    }

    /// The frame `name` inside `parent`, made on first sight.
    private mutating func childFrame(named name: String, of parent: Int, node: Node,
                                     parallelIterations: Int) throws -> Int {
        if let index = frames.firstIndex(where: { $0.name == name }) {
            guard frames[index].parent == parent else {
                throw GraphError(.invalidArgument, node: node.name, op: node.op,
                                 message: "it enters frame '\(name)' from frame '\(frames[parent].name)', but other "
                                     + "Enters enter it from '\(frames[frames[index].parent ?? 0].name)'",
                                 fix: "every Enter of one loop must sit in the same enclosing frame")
            }
            frames[index].parallelIterations = min(frames[index].parallelIterations, parallelIterations)
            return index
        }
        frames.append(Frame(name: name, parent: parent, parallelIterations: parallelIterations))
        return frames.count - 1
    }

    private func outsideLoop(_ node: Node, leaving: Bool) -> GraphError {
        GraphError(.invalidArgument, node: node.name, op: node.op,
                   message: "it is not inside a while loop: no Enter precedes it",
                   fix: leaving ? "an Exit must read a value of the loop it leaves"
                                : "a NextIteration must read a value of the loop body")
    }

    private func mismatch(_ name: String, graph: PlanGraph) -> GraphError {
        let node = graph.nodes[name]!
        let sources = (node.inputs.map(\.node) + node.controlInputs).filter { graph.running.contains($0) }
        let described = sources.map { source in
            "'\(source)' is in \(describe(frame: graph.nodes[source].flatMap { frameOfOutputs($0) }))"
        }
        return GraphError(.invalidArgument, node: node.name, op: node.op,
                          message: "its inputs come from different frames: " + described.joined(separator: ", "),
                          fix: "bring a value into a loop through an Enter and out of it through an Exit")
    }

    /// The frame a running node's outputs are in, once the walk has placed it.
    private func frameOfOutputs(_ node: Node) -> Int? {
        if let child = childFrameOf[node.name] { return child }
        guard let frame = frameOf[node.name] else { return nil }
        if OpRegistry.definition(named: node.op)?.traits.controlFlow == .exitFrame { return frames[frame].parent }
        return frame
    }

    /// How messages name a frame.
    func describe(frame: Int?) -> String {
        guard let frame else { return "no frame yet" }
        return frame == 0 ? "the root frame" : "frame '\(frames[frame].name)'"
    }
}

extension PlanGraph {
    /// Whether `name` reads an output of a running node or waits for one; a node that does not
    /// starts the run.
    func readsRunningNode(_ name: String) throws -> Bool {
        let node = nodes[name]!
        return zip(try layout(of: node), node.inputs).contains { running.contains($1.node) && runsProducer($0, $1) }
            || node.controlInputs.contains { running.contains($0) }
    }

    /// The running nodes that read or wait for `name`, each once.
    func runningReaders(of name: String) -> [String] {
        var seen = Set<String>()
        return ((readers[name] ?? []) + (waiters[name].map { Array($0) } ?? [])).filter {
            running.contains($0) && seen.insert($0).inserted
        }
    }
}
