import Foundation

/// Which steps of a plan may run at the same time, for graphs that branch (Inception's towers): a
/// step waits for the steps that produce its inputs and, when it releases or takes over a value,
/// for every other step that reads that value, so the plan's releases and hand-overs stay right in
/// any order. Built only for plans whose every step computes from its inputs alone (no variables,
/// no effects, nothing random), where the order of independent steps cannot change a result, and
/// only when the graph is wide enough to gain (`minimumWidth`).
final class BranchSchedule: Sendable {
    /// How many steps each step waits for, and which steps wait for it.
    let waitsFor: [Int], unblocks: [[Int]]
    /// The longest chain of steps from each step to the end: the ready step with the longest one
    /// starts first (Inception's longest tower), so the shorter ones fill the other core.
    let remaining: [Int]

    /// A graph runs its branches at once when its steps are at least this many times its longest
    /// chain of dependent steps: ResNet50's shortcuts (about 1.1) are not worth it, Inception's
    /// towers (about 1.9) are.
    static let minimumWidth = 1.5

    /// The schedule of `steps` (in the plan's order), or nil when they must or had better run in order.
    init?(_ steps: [Plan.Step], cores: Int = Parallel.cores) {
        guard cores > 1, steps.count > 2 else { return nil }
        var producer: [Int: Int] = [:], readers: [Int: [Int]] = [:]
        for (position, step) in steps.enumerated() {
            guard step.definition.folds || step.definition.traits.ordersOnly else { return nil }
            for source in step.inputs {
                switch source {
                case .slot(let slot): readers[slot, default: []].append(position)
                case .constant: break
                case .reference, .variable: return nil
                }
            }
            for slot in step.outputSlots where slot >= 0 { producer[slot] = position }
        }
        var after = [Set<Int>](repeating: [], count: steps.count)
        for (position, step) in steps.enumerated() {
            for case .slot(let slot) in step.inputs {
                if let source = producer[slot] { after[position].insert(source) }
            }
            for slot in step.releases {
                for reader in readers[slot] ?? [] where reader != position { after[position].insert(reader) }
            }
        }
        var depth = [Int](repeating: 1, count: steps.count)
        for position in steps.indices {
            depth[position] = 1 + (after[position].map { depth[$0] }.max() ?? 0)
        }
        guard Double(steps.count) >= Self.minimumWidth * Double(depth.max() ?? 1) else { return nil }
        var unblocks = [[Int]](repeating: [], count: steps.count)
        for (position, sources) in after.enumerated() {
            for source in sources { unblocks[source].append(position) }
        }
        var remaining = [Int](repeating: 1, count: steps.count)
        for position in steps.indices.reversed() {
            remaining[position] = 1 + (unblocks[position].map { remaining[$0] }.max() ?? 0)
        }
        (waitsFor, self.unblocks, self.remaining) = (after.map(\.count), unblocks, remaining)
    }

    /// Runs `perform(position)` for every step on `cores` threads (this one and helpers), each step
    /// once its inputs are ready, earliest in plan order first. A step that starts while another
    /// runs or waits to run uses one core; one that runs alone uses all of them. The first error
    /// stops the run and is thrown after the running steps finish.
    func run(cores: Int = Parallel.cores, _ perform: (Int) throws -> Void) throws {
        let run = BranchRun(self)
        try withoutActuallyEscaping(perform) { perform in
            let shared = UncheckedSendable(perform)
            let helpers = DispatchGroup()
            // Helpers compute in this thread's floating-point mode (denormals flushed in a run).
            let mode = FloatMode.current
            for _ in 1..<cores {
                DispatchQueue.global().async(group: helpers) { FloatMode.running(in: mode) { run.work(shared.value) } }
            }
            run.work(perform)
            // The helpers use `perform` until they return, so it must outlive them.
            helpers.wait()
            if let error = run.failure { throw error }
        }
    }
}

/// The shared state of one run of a `BranchSchedule`: steps ready to start, what each still waits
/// for, which workers are busy, and the loops of running steps that idle workers may join, under
/// one lock.
private final class BranchRun: LoopSharing, @unchecked Sendable {
    private let condition = NSCondition()
    private var waiting: [Int], ready: [Int] = [], busy = 0, finished = 0
    private let unblocks: [[Int]], remaining: [Int]
    private(set) var failure: Error?
    /// Loops of steps running on one core that still have items to hand out.
    private var openLoops: [SharedLoop] = []

    /// A running step's loop, as idle workers join it.
    private final class SharedLoop {
        var participate: (() -> Void)?
        var joined = 0
        init(_ participate: @escaping () -> Void) { self.participate = participate }
    }

    init(_ schedule: BranchSchedule) {
        (waiting, unblocks, remaining) = (schedule.waitsFor, schedule.unblocks, schedule.remaining)
        for step in waiting.indices where waiting[step] == 0 { makeReady(step) }
    }

    /// Files a step among the ready ones, which are kept so that the one to start next is last:
    /// the longest chain to the end, then the earliest in plan order.
    private func makeReady(_ step: Int) {
        func before(_ a: Int, _ b: Int) -> Bool { (remaining[a], -a) < (remaining[b], -b) }
        ready.insert(step, at: ready.firstIndex { !before($0, step) } ?? ready.endIndex)
    }

    /// Takes ready steps until every step has run (or one failed); with none ready, helps with the
    /// loops of the steps that run, so that the last step of a long branch does not keep one core
    /// idle, nor a core slowed by a neighbour the other.
    func work(_ perform: (Int) throws -> Void) {
        condition.lock()
        while true {
            while ready.isEmpty && finished < waiting.count && failure == nil && busy > 0 {
                if let loop = openLoops.last { join(loop) } else { condition.wait() }
            }
            guard failure == nil, finished < waiting.count, let step = ready.popLast() else { break }
            busy += 1
            let alone = busy == 1 && ready.isEmpty
            condition.unlock()
            var error: Error?
            do {
                if alone { try perform(step) } else { try Parallel.serially(sharingWith: self) { try perform(step) } }
            } catch let thrown { error = thrown }
            condition.lock()
            busy -= 1
            finished += 1
            if let error, failure == nil { failure = error }
            for next in unblocks[step] {
                waiting[next] -= 1
                if waiting[next] == 0 { makeReady(next) }
            }
            condition.broadcast()
        }
        condition.broadcast()
        condition.unlock()
    }

    func share(_ participate: @escaping () -> Void) {
        let loop = SharedLoop(participate)
        condition.lock()
        openLoops.append(loop)
        condition.broadcast()
        condition.unlock()
        participate()
        condition.lock()
        openLoops.removeAll { $0 === loop }
        while loop.joined > 0 { condition.wait() }
        // No one may hold the loop's closure once this returns (`withoutActuallyEscaping`).
        loop.participate = nil
        condition.unlock()
    }

    /// Runs `loop` beside its step's thread until its items are gone; called and returning with the
    /// lock held. The loop is closed to others as one joins: on two cores one helper is all it can use.
    private func join(_ loop: SharedLoop) {
        loop.joined += 1
        openLoops.removeAll { $0 === loop }
        condition.unlock()
        Parallel.serially { Self.run(loop) }
        condition.lock()
        loop.joined -= 1
        condition.broadcast()
    }

    /// Kept out of line so that the joiner's hold on the loop's closure ends before it counts down.
    @inline(never)
    private static func run(_ loop: SharedLoop) { loop.participate?() }
}
