/// Carries out one run of a plan: checks the feeds, runs each step's kernel, and releases every
/// value after its last reader.
struct Executor {
    let plan: Plan
    let state: VariableStore
    /// Times each step when the run is profiled.
    var clock: StepClock? = nil
    /// Seconds after which a run that branches or loops stops with an error.
    var timeout: Double? = nil

    func run(feeds: [Output: Tensor]) throws -> [Tensor] {
        if let dataflow = plan.dataflow {
            return try DataflowExecutor(plan: dataflow, state: state, timeout: timeout).run(feeds: feeds)
        }
        return try execute(feeds: feeds) { values in plan.fetchSlots.map { values[$0]! } }
    }

    /// The one fetched tensor of a plan with one fetch.
    func runForOne(feeds: [Output: Tensor]) throws -> Tensor {
        if plan.dataflow != nil { return try run(feeds: feeds)[0] }
        return try execute(feeds: feeds) { values in values[plan.fetchSlots[0]].take()! }
    }

    /// Runs every step, then hands the values left at the end (the fetched ones among them) to
    /// `finish`.
    private func execute<Result>(
        feeds: [Output: Tensor], finish: (UnsafeMutableBufferPointer<Tensor?>) -> Result
    ) throws -> Result {
        // A buffer of its own per run (runs may overlap); an Array here would look up its generic
        // metadata at run time, about 500 instructions a run.
        let values = UnsafeMutableBufferPointer<Tensor?>.allocate(capacity: plan.slotCount)
        values.initialize(repeating: nil)
        defer {
            // Slot by slot: `deinitialize()` would go through the runtime's generic array destroy.
            for slot in values.indices { values[slot] = nil }
            values.deallocate()
        }
        for constant in plan.fetchedConstants { values[constant.slot] = constant.value }
        for feed in plan.feeds {
            // One feed needs no hashing of its name.
            let tensor = feeds.count == 1 ? feeds.values.first! : feeds[feed.output]!
            try Executor.check(tensor, fedTo: feed)
            values[feed.slot] = tensor
        }
        let resources = RunResources()
        if let branches = plan.branches, clock == nil {
            // A graph that branches runs its independent steps side by side (`BranchSchedule`).
            let shared = UncheckedSendable((self, values))
            try branches.run { position in
                var inputs: [Tensor] = []
                try shared.value.0.perform(plan.steps[position], values: shared.value.1, resources: resources,
                                           inputs: &inputs)
            }
        } else {
            // One inputs array serves every step: the kernel hands it back, emptied, when it is done.
            var inputs: [Tensor] = []
            inputs.reserveCapacity(plan.maximumInputCount)
            for step in plan.steps { try perform(step, values: values, resources: resources, inputs: &inputs) }
        }
        return finish(values)
    }

    /// Runs one step: gathers its inputs from `values` (taking over those it owns), runs its kernel,
    /// stores its outputs and releases the values it read last. `inputs` comes and goes back empty.
    private func perform(_ step: Plan.Step, values: UnsafeMutableBufferPointer<Tensor?>, resources: RunResources,
                         inputs: inout [Tensor]) throws {
        clock?.startStep()
        let site = step.site
        for (index, source) in step.inputs.enumerated() {
            switch source {
            case .slot(let slot): inputs.append(site.owns(index) ? values[slot].take()! : values[slot]!)
            case .constant(let constant): inputs.append(step.constants[constant])
            case .reference: inputs.append(Executor.emptyInput)
            case .variable(let variable): inputs.append(try readVariable(step.variables[variable]))
            }
        }
        if step.checksShapes {
            try Executor.checkShapes(step.definition, site: site, inputs: inputs, staticInputs: step.staticInputs,
                                     isReference: { step.inputs[$0] == .reference })
        }
        // Moved, not copied, so the kernel holds the only reference to the inputs it owns.
        var gathered: [Tensor] = []
        swap(&gathered, &inputs)
        var context = KernelContext(site: site, inputs: consume gathered, state: state, resources: resources)
        if let outputKernel = step.outputKernel {
            let output = try outputKernel(&context)
            if let slot = step.outputSlots.first, slot >= 0 { values[slot] = output }
        } else {
            var outputs = try step.kernel(&context)
            // Popping hands each output over without copying it.
            while let output = outputs.popLast() {
                if outputs.count < step.outputSlots.count, case let slot = step.outputSlots[outputs.count], slot >= 0 {
                    values[slot] = output
                }
            }
        }
        inputs = context.takeInputs()
        clock?.measure(values, inputs: inputs, of: step)
        // `removeAll(keepingCapacity:)` costs a generic range replacement.
        while inputs.popLast() != nil {}
        for slot in step.releases { values[slot] = nil }
        clock?.endStep(step)
    }

    /// A VariableV2's current value, read by the step that consumes it.
    private func readVariable(_ name: String) throws -> Tensor {
        guard let value = state.variable(named: name) else { throw StateOps.uninitializedVariableV2(name) }
        return value
    }

    /// Stands in for an input a kernel does not hold as a value: a variable passed by reference
    /// (kernels read those through `references`), or an input the kernel has taken.
    static let emptyInput = Tensor(shape: [0], scalars: [Float]())

    /// Runs the node's shape function on the real inputs, so a mistake in a dimension that was
    /// unknown while building reads exactly as it would have then.
    static func checkShapes(_ definition: OpDefinition, site: KernelSite, inputs: [Tensor], staticInputs: [TensorInfo],
                            isReference: (Int) -> Bool) throws {
        let infos = inputs.indices.map { index in
            isReference(index) ? staticInputs[index] : TensorInfo(constant: inputs[index])
        }
        _ = try definition.shape(InferenceContext(node: site.node, op: site.op, attributes: site.attributes,
                                                  inputs: infos))
    }

    /// A fed tensor must have the dtype of the tensor it replaces and a shape its partial shape allows.
    static func check(_ tensor: Tensor, fedTo feed: Plan.Feed) throws {
        let expected = feed.expected, output = feed.output
        var what: String { feed.isPlaceholder ? "placeholder '\(feed.node)'" : "'\(output)'" }
        guard tensor.dtype == expected.dtype else {
            throw GraphError(.invalidFeed, node: feed.node, op: feed.op,
                             message: "the feed for '\(output)' is \(tensor.dtype), but \(what) is \(expected.dtype)",
                             fix: "feed a \(expected.dtype) tensor, e.g. with tensor.cast(to: .\(expected.dtype))")
        }
        guard expected.shape.isCompatible(with: tensor.shape) else {
            throw GraphError(.invalidFeed, node: feed.node, op: feed.op, inputShapes: [expected.shape],
                             message: "the feed for '\(output)' has shape \(describe(tensor.shape)), "
                                 + "but \(what) expects \(expected.shape)",
                             fix: "feed a tensor of shape \(expected.shape) (? may be any size)")
        }
    }
}
