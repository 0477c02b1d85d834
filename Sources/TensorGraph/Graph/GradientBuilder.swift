/// One `gradients` call (TensorFlow's `_GradientsHelper`): walks the ops between the xs and the ys
/// back from the ys, each op once the gradients of all its consumers have arrived, builds its
/// gradient and passes the results on to its inputs. Through while loops, a loop's Switch is
/// visited twice and its Exits wait for one another (``ControlFlowGradients``).
struct GradientBuilder {
    private let graph: Graph
    private let ys: [Output]
    private let xs: [Output]
    /// The ops on some path from an x to a y.
    private var between: Set<String>
    /// How many consumers between have not yet passed their gradients back, per op.
    private var pending: [String: Int] = [:]
    private var arriving: [Output: [Output]] = [:]
    private var queue: [String] = []
    private let loops: ControlFlowGradients?

    init(graph: Graph, ys: [Output], xs: [Output]) throws {
        (self.graph, self.ys, self.xs) = (graph, ys, xs)
        let nodes = graph.nodes
        var consumers: [String: [String]] = [:]
        for node in nodes { for input in node.inputs { consumers[input.node, default: []].append(node.name) } }
        var reachable = Set<String>()
        var stack = xs.map(\.node)
        while let name = stack.popLast() {
            guard reachable.insert(name).inserted else { continue }
            stack += consumers[name, default: []]
        }
        between = []
        stack = ys.map(\.node)
        while let name = stack.popLast() {
            guard reachable.contains(name), between.insert(name).inserted, let node = graph.node(named: name)
            else { continue }
            stack += node.inputs.map(\.node)
        }
        loops = try ControlFlowGradients(graph: graph, between: &between)
        for name in between {
            for input in graph.node(named: name)!.inputs where between.contains(input.node) {
                pending[input.node, default: 0] += 1
            }
        }
    }

    /// d(sum of ys)/dx for each x, `nil` where the ys do not depend on it.
    mutating func run(initialGradients: [Output]?) throws -> [Output?] {
        for (index, y) in ys.enumerated() {
            arriving[y, default: []].append(try initialGradients?[index] ?? graph.onesLike(y, name: "grad_ys_\(index)"))
        }
        for y in ys where between.contains(y.node) && pending[y.node, default: 0] == 0 { enqueue(y.node) }
        if let loops {
            for exit in loops.unusedExits(pending: pending, ys: Set(ys.map(\.node))) {
                if try graph.dtype(of: exit).isFloatingPoint { arriving[exit] = [try loops.zerosForExit(exit)] }
                enqueue(exit.node)
            }
        }
        var next = 0
        while next < queue.count {
            try process(graph.node(named: queue[next])!)
            next += 1
        }
        try loops?.finish()
        return try xs.map { try sum(arriving[$0]) }
    }

    private mutating func process(_ node: Node) throws {
        let outputGradients = try inGradientContext(of: node.name, before: true) {
            try node.outputs.indices.map { try sum(arriving[Output(node: node.name, index: $0)]) }
        }
        var inputGradients: [Output?] = Array(repeating: nil, count: node.inputs.count)
        if outputGradients.contains(where: { $0 != nil }) {
            inputGradients = try inGradientContext(of: node.name, before: false) {
                try graph.gradientsOfInputs(node, outputGradients)
            }
        }
        for (input, gradient) in zip(node.inputs, inputGradients) where between.contains(input.node) {
            if let gradient { arriving[input, default: []].append(gradient) }
        }
        try updatePending(after: node)
    }

    /// Passes `node`'s visit on to its inputs, queueing each that has become ready.
    private mutating func updatePending(after node: Node) throws {
        for input in node.inputs where between.contains(input.node) {
            pending[input.node]! -= 1
            let count = pending[input.node]!
            guard count == 0 || (count > 0 && loops?.isLoopSwitch(input.node) == true) else { continue }
            if let loops, let state = loops.exitState(input.node) {
                try reachExit(input, of: state, loops: loops)
            } else {
                enqueue(input.node)
            }
        }
    }

    /// A loop's Exits are visited together, once the gradient has reached all of them; those
    /// without a gradient get zeros when another has one.
    private mutating func reachExit(_ exit: Output, of state: GradientLoopState, loops: ControlFlowGradients) throws {
        state.deferredExits.append(exit)
        state.pendingExits -= 1
        guard state.pendingExits == 0 else { return }
        let reached = state.deferredExits.filter(hasGradient)
        state.unusedExits += state.deferredExits.filter { !hasGradient($0) }
        for exit in reached { enqueue(exit.node) }
        for exit in state.unusedExits {
            if !reached.isEmpty, try graph.dtype(of: exit).isFloatingPoint {
                arriving[exit] = [try loops.zerosForExit(exit)]
            }
            enqueue(exit.node)
        }
    }

    private func hasGradient(_ exit: Output) -> Bool { arriving[exit]?.isEmpty == false }

    private mutating func enqueue(_ node: String) { queue.append(node) }

    /// Runs `body` in the backward loop of `node`'s loop, when the gradient passes through one.
    private func inGradientContext<Result>(of node: String, before: Bool,
                                           _ body: () throws -> Result) throws -> Result {
        guard let state = loops?.state(of: node, before: before) else { return try body() }
        return try graph.inContext(state.backward, body)
    }

    /// The sum of several gradients of one tensor (TensorFlow's `AddN`), the one when alone.
    private func sum(_ gradients: [Output]?) throws -> Output? {
        guard let gradients, let first = gradients.first else { return nil }
        return gradients.count == 1 ? first : try graph.addOutput("AddN", name: "AddN", inputs: gradients)
    }
}
