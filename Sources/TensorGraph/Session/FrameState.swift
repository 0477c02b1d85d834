/// One execution of a frame during a run: the run's root frame, or one execution of a while loop
/// (a loop inside a loop runs once per iteration of the outer one). It holds the iterations that
/// are live, at most `parallelIterations` of them, so a loop of any length runs in bounded memory.
final class FrameState {
    /// The frame's index in the plan.
    let frame: Int
    /// The frame and iteration that entered this one; `nil` for the root frame.
    let parent: FrameState?
    let parentIteration: IterationState?
    let parallelIterations: Int
    /// Enter nodes that have not run yet; the first iteration is not over before they have.
    @exclusivity(unchecked) var pendingEnters: Int
    /// The live iterations, oldest first: iterations end in order, so their numbers run from
    /// `oldestLive` to `iterationCount`.
    @exclusivity(unchecked) private(set) var liveIterations: [IterationState]
    @exclusivity(unchecked) private var oldestLive = 0
    /// Exits that saw a dead value in the newest iteration: if the frame ends without another
    /// iteration, their deadness goes to the parent frame (a loop on an untaken branch).
    @exclusivity(unchecked) var deadExits: [Int] = []
    /// Values every iteration reads (constant Enters), given to each new iteration.
    private(set) var invariants: [(item: Int, value: Tensor?)] = []
    /// NextIteration values waiting for an iteration to end before starting the next one.
    @exclusivity(unchecked) var deferredNexts: [(item: Int, value: Tensor)] = []

    init(frame: Int, parent: FrameState?, parentIteration: IterationState?, parallelIterations: Int,
         enters: Int, first: IterationState) {
        (self.frame, self.parent, self.parentIteration) = (frame, parent, parentIteration)
        (self.parallelIterations, self.pendingEnters) = (parallelIterations, enters)
        liveIterations = [first]
    }

    var isRoot: Bool { parent == nil }

    /// The number of the newest iteration started.
    var iterationCount: Int { oldestLive + liveIterations.count - 1 }

    /// Whether every iteration and every Enter has run, so the frame can go.
    var isDone: Bool { pendingEnters == 0 && liveIterations.isEmpty }

    /// Whether a new iteration may start now.
    var canStartIteration: Bool { liveIterations.count < parallelIterations }

    func iteration(_ number: Int) -> IterationState? {
        let position = number - oldestLive
        return position >= 0 && position < liveIterations.count ? liveIterations[position] : nil
    }

    /// Starts iteration `iterationCount + 1` with `state`.
    func startIteration(_ state: IterationState) {
        liveIterations.append(state)
        if !deadExits.isEmpty { deadExits.removeAll() }
    }

    /// Drops the oldest iteration, which is over, and returns it for reuse.
    func endOldestIteration() -> IterationState {
        oldestLive += 1
        return liveIterations.remove(at: 0)
    }

    func addInvariant(item: Int, value: Tensor?) { invariants.append((item, value)) }

    /// Whether `state` is over: nothing of it is pending or running, no loop it started is live, and
    /// the iteration before it is over too (or, for the first, every Enter has run).
    func hasFinished(_ state: IterationState) -> Bool {
        guard state.outstandingOps == 0, state.childFrames.isEmpty, state.number == oldestLive else { return false }
        return state.number > 0 || pendingEnters == 0
    }
}

/// One iteration of a frame: the inputs delivered to its nodes so far, and how many each still
/// waits for. The tables live in memory the iteration owns, so updating them costs no
/// copy-on-write or exclusivity check (a loop updates them for every node it runs). An iteration
/// that is over serves as a later one (`reuse(as:pending:)`), so a long loop allocates none.
final class IterationState {
    @exclusivity(unchecked) private(set) var number: Int
    /// Each node's inputs, at the node's `inputBase`; `nil` until delivered, or when dead.
    let inputs: UnsafeMutableBufferPointer<Tensor?>
    /// Per node (by local index): inputs still awaited (for a Merge, TensorFlow's encoding).
    let pending: UnsafeMutableBufferPointer<Int32>
    /// Per node: dead inputs received.
    let deadCounts: UnsafeMutableBufferPointer<Int32>
    /// Nodes of this iteration that are ready or running.
    @exclusivity(unchecked) var outstandingOps = 0
    /// The loops this iteration entered that are still live, by frame index.
    @exclusivity(unchecked) var childFrames: [Int: FrameState] = [:]

    init(number: Int, inputCount: Int, pending initial: [Int32]) {
        self.number = number
        inputs = .allocate(capacity: inputCount)
        inputs.initialize(repeating: nil)
        pending = .allocate(capacity: initial.count)
        _ = pending.initialize(from: initial)
        deadCounts = .allocate(capacity: initial.count)
        deadCounts.initialize(repeating: 0)
    }

    /// Makes this finished iteration of a frame start over as iteration `number` of the same frame.
    func reuse(as number: Int, pending initial: [Int32]) {
        self.number = number
        // A Merge that fired on one live input leaves no other behind, but a dead node's inputs are
        // dropped as it runs; clear whatever is left all the same.
        for slot in inputs.indices where inputs[slot] != nil { inputs[slot] = nil }
        initial.withUnsafeBufferPointer { _ = pending.update(fromContentsOf: $0) }
        deadCounts.update(repeating: 0)
        outstandingOps = 0
    }

    deinit {
        for slot in inputs.indices { inputs[slot] = nil }
        inputs.deallocate()
        pending.deallocate()
        deadCounts.deallocate()
    }
}
