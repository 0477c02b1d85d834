/// The bytes of tensors a run of a plan holds at once, planned from its schedule before it runs:
/// each output takes a buffer of its static size when its step runs, or keeps its elements in an
/// input's buffer (``OutputStorage``: an elementwise op over an input it reads last, a Reshape's
/// view, each output of an Identity or IdentityN), and a buffer is given back after the last reader
/// of every tensor in it. A step's inputs and outputs are alive together while it runs. Fed tensors
/// count for the whole run, since the caller holds them; constants and variables are not counted.
public struct MemoryPlan: Sendable {
    /// The most bytes of tensors alive at once.
    public let peakBytes: Int
    /// The node during whose step the peak is reached (nil for a plan of no steps).
    public let peakNode: String?
    /// How many computed tensors had a size not known while planning, and are not counted.
    public let unsizedTensors: Int

    /// Plans `steps` in order, fed with `feeds`; `slotBytes` is each slot's size when known.
    init(steps: [Plan.Step], feeds: [Plan.Feed], slotBytes: [Int?]) {
        var buffer = Array(repeating: -1, count: slotBytes.count)
        var bufferBytes: [Int] = [], tensors: [Int] = []
        var live = 0, peak = 0, peakNode: String? = nil, unsized = 0
        func allocate(_ slot: Int, fed: Bool = false) {
            buffer[slot] = bufferBytes.count
            bufferBytes.append(slotBytes[slot] ?? 0)
            // A feed's buffer is the caller's: never given back during the run.
            tensors.append(fed ? 2 : 1)
            live += bufferBytes.last!
            if slotBytes[slot] == nil { unsized += 1 }
        }
        func share(_ slot: Int, with input: Int) {
            buffer[slot] = buffer[input]
            tensors[buffer[input]] += 1
        }
        for feed in feeds { allocate(feed.slot, fed: true) }
        for step in steps {
            let storage = step.definition.traits.forwardsInputs ? .inputView : step.definition.traits.outputStorage
            for (index, slot) in step.outputSlots.enumerated() where slot >= 0 {
                if let input = MemoryPlan.input(holding: index, in: slot, of: step, storage, slotBytes: slotBytes),
                   buffer[input] >= 0 {
                    share(slot, with: input)
                } else {
                    allocate(slot)
                }
            }
            if live > peak || peakNode == nil { (peak, peakNode) = (live, step.site.node) }
            for slot in step.releases where buffer[slot] >= 0 {
                tensors[buffer[slot]] -= 1
                if tensors[buffer[slot]] == 0 { live -= bufferBytes[buffer[slot]] }
            }
        }
        (peakBytes, self.peakNode, unsizedTensors) = (peak, peakNode, unsized)
    }

    /// The input slot whose buffer the step's output `output`, stored in `slot`, keeps its elements in.
    private static func input(holding output: Int, in slot: Int, of step: Plan.Step, _ storage: OutputStorage,
                              slotBytes: [Int?]) -> Int? {
        let computed = step.inputs.indices.compactMap { index -> (index: Int, slot: Int)? in
            guard case .slot(let input) = step.inputs[index] else { return nil }
            return (index, input)
        }
        switch storage {
        case .fresh: return nil
        case .inputView: return computed.first { $0.index == output }?.slot
        case .overOwnedInput(let candidates):
            guard output == 0 else { return nil }
            return computed.first {
                candidates.contains($0.index) && step.site.owns($0.index) && slotBytes[$0.slot] == slotBytes[slot]
            }?.slot
        }
    }
}
