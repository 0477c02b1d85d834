/// How one kind of run executes: the nodes it needs in topological order, where each value lives,
/// and when each value can be released. Built once per (feeds, fetches, targets) and cached.
final class Plan: Sendable {
    /// Where a step finds one input. A plain value, so that reading one costs no reference counting.
    enum InputSource: Sendable, Equatable {
        /// The value computed (or fed) earlier in the run.
        case slot(Int)
        /// A Const's value, the same on every run: the step's `constants[index]`.
        case constant(Int)
        /// A variable passed by reference; the kernel gets its name in `references`.
        case reference
        /// A VariableV2's value (the step's `variables[index]` names it), read when the
        /// consuming step runs, as TensorFlow 1.x's ref outputs are: a read under a control
        /// dependency sees the update it waited for.
        case variable(Int)
    }

    /// What a step reads, as the plan is built.
    struct StepInputs {
        var sources: [InputSource] = []
        var references: [String] = []
        var constants: [Tensor] = []
        var variables: [String] = []
        /// Whether the shape function must run again on the real inputs.
        var checksShapes: Bool
    }

    /// One node to run. A class, so that walking the plan costs one reference count per step
    /// rather than one per field; what a run reads (kernel, names) is stored apart so that a run
    /// never copies the whole node or op definition. The lists a run reads on every step live in
    /// memory the step owns, so reading them costs no reference counting either (immutable after
    /// `init`, hence `@unchecked Sendable`).
    final class Step: @unchecked Sendable {
        let definition: OpDefinition
        let kernel: Kernel
        /// The kernel of a single-output op, called without an outputs array.
        let outputKernel: OutputKernel?
        /// The node's name, attributes and references, as its kernel sees them.
        let site: KernelSite
        /// Where each input comes from.
        let inputs: UnsafeBufferPointer<InputSource>
        /// The Consts' values among the inputs.
        let constants: [Tensor]
        /// The VariableV2s read among the inputs.
        let variables: [String]
        /// What was known of each input while building; reference inputs are checked against it.
        let staticInputs: [TensorInfo]
        /// The slot of each output; -1 for an output the run feeds, whose fed value stands.
        let outputSlots: UnsafeBufferPointer<Int>
        /// Whether the shape function must run again on the real inputs, because something it
        /// checks was unknown while building or is fed.
        let checksShapes: Bool
        /// Slots whose last reader is this step.
        let releases: UnsafeBufferPointer<Int>

        init(node: Node, definition: OpDefinition, inputs: StepInputs, staticInputs: [TensorInfo],
             outputSlots: [Int], releases: [Int], attributes: Attributes, fedSlots: Set<Int>) {
            self.definition = definition
            self.kernel = definition.kernel
            self.outputKernel = definition.outputKernel
            let sources = inputs.sources
            // An input is handed over to the step that reads it last, unless the caller holds it
            // too (a feed): the run then moves it instead of copying it, and the kernel may write
            // its output over it.
            let owned = sources.indices.map { index in
                guard case .slot(let slot) = sources[index], releases.contains(slot), !fedSlots.contains(slot) else {
                    return false
                }
                return !sources[(index + 1)...].contains(.slot(slot))
            }
            let constants = sources.indices.filter { if case .constant = sources[$0] { true } else { false } }
            self.site = KernelSite(
                node: node.name, op: definition.label, attributes: attributes, references: inputs.references,
                constantInputs: Set(constants), ownedInputs: owned)
            self.inputs = ownedCopy(of: sources)
            self.constants = inputs.constants
            self.variables = inputs.variables
            self.staticInputs = staticInputs
            self.outputSlots = ownedCopy(of: outputSlots)
            self.checksShapes = inputs.checksShapes
            self.releases = ownedCopy(of: releases)
        }

        deinit {
            inputs.deallocate()
            outputSlots.deallocate()
            releases.deallocate()
        }
    }

    let steps: [Step]
    let slotCount: Int
    /// The most inputs any step has, so one inputs array can serve them all.
    let maximumInputCount: Int
    /// One fed tensor: where it goes and what the graph expects of it.
    final class Feed: Sendable {
        let output: Output
        let slot: Int
        let expected: TensorInfo
        /// The fed node's name and op, for messages, and whether it is a placeholder.
        let node: String, op: String, isPlaceholder: Bool

        init(output: Output, slot: Int, expected: TensorInfo, node: Node) {
            (self.output, self.slot, self.expected, self.node, self.op) = (output, slot, expected, node.name, node.op)
            isPlaceholder = OpRegistry.definition(named: node.op)?.traits.isPlaceholder == true
        }
    }

    let feeds: [Feed]
    let fetchSlots: [Int]
    /// The fetched constants' values, placed in their slots at the start of every run. (Steps
    /// read constants from their input sources.)
    let fetchedConstants: [(slot: Int, value: Tensor)]

    /// Plans a run of `graph`: cuts it to what the run needs, lets `optimizer` rewrite that, and
    /// schedules it. Throws for unknown names and cycles.
    convenience init(graph: Graph, fetches: [Output], feeds: [Output], targets: [String],
                     optimizer: GraphOptimizer = GraphOptimizer(isEnabled: false)) throws {
        let planGraph = try PlanGraph(graph: graph, fetches: fetches, feeds: feeds, targets: targets)
        var optimized = planGraph
        var report = optimizer.optimize(&optimized)
        do {
            try self.init(planning: optimized, feeds: feeds, report: report)
        } catch where report.failure == nil && optimizer.isEnabled {
            // A rewrite that made the graph unschedulable must not lose the run: run it as written.
            report.failure = "the optimized graph could not be scheduled, so it runs as written: \(error)"
            try self.init(planning: planGraph, feeds: feeds, report: report)
        }
    }

    /// Plans `graph` for the dataflow executor when it branches or loops, else as ordered steps.
    private convenience init(planning graph: PlanGraph, feeds: [Output], report: OptimizationReport) throws {
        if try graph.hasControlFlow {
            try self.init(dataflow: DataflowPlan(graph: graph, frames: LoopFrames(graph), feeds: feeds), report: report)
        } else {
            try self.init(scheduling: graph, feeds: feeds, report: report)
        }
    }

    /// The plan of a run that branches or loops, which the dataflow executor runs instead of steps.
    let dataflow: DataflowPlan?
    /// Which steps may run side by side, for a graph wide enough to gain (`BranchSchedule`).
    let branches: BranchSchedule?

    /// A plan that hands the run to the dataflow executor.
    init(dataflow: DataflowPlan, report: OptimizationReport) {
        self.dataflow = dataflow
        branches = nil
        (steps, slotCount, maximumInputCount) = ([], 0, 0)
        (feeds, fetchSlots, fetchedConstants) = (dataflow.feeds, [], [])
        optimization = report
        memory = nil
    }

    /// The planned peak of tensors alive at once; nil for a run that branches or loops, whose
    /// order is decided as it runs.
    let memory: MemoryPlan?

    /// What the optimizer did to this plan's graph (or why it left it as it was).
    let optimization: OptimizationReport

    /// Orders the run's nodes, gives every value a slot, and notes when each slot is read last.
    init(scheduling graph: PlanGraph, feeds: [Output], report: OptimizationReport) throws {
        let fetches = graph.fetches, fed = graph.fed
        var slots: [Output: Int] = [:]
        var slotCount = 0
        var feedList: [Feed] = []
        for output in feeds {
            let node = try graph.checkOutput(output, role: "feed")
            slots[output] = slotCount
            feedList.append(Feed(output: output, slot: slotCount, expected: node.outputs[output.index], node: node))
            slotCount += 1
        }
        var definitions: [String: OpDefinition] = [:]
        var layouts: [String: [InputSpec]] = [:]
        for name in graph.running {
            let node = graph.nodes[name]!
            definitions[name] = try graph.definition(of: node)
            layouts[name] = try graph.layout(of: node)
        }
        let order = try Plan.topologicalOrder(graph, layouts: layouts)
        for node in order {
            for index in node.outputs.indices where slots[Output(node: node.name, index: index)] == nil {
                slots[Output(node: node.name, index: index)] = slotCount
                slotCount += 1
            }
        }
        // Steps read constants from their input sources, so a constant needs a slot only when it is fetched.
        var fetchedConstants: [(slot: Int, value: Tensor)] = []
        for output in fetches where slots[output] == nil {
            guard let value = graph.constantValue(output) else { continue }
            slots[output] = slotCount
            fetchedConstants.append((slotCount, value))
            slotCount += 1
        }

        var lastReader: [Int: Int] = [:]
        var stepInputs: [StepInputs] = []
        for (position, node) in order.enumerated() {
            let layout = layouts[node.name]!
            var step = StepInputs(checksShapes: node.outputs.contains { !$0.shape.isFullyDefined })
            for (spec, input) in zip(layout, node.inputs) {
                switch graph.kind(of: input, spec: spec) {
                case .reference:
                    step.sources.append(.reference)
                    step.references.append(input.node)
                    continue
                case .variable:
                    step.sources.append(.variable(step.variables.count))
                    step.variables.append(input.node)
                    continue
                case .constant(let value):
                    step.sources.append(.constant(step.constants.count))
                    step.constants.append(value)
                    continue
                case .computed: break
                }
                guard let slot = slots[input] else {
                    throw GraphError(.runtime, node: node.name, op: node.op,
                                     message: "input '\(input)' has no value in this plan")
                }
                step.sources.append(.slot(slot))
                lastReader[slot] = position
                if graph.needsShapeCheck(reading: input) { step.checksShapes = true }
            }
            stepInputs.append(step)
        }
        let fetchSlots = fetches.map { slots[$0]! }
        // An output nothing reads or fetches (a batch norm's statistics in inference) goes right
        // after its step.
        for (position, node) in order.enumerated() {
            for index in node.outputs.indices where !fed.contains(Output(node: node.name, index: index)) {
                let slot = slots[Output(node: node.name, index: index)]!
                if lastReader[slot] == nil { lastReader[slot] = position }
            }
        }
        for slot in fetchSlots { lastReader[slot] = nil }
        var releases = Array(repeating: [Int](), count: order.count)
        for (slot, position) in lastReader { releases[position].append(slot) }

        self.fetchedConstants = fetchedConstants
        let fedSlots = Set(feedList.map(\.slot))
        self.steps = order.enumerated().map { position, node in
            Step(node: node, definition: definitions[node.name]!, inputs: stepInputs[position],
                 staticInputs: node.inputs.map { graph.info(of: $0)! },
                 outputSlots: node.outputs.indices.map { index in
                     let output = Output(node: node.name, index: index)
                     return fed.contains(output) ? -1 : slots[output]!
                 },
                 releases: releases[position],
                 attributes: Attributes(node.attributes, node: node.name, op: definitions[node.name]!.label),
                 fedSlots: fedSlots)
        }

        self.dataflow = nil
        var slotBytes = [Int?](repeating: nil, count: slotCount)
        for (output, slot) in slots {
            guard let info = graph.info(of: output), let dims = info.shape.concrete else { continue }
            slotBytes[slot] = dims.reduce(1, *) * info.dtype.byteCount
        }
        memory = MemoryPlan(steps: steps, feeds: feedList, slotBytes: slotBytes)
        branches = BranchSchedule(steps)
        self.slotCount = slotCount
        self.maximumInputCount = steps.map(\.inputs.count).max() ?? 0
        self.feeds = feedList
        self.fetchSlots = fetchSlots
        self.optimization = report
    }

    /// The running nodes in dependency order, earlier-added nodes first among equals.
    static func topologicalOrder(_ graph: PlanGraph, layouts: [String: [InputSpec]]) throws -> [Node] {
        let names = graph.running.sorted { (graph.positions[$0] ?? 0, $0) < (graph.positions[$1] ?? 0, $1) }
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        let dependencies = names.map { name -> [Int] in
            let node = graph.nodes[name]!
            var inputs = node.controlInputs
            for (spec, input) in zip(layouts[name]!, node.inputs) where graph.runsProducer(spec, input) {
                inputs.append(input.node)
            }
            return Array(Set(inputs.compactMap { index[$0] }))
        }
        return try TopologicalOrder.sort(dependencies, names: names).map { graph.nodes[names[$0]]! }
    }
}

/// A copy of `values` in memory the caller owns and must deallocate (for plain values only).
func ownedCopy<T: BitwiseCopyable>(of values: [T]) -> UnsafeBufferPointer<T> {
    let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: values.count)
    _ = buffer.initialize(from: values)
    return UnsafeBufferPointer(buffer)
}
