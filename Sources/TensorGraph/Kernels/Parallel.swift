import Foundation
import TensorGraphKernels

/// Splits loops over the machine's cores.
enum Parallel {
    /// Below this many multiply-adds (or element operations) a loop stays on one thread.
    static let minimumWork = 1 << 17

    /// The cores this process may use, read once: asking Foundation costs about 26 µs a call here.
    static let cores = ProcessInfo.processInfo.activeProcessorCount

    /// Marks a thread whose loops run on it alone (see `serially`).
    private static let serialKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Where a loop started inside `serially(sharingWith:)` offers its items (see `LoopSharing`).
    private static let sharingKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// The cores a loop started on this thread may use: all of them, or 1 inside `serially`.
    static var available: Int { pthread_getspecific(serialKey) == nil ? cores : 1 }

    /// The threads that may join a loop started on this thread, inside `serially(sharingWith:)`.
    private static var sharing: LoopSharing? {
        pthread_getspecific(sharingKey).map {
            Unmanaged<AnyObject>.fromOpaque($0).takeUnretainedValue() as! LoopSharing
        }
    }

    /// Runs `body` with the loops it starts kept to this thread: steps of a graph that run side by
    /// side get one core each, and the worker pool's idle helpers sleep meanwhile. A loop's items
    /// are offered to `sharing` too, whose threads join it when they run out of steps of their own.
    static func serially<Result>(sharingWith sharing: LoopSharing? = nil, _ body: () throws -> Result) rethrows
        -> Result {
        let outer = (pthread_getspecific(serialKey), pthread_getspecific(sharingKey))
        pthread_setspecific(serialKey, UnsafeRawPointer(bitPattern: 1))
        let opaque = sharing.map { Unmanaged.passUnretained($0 as AnyObject).toOpaque() }
        pthread_setspecific(sharingKey, opaque.map { UnsafeRawPointer($0) })
        defer {
            pthread_setspecific(serialKey, outer.0)
            pthread_setspecific(sharingKey, outer.1)
        }
        return try WorkerPool.shared.sharingTheCores(body)
    }

    /// Calls `body` on disjoint chunks covering `0..<count`, in parallel when `work` (the
    /// operations in the whole loop) makes threads worth their cost.
    static func forEachChunk(_ count: Int, work: Int, _ body: (Range<Int>) -> Void) {
        let chunks = work < minimumWork ? 1 : min(count, (sharing == nil ? available : cores) * 4)
        if chunks <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        forEachClaimed(chunks, work: work) { claim in
            while let chunk = claim() { body(count * chunk / chunks..<count * (chunk + 1) / chunks) }
        }
    }

    /// Runs `worker` on each core (one, when `work` is too little for threads), each handed a
    /// `claim` function that returns the next of `0..<count` not yet claimed by any core, and nil
    /// when all are. A core that runs slower (a shared machine's neighbour on it, a late start)
    /// simply claims fewer items, so items of a few microseconds each keep both cores busy to the
    /// end. `worker` keeps what it builds for one item (a pointer table) for the next.
    static func forEachClaimed(_ count: Int, work: Int, _ worker: (_ claim: () -> Int?) -> Void) {
        let workers = work < minimumWork ? 1 : min(count, available)
        let sharing = workers <= 1 && work >= minimumWork && count > 1 ? Parallel.sharing : nil
        if workers <= 1 && sharing == nil {
            var next = 0
            worker { next < count ? (next, next += 1).0 : nil }
            return
        }
        let counter = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        counter.initialize(to: 0)
        defer { counter.deallocate() }
        // The helpers compute in the caller's floating-point mode (denormals flushed in a run).
        let mode = FloatMode.current
        withoutActuallyEscaping(worker) { worker in
            let participate = {
                FloatMode.running(in: mode) {
                    worker {
                        let item = tg_claim(counter)
                        return item < count ? item : nil
                    }
                }
            }
            if let sharing {
                sharing.share(participate)
            } else if !WorkerPool.shared.run({ index in if index < workers { participate() } }) {
                // Another loop has the helpers (a session run on another thread): this one runs alone.
                participate()
            }
        }
    }
}

/// Threads that may help with the loops of a step running beside others on one core, when they
/// have nothing else to run (the steps of a graph's branches, `BranchSchedule`).
protocol LoopSharing: AnyObject {
    /// Runs `participate` on this thread while letting idle threads run it too, and returns once no
    /// thread runs it any longer; it claims the loop's items until none is left.
    func share(_ participate: @escaping () -> Void)
}

/// Carries a value the compiler cannot prove thread-safe into a concurrent loop whose chunks
/// touch disjoint memory.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
