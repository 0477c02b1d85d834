import Foundation
import TensorGraphKernels

/// The threads that run a parallel loop beside the thread that starts it, one per core but one.
///
/// They are started once and, after each loop, spin a little before they sleep: the next loop of
/// a run (the next layer, microseconds later) then starts on every core at once. Waking a sleeping
/// thread for every loop, as `DispatchQueue.concurrentPerform` does, costs the second core tens of
/// microseconds per layer. One loop runs at a time; a loop started while another holds the pool
/// (a session run from another thread) gets no helpers.
final class WorkerPool: @unchecked Sendable {
    /// The pool of this process.
    static let shared = WorkerPool(helpers: Parallel.cores - 1)

    /// How long a helper spins for the next loop before it sleeps: longer than the gap between two
    /// layers of a run, short enough that an idle process uses no CPU.
    static let spinNanoseconds: UInt64 = 200_000

    /// Threads beside the caller.
    let helpers: Int
    /// Bumped to hand out a loop; a helper waits for it to change.
    private let generation = UnsafeMutablePointer<Int>.allocate(capacity: 1)
    /// Helpers still running the current loop.
    private let running = UnsafeMutablePointer<Int>.allocate(capacity: 1)
    /// Guards `sleeping` and the wake-up of sleeping helpers.
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wakeUp = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Held by the loop that has the helpers.
    private let inUse = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var sleeping = 0
    /// Steps running side by side on one core each (`Parallel.serially`): while there are any, an
    /// idle helper sleeps at once instead of spinning on a core they need.
    private let sideBySide = UnsafeMutablePointer<Int>.allocate(capacity: 1)
    /// The current loop, given the participant's number (0 is the caller).
    private var body: ((Int) -> Void)?

    private init(helpers: Int) {
        self.helpers = max(0, helpers)
        generation.initialize(to: 0)
        running.initialize(to: 0)
        sideBySide.initialize(to: 0)
        pthread_mutex_init(lock, nil)
        pthread_cond_init(wakeUp, nil)
        pthread_mutex_init(inUse, nil)
        for index in 0..<self.helpers {
            Thread { [self] in serve(as: index + 1) }.start()
        }
    }

    /// Runs `body(0)` on the calling thread and `body(1...helpers)` on the helpers, and returns when
    /// every one has returned; returns false, having run nothing, when another loop has the pool.
    func run(_ body: @escaping (Int) -> Void) -> Bool {
        guard helpers > 0, pthread_mutex_trylock(inUse) == 0 else { return false }
        defer { pthread_mutex_unlock(inUse) }
        self.body = body
        tg_publish(running, helpers)
        pthread_mutex_lock(lock)
        tg_publish(generation, generation.pointee + 1)
        if sleeping > 0 { pthread_cond_broadcast(wakeUp) }
        pthread_mutex_unlock(lock)
        body(0)
        while tg_observe(running) > 0 { tg_spin_pause() }
        self.body = nil
        return true
    }

    /// Runs `body`, a step that shares the cores with others, with idle helpers kept asleep.
    func sharingTheCores<Result>(_ body: () throws -> Result) rethrows -> Result {
        tg_count_up(sideBySide)
        defer { tg_count_down(sideBySide) }
        return try body()
    }

    private func serve(as index: Int) {
        var seen = 0
        while true {
            seen = nextLoop(after: seen)
            runLoop(as: index)
            tg_count_down(running)
        }
    }

    /// Kept out of line so that the helper's hold on the loop's closure ends before it counts down:
    /// the caller's `withoutActuallyEscaping` checks that no one holds it after.
    @inline(never)
    private func runLoop(as index: Int) { body?(index) }

    /// Waits, spinning then asleep, for the loop after `seen`, and returns its generation.
    private func nextLoop(after seen: Int) -> Int {
        let deadline = DispatchTime.now().uptimeNanoseconds + Self.spinNanoseconds
        var spins = 0
        while tg_observe(generation) == seen {
            tg_spin_pause()
            spins += 1
            if spins % 64 == 0, tg_observe(sideBySide) > 0 || DispatchTime.now().uptimeNanoseconds > deadline {
                sleep(after: seen)
            }
        }
        return tg_observe(generation)
    }

    /// Sleeps until a loop after `seen` is handed out; `run` bumps the generation under `lock`, so
    /// no wake-up is lost between the test and the wait.
    private func sleep(after seen: Int) {
        pthread_mutex_lock(lock)
        sleeping += 1
        while tg_observe(generation) == seen { pthread_cond_wait(wakeUp, lock) }
        sleeping -= 1
        pthread_mutex_unlock(lock)
    }
}
