import Dispatch

/// Carries out one run of a ``DataflowPlan`` as TensorFlow's executor does: a node runs when its
/// inputs have arrived in its frame and iteration; an untaken Switch output is dead, deadness
/// passes through every node but Merge, and Enter, Exit and NextIteration move values into a loop,
/// out of it and on to its next iteration.
///
/// A loop runs this for every node of every iteration, so the hot path reads the plan's flat
/// ``DataflowTable``, refers to frames and iterations without reference counting (a queued node's
/// iteration cannot end, so it outlives the reference), and reuses finished iterations' tables.
final class DataflowExecutor {
    /// A node ready to run in one iteration of one frame, dead if any input was. The iteration
    /// counts the node as outstanding until it has run, so neither it nor its frame goes before.
    struct ReadyNode {
        let item: Int
        let isDead: Bool
        let frame: Unmanaged<FrameState>
        let iteration: Unmanaged<IterationState>
    }

    let plan: DataflowPlan
    let table: DataflowTable
    private let state: VariableStore
    private let deadline: UInt64?
    /// The TensorArrays and other resources this run's kernels create.
    private let resources = RunResources()
    let ready = ReadyStack()
    /// Finished iterations of each frame, ready to serve as new ones.
    @exclusivity(unchecked) var spareIterations: [[IterationState]]
    /// The loop frames the running node ended (an inner frame can end its outer ones in turn),
    /// kept until that node has returned.
    @exclusivity(unchecked) var endedFrames: [FrameState] = []
    private var feeds: [Tensor] = []
    @exclusivity(unchecked) private var results: [Tensor?]
    @exclusivity(unchecked) private var nodesRun = 0
    /// The input shapes each node's shape function last accepted at run time.
    private let checkedShapes: CheckedShapes

    /// - Parameter timeout: seconds after which the run stops with an error (TensorFlow's
    ///   `operation_timeout_in_ms`), checked between nodes.
    init(plan: DataflowPlan, state: VariableStore, timeout: Double?) {
        (self.plan, self.table, self.state) = (plan, plan.table, state)
        deadline = timeout.map { DispatchTime.now().uptimeNanoseconds + UInt64(max(0, $0) * 1e9) }
        results = Array(repeating: nil, count: plan.fetchSources.count)
        spareIterations = Array(repeating: [], count: plan.frames.count)
        checkedShapes = CheckedShapes(count: plan.table.inputTotal)
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
            ready.push(ReadyNode(item: item, isDead: false, frame: .passUnretained(root),
                                 iteration: .passUnretained(rootIteration)))
        }
        rootIteration.outstandingOps = ready.count
        // One inputs array serves every kernel: the kernel hands it back, emptied, when it is done.
        var inputs: [Tensor] = []
        try withExtendedLifetime(root) {
            while let next = ready.pop() {
                try checkDeadline(next)
                try next.frame._withUnsafeGuaranteedRef { frame in
                    try next.iteration._withUnsafeGuaranteedRef { iteration in
                        try process(next.item, isDead: next.isDead, frame: frame, iteration: iteration,
                                    inputs: &inputs)
                    }
                }
                if !endedFrames.isEmpty { endedFrames.removeAll(keepingCapacity: true) }
            }
        }
        return try collectResults()
    }

    // MARK: Running one node

    private func process(_ index: Int, isDead: Bool, frame: FrameState, iteration: IterationState,
                         inputs: inout [Tensor]) throws {
        let node = table.nodes[index]
        nodesRun += 1
        if isDead {
            for slot in node.inputBase..<node.inputBase + node.inputCount { iteration.inputs[slot] = nil }
            var none: Tensor? = nil
            forward(&none, from: index, node, frame: frame, iteration: iteration)
            return
        }
        switch node.role {
        case nil:
            var value: Tensor?
            if node.isFixed {
                value = table.values[index]
            } else if node.forwardsInput {
                value = try takeInput(0, of: index, node, in: iteration)
                if node.checksShapes { try checkShape(of: value!, input: 0, index, node) }
            } else if node.hasOutputKernel {
                value = try compute(index, node, in: iteration, inputs: &inputs)
            } else {
                let outputs = try computeAll(index, node, in: iteration, inputs: &inputs)
                if node.hasFetches { record(index) { outputs[$0] } }
                finish(frame, iteration, activated: activate(index, node, isDead: false, frame: frame,
                                                             iteration: iteration) { outputs[$0.output] })
                return
            }
            forward(&value, from: index, node, frame: frame, iteration: iteration)
        case .switchOnPredicate?, .switchOnIndex?:
            var value = try takeInput(0, of: index, node, in: iteration)
            let selector = try takeInput(1, of: index, node, in: iteration)
            let site = plan.items[index].site
            let port = node.role == .switchOnPredicate
                ? try ControlFlowRole.takenPort(predicate: selector, node: site)
                : try ControlFlowRole.selectedPort(index: selector, outputCount: plan.items[index].outputCount,
                                                   node: site)
            if node.hasFetches { record(index) { $0 == port ? value : nil } }
            let activated = activate(index, node, isDead: false, frame: frame, iteration: iteration) {
                $0.output != port ? nil : $0.isLastReader ? value.take() : value
            }
            finish(frame, iteration, activated: activated)
        case .mergeFirstLive?:
            var chosen: Tensor?, chosenInput = 0
            for input in 0..<node.inputCount {
                let value = try takeInput(input, of: index, node, in: iteration)
                if chosen == nil, value != nil { (chosen, chosenInput) = (consume value, input) }
            }
            guard chosen != nil else {
                forward(&chosen, from: index, node, frame: frame, iteration: iteration)
                return
            }
            if node.hasFetches { record(index) { $0 == 0 ? chosen : table.mergeIndices[chosenInput] } }
            let activated = activate(index, node, isDead: false, frame: frame, iteration: iteration) {
                $0.output == 1 ? table.mergeIndices[chosenInput] : $0.isLastReader ? chosen.take() : chosen
            }
            finish(frame, iteration, activated: activated)
        case .enterFrame?, .exitFrame?, .nextIteration?:
            var value = try takeInput(0, of: index, node, in: iteration)
            forward(&value, from: index, node, frame: frame, iteration: iteration)
        case .trigger?:
            finish(frame, iteration, activated: activate(index, node, isDead: false, frame: frame,
                                                         iteration: iteration) { _ in nil })
        }
    }

    /// Passes on the one value of a node whose every output is `value` (`nil`: dead): into a
    /// loop, out of it, to the next iteration, or to the node's readers. The last reader takes
    /// the value over.
    private func forward(_ value: inout Tensor?, from index: Int, _ node: DataflowTable.Node, frame: FrameState,
                         iteration: IterationState) {
        if node.hasFetches, let value { record(index) { _ in value } }
        switch node.role {
        case .enterFrame?:
            enter(index, node, value: &value, frame: frame, iteration: iteration)
        case .exitFrame?:
            if value != nil {
                let parent = frame.parent!, parentIteration = frame.parentIteration!
                parentIteration.outstandingOps += activate(index, node, isDead: false, frame: parent,
                                                           iteration: parentIteration) {
                    $0.isLastReader ? value.take() : value
                }
            } else if iteration.number == frame.iterationCount {
                frame.deadExits.append(index)
            }
        case .nextIteration?:
            // A dead NextIteration ends its chain: the loop has stopped.
            if let live = value.take() {
                passToNextIteration(index, node, value: live, frame: frame, iteration: iteration)
            }
        default:
            let activated = activate(index, node, isDead: value == nil, frame: frame, iteration: iteration) {
                $0.isLastReader ? value.take() : value
            }
            finish(frame, iteration, activated: activated)
            return
        }
        finish(frame, iteration, activated: 0)
    }

    /// Input `input` of a node, taken out of the iteration's table (`nil`: dead or not arrived).
    private func takeInput(_ input: Int, of index: Int, _ node: DataflowTable.Node,
                           in iteration: IterationState) throws -> Tensor? {
        if !node.inputsAreEdges, case let item = plan.items[index], !item.sources[input].isEdge {
            return try value(of: item, input: input)
        }
        return iteration.inputs[node.inputBase + input].take()
    }

    /// Runs a node's shape function on input `input` when it differs from what it last accepted.
    private func checkShape(of tensor: Tensor, input: Int, _ index: Int, _ node: DataflowTable.Node) throws {
        guard !checkedShapes.matches(tensor, at: node.checkedBase + input) else { return }
        try checkShapes(of: [tensor], index, node)
    }

    /// Runs a node's shape function on all its inputs and remembers what it accepted.
    private func checkShapes(of inputs: [Tensor], _ index: Int, _ node: DataflowTable.Node) throws {
        let item = plan.items[index]
        try Executor.checkShapes(item.definition, site: item.site, inputs: inputs, staticInputs: item.staticInputs,
                                 isReference: { if case .reference = item.sources[$0] { true } else { false } })
        for (input, tensor) in inputs.enumerated() { checkedShapes.remember(tensor, at: node.checkedBase + input) }
    }

    /// Gathers a node's inputs, all live, into `inputs` and checks their shapes when the plan could
    /// not, returning the kernel's context.
    private func context(_ index: Int, _ node: DataflowTable.Node, in iteration: IterationState,
                         inputs: inout [Tensor]) throws -> KernelContext {
        let item = plan.items[index]
        for input in 0..<node.inputCount {
            if node.inputsAreEdges || item.sources[input].isEdge {
                inputs.append(iteration.inputs[node.inputBase + input].take()!)
            } else {
                inputs.append(try value(of: item, input: input))
            }
        }
        if node.checksShapes,
           !inputs.indices.allSatisfy({ checkedShapes.matches(inputs[$0], at: node.checkedBase + $0) }) {
            try checkShapes(of: inputs, index, node)
        }
        // Moved, not copied, so the kernel holds the only reference to what it reads.
        var gathered: [Tensor] = []
        swap(&gathered, &inputs)
        return KernelContext(site: item.site, inputs: consume gathered, state: state, resources: resources)
    }

    /// Runs the kernel of a single-output node.
    private func compute(_ index: Int, _ node: DataflowTable.Node, in iteration: IterationState,
                         inputs: inout [Tensor]) throws -> Tensor {
        var context = try context(index, node, in: iteration, inputs: &inputs)
        let output = try plan.items[index].definition.outputKernel!(&context)
        recycle(&context, into: &inputs)
        return output
    }

    /// Runs the kernel of a node with several outputs (or none).
    private func computeAll(_ index: Int, _ node: DataflowTable.Node, in iteration: IterationState,
                            inputs: inout [Tensor]) throws -> [Tensor] {
        if let fixed = plan.items[index].fixedOutputs {
            for slot in node.inputBase..<node.inputBase + node.inputCount { iteration.inputs[slot] = nil }
            return fixed
        }
        var context = try context(index, node, in: iteration, inputs: &inputs)
        let outputs = try plan.items[index].definition.kernel(&context)
        recycle(&context, into: &inputs)
        return outputs
    }

    /// Takes the inputs array back from a kernel, emptied.
    private func recycle(_ context: inout KernelContext, into inputs: inout [Tensor]) {
        inputs = context.takeInputs()
        // `removeAll(keepingCapacity:)` costs a generic range replacement.
        while inputs.popLast() != nil {}
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

    /// Keeps the live outputs of a node the run fetches (only root-frame outputs are fetched).
    func record(_ index: Int, _ output: (Int) -> Tensor?) {
        for (position, fetch) in plan.items[index].fetches {
            if let value = output(position) { results[fetch] = value }
        }
    }

    // MARK: Ending the run

    @inline(__always)
    private func checkDeadline(_ node: ReadyNode) throws {
        guard let deadline, nodesRun & 1023 == 0, DispatchTime.now().uptimeNanoseconds > deadline else { return }
        try timedOut(node)
    }

    private func timedOut(_ node: ReadyNode) throws {
        let item = plan.items[node.item]
        let frame = node.frame.takeUnretainedValue(), iteration = node.iteration.takeUnretainedValue()
        let place = frame.isRoot ? "" : " in frame '\(plan.frames[frame.frame].info.name)', "
            + "iteration \(iteration.number)"
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

extension DataflowPlan.Source {
    /// Whether the input arrives from another node of the run.
    var isEdge: Bool { if case .edge = self { true } else { false } }
}
