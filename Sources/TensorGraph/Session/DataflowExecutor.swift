import Dispatch

/// Carries out one run of a ``DataflowPlan`` as TensorFlow's executor does: a node runs when its
/// inputs have arrived in its frame and iteration; an untaken Switch output is dead, deadness
/// passes through every node but Merge, and Enter, Exit and NextIteration move values into a loop,
/// out of it and on to its next iteration.
final class DataflowExecutor {
    /// A node ready to run in one iteration of one frame, dead if any input was.
    private struct ReadyNode {
        let item: Int
        let frame: FrameState
        let iteration: IterationState
        let isDead: Bool
    }

    private let plan: DataflowPlan
    private let state: VariableStore
    private let deadline: UInt64?
    /// The TensorArrays and other resources this run's kernels create.
    private let resources = RunResources()
    private var ready: [ReadyNode] = []
    private var feeds: [Tensor] = []
    private var results: [Tensor?]
    private var nodesRun = 0

    /// - Parameter timeout: seconds after which the run stops with an error (TensorFlow's
    ///   `operation_timeout_in_ms`), checked between nodes.
    init(plan: DataflowPlan, state: VariableStore, timeout: Double?) {
        (self.plan, self.state) = (plan, state)
        deadline = timeout.map { DispatchTime.now().uptimeNanoseconds + UInt64(max(0, $0) * 1e9) }
        results = Array(repeating: nil, count: plan.fetchSources.count)
    }

    func run(feeds given: [Output: Tensor]) throws -> [Tensor] {
        for feed in plan.feeds {
            let tensor = given[feed.output]!
            try Executor.check(tensor, fedTo: feed)
            feeds.append(tensor)
        }
        let root = FrameState(frame: 0, parent: nil, parentIteration: nil, parallelIterations: 1, enters: 0,
                              first: newIteration(0, in: 0))
        let rootIteration = root.iteration(0)!
        for item in plan.roots {
            ready.append(ReadyNode(item: item, frame: root, iteration: rootIteration, isDead: false))
        }
        rootIteration.outstandingOps = ready.count
        while let node = ready.popLast() {
            try checkDeadline(node)
            try process(node)
        }
        return try collectResults()
    }

    // MARK: Running one node

    private func process(_ node: ReadyNode) throws {
        let item = plan.items[node.item]
        var outputs: [Tensor?]
        if node.isDead {
            clearInputs(of: item, in: node.iteration)
            outputs = Array(repeating: nil, count: item.outputCount)
        } else if let role = item.role {
            outputs = try role.route(takeInputs(of: item, in: node.iteration), outputCount: item.outputCount,
                                     node: item.site.node, op: item.site.op)
        } else {
            outputs = try compute(item, in: node.iteration)
        }
        nodesRun += 1
        // Only root-frame outputs are fetched; an Exit delivers one live value and dead ones.
        for (output, fetch) in item.fetches where outputs[output] != nil { results[fetch] = outputs[output] }
        try propagate(node, item: item, outputs: outputs)
    }

    /// The inputs of a routing node: what arrived (`nil` for what did not, or was dead).
    private func takeInputs(of item: DataflowPlan.Item, in iteration: IterationState) throws -> [Tensor?] {
        try item.sources.indices.map { input in
            switch item.sources[input] {
            case .edge:
                defer { iteration.inputs[item.inputBase + input] = nil }
                return iteration.inputs[item.inputBase + input]
            default:
                return try value(of: item, input: input)
            }
        }
    }

    /// Runs a node's kernel on its inputs, all of which are live.
    private func compute(_ item: DataflowPlan.Item, in iteration: IterationState) throws -> [Tensor?] {
        if let fixed = item.fixedOutputs { return fixed }
        var inputs: [Tensor] = []
        inputs.reserveCapacity(item.sources.count)
        for input in item.sources.indices {
            if case .edge = item.sources[input] {
                let slot = item.inputBase + input
                inputs.append(iteration.inputs[slot]!)
                iteration.inputs[slot] = nil
            } else {
                inputs.append(try value(of: item, input: input))
            }
        }
        if item.checksShapes {
            try Executor.checkShapes(item.definition, site: item.site, inputs: inputs, staticInputs: item.staticInputs,
                                     isReference: { if case .reference = item.sources[$0] { true } else { false } })
        }
        var context = KernelContext(site: item.site, inputs: inputs, state: state, resources: resources)
        return try item.definition.kernel(&context)
    }

    /// An input that does not arrive as an edge: a constant, a feed, a variable's value.
    private func value(of item: DataflowPlan.Item, input: Int) throws -> Tensor {
        switch item.sources[input] {
        case .constant(let value): return value
        case .feed(let index): return feeds[index]
        case .variable(let name):
            guard let value = state.variable(named: name) else { throw StateOps.uninitializedVariableV2(name) }
            return value
        case .reference, .edge: return Executor.emptyInput
        }
    }

    private func clearInputs(of item: DataflowPlan.Item, in iteration: IterationState) {
        for input in item.sources.indices { iteration.inputs[item.inputBase + input] = nil }
    }

    // MARK: Passing values on

    private func propagate(_ node: ReadyNode, item: DataflowPlan.Item, outputs: [Tensor?]) throws {
        let frame = node.frame, iteration = node.iteration
        switch item.role {
        case .enterFrame:
            enter(node, item: item, value: outputs[0])
        case .exitFrame:
            if let value = outputs[0] {
                let parentIteration = frame.parentIteration!
                parentIteration.outstandingOps += activate(node.item, outputs: [value], isDead: false,
                                                           frame: frame.parent!, iteration: parentIteration)
            } else if iteration.number == frame.iterationCount {
                frame.deadExits.append(node.item)
            }
        case .nextIteration:
            // A dead NextIteration ends its chain: the loop has stopped.
            if let value = outputs[0] { passToNextIteration(node, value: value) }
        default:
            let activated = activate(node.item, outputs: outputs, isDead: node.isDead, frame: frame,
                                     iteration: iteration)
            adjust(frame, iteration, by: activated - 1)
            return
        }
        adjust(frame, iteration, by: -1)
    }

    private func enter(_ node: ReadyNode, item: DataflowPlan.Item, value: Tensor?) {
        let child = childFrame(item.childFrame!, of: node.frame, iteration: node.iteration)
        child.pendingEnters -= 1
        if item.entersConstant {
            child.addInvariant(item: node.item, value: value)
            for iteration in child.liveIterations {
                adjust(child, iteration, by: activate(node.item, outputs: [value], isDead: value == nil,
                                                      frame: child, iteration: iteration))
            }
        } else if let first = child.iteration(0) {
            adjust(child, first, by: activate(node.item, outputs: [value], isDead: value == nil,
                                              frame: child, iteration: first))
        }
    }

    private func passToNextIteration(_ node: ReadyNode, value: Tensor) {
        let frame = node.frame
        let next: IterationState
        if node.iteration.number < frame.iterationCount {
            next = frame.iteration(node.iteration.number + 1)!
        } else if frame.canStartIteration {
            next = startIteration(of: frame)
        } else {
            frame.deferredNexts.append((node.item, value))
            return
        }
        adjust(frame, next, by: activate(node.item, outputs: [value], isDead: false, frame: frame, iteration: next))
    }

    /// Delivers a node's outputs to the nodes that read them in `iteration` of `frame`, and queues
    /// those that have all they wait for. Returns how many it queued.
    private func activate(_ source: Int, outputs: [Tensor?], isDead: Bool, frame: FrameState,
                          iteration: IterationState) -> Int {
        let item = plan.items[source]
        var activated = 0
        for edge in item.outputEdges {
            let target = plan.items[edge.target]
            let id = target.local
            let value = outputs[edge.output]
            var targetIsDead: Bool, isReady: Bool
            if target.isMerge {
                if let value {
                    let count = iteration.pending[id]
                    // Bit 0 set: no live input has arrived yet. Only the first one counts.
                    if count & 1 == 1 {
                        iteration.inputs[target.inputBase + edge.input] = value
                        iteration.pending[id] = count & ~1
                    }
                    (targetIsDead, isReady) = (false, count == 1)
                } else {
                    iteration.deadCounts[id] += 1
                    // A dead Enter kills its loop's Merge: the loop sits on an untaken branch.
                    targetIsDead = Int(iteration.deadCounts[id]) == target.sources.count || item.role == .enterFrame
                    isReady = iteration.pending[id] == 1 && targetIsDead
                }
            } else {
                iteration.inputs[target.inputBase + edge.input] = value
                iteration.pending[id] -= 1
                if value == nil { iteration.deadCounts[id] += 1 }
                (targetIsDead, isReady) = (iteration.deadCounts[id] > 0, iteration.pending[id] == 0)
            }
            if isReady {
                ready.append(ReadyNode(item: edge.target, frame: frame, iteration: iteration, isDead: targetIsDead))
                activated += 1
            }
        }
        for targetIndex in item.controlTargets {
            let target = plan.items[targetIndex]
            let id = target.local
            var targetIsDead: Bool, isReady: Bool
            if target.isMerge {
                iteration.pending[id] -= 2
                targetIsDead = Int(iteration.deadCounts[id]) == target.sources.count
                isReady = iteration.pending[id] == 0 || (iteration.pending[id] == 1 && targetIsDead)
            } else {
                iteration.pending[id] -= 1
                if isDead { iteration.deadCounts[id] += 1 }
                (targetIsDead, isReady) = (iteration.deadCounts[id] > 0, iteration.pending[id] == 0)
            }
            if isReady {
                let isDead = targetIsDead && target.role != .trigger
                ready.append(ReadyNode(item: targetIndex, frame: frame, iteration: iteration, isDead: isDead))
                activated += 1
            }
        }
        return activated
    }

    // MARK: Frames and iterations

    private func newIteration(_ number: Int, in frame: Int) -> IterationState {
        IterationState(number: number, inputCount: plan.frames[frame].inputCount,
                       pending: plan.frames[frame].initialPending)
    }

    /// The execution of loop frame `index` that `iteration` of `frame` entered, started on first use.
    private func childFrame(_ index: Int, of frame: FrameState, iteration: IterationState) -> FrameState {
        if let child = iteration.childFrames[index] { return child }
        let info = plan.frames[index].info
        let child = FrameState(frame: index, parent: frame, parentIteration: iteration,
                               parallelIterations: info.parallelIterations, enters: info.enterCount,
                               first: newIteration(0, in: index))
        iteration.childFrames[index] = child
        return child
    }

    /// Starts the next iteration of `frame`, giving it the loop's invariants and any deferred
    /// NextIteration values.
    private func startIteration(of frame: FrameState) -> IterationState {
        let iteration = newIteration(frame.iterationCount + 1, in: frame.frame)
        frame.startIteration(iteration)
        var activated = 0
        let deferred = frame.deferredNexts
        frame.deferredNexts.removeAll()
        for (item, value) in deferred {
            activated += activate(item, outputs: [value], isDead: false, frame: frame, iteration: iteration)
        }
        for (item, value) in frame.invariants {
            activated += activate(item, outputs: [value], isDead: value == nil, frame: frame, iteration: iteration)
        }
        iteration.outstandingOps += activated
        return iteration
    }

    /// Changes how many nodes of `iteration` are outstanding, and ends the iterations (and the
    /// frame) that this finishes.
    private func adjust(_ frame: FrameState, _ iteration: IterationState, by delta: Int) {
        iteration.outstandingOps += delta
        if iteration.outstandingOps == 0 { endFinishedIterations(of: frame, from: iteration.number) }
    }

    private func endFinishedIterations(of frame: FrameState, from first: Int) {
        guard !frame.isRoot else { return }
        var number = first
        while number <= frame.iterationCount, let iteration = frame.iteration(number), frame.hasFinished(iteration) {
            frame.endIteration(number)
            number += 1
            if !frame.deferredNexts.isEmpty { _ = startIteration(of: frame) }
        }
        if frame.isDone { endFrame(frame) }
    }

    /// Hands a finished loop's dead Exits to its parent frame and lets the parent iteration go on.
    private func endFrame(_ frame: FrameState) {
        let parent = frame.parent!, parentIteration = frame.parentIteration!
        var activated = 0
        for exit in frame.deadExits {
            activated += activate(exit, outputs: [nil], isDead: true, frame: parent, iteration: parentIteration)
        }
        parentIteration.childFrames[frame.frame] = nil
        adjust(parent, parentIteration, by: activated)
    }

    // MARK: Ending the run

    private func checkDeadline(_ node: ReadyNode) throws {
        guard let deadline, nodesRun & 1023 == 0, DispatchTime.now().uptimeNanoseconds > deadline else { return }
        let item = plan.items[node.item]
        let place = node.frame.isRoot ? "" : " in frame '\(plan.frames[node.frame.frame].info.name)', "
            + "iteration \(node.iteration.number)"
        throw GraphError(.runtime, node: item.site.node, op: item.site.op,
                         message: "the run timed out after \(nodesRun) node runs; it was about to run this "
                             + "node\(place)",
                         fix: "a loop whose condition never turns false runs forever; give it maximum_iterations")
    }

    private func collectResults() throws -> [Tensor] {
        try plan.fetchSources.enumerated().map { fetch, source in
            switch source {
            case .constant(let value): return value
            case .feed(let index): return feeds[index]
            case .computed:
                guard let value = results[fetch] else { throw noValue(plan.fetches[fetch]) }
                return value
            }
        }
    }

    private func noValue(_ output: Output) -> GraphError {
        GraphError(.runtime, node: output.node, message: "'\(output)' has no value in this run: it is dead (it "
                       + "depends on the untaken output of a Switch) or never became ready",
                   fix: "fetch the Merge of a cond rather than one branch, or the Exit of a loop")
    }
}
