import Foundation
import Testing
@testable import TensorGraph

/// The parallel loops and the worker pool under them: every item claimed exactly once, by every
/// core the pool has; a loop started inside another, or beside it from another thread, runs alone
/// and still covers its items, and one offered to idle threads is shared with them; the helpers
/// compute in the caller's floating-point mode.
@Suite("parallel loops")
struct ParallelTests {
    /// Makes an item last long enough (about 20 µs) that a helper woken late still finds items left.
    static func keepBusy() {
        var sum = 0.0
        for step in 0..<20_000 { sum += Double(step).squareRoot() }
        if sum < 0 { print(sum) }
    }

    /// How many times each of `0..<count` was claimed, and by how many distinct threads.
    static func claims(_ count: Int, inner: ((Int) -> Void)? = nil) -> (counts: [Int], threads: Int) {
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: count)
        counts.initialize(repeating: 0, count: count)
        defer { counts.deallocate() }
        let threads = NSMutableSet(), lock = NSLock()
        Parallel.forEachClaimed(count, work: Parallel.minimumWork * count) { claim in
            lock.withLock { _ = threads.add(Thread.current.description) }
            while let item = claim() {
                counts[item] += 1
                inner?(item)
                keepBusy()
            }
        }
        return (Array(UnsafeBufferPointer(start: counts, count: count)), threads.count)
    }

    @Test("each item is claimed once, and the helpers take part")
    func everyItemOnce() {
        // Tests run side by side, and a loop that finds the pool taken runs alone: some try gets it.
        var most = 0
        for _ in 0..<50 where most < Parallel.cores {
            let (counts, threads) = Self.claims(400)
            #expect(counts == Array(repeating: 1, count: 400))
            most = max(most, threads)
        }
        #expect(most == Parallel.cores)
    }

    @Test("a loop started inside another runs on its own thread and covers its items")
    func nestedLoop() {
        let inner = UnsafeMutablePointer<Int>.allocate(capacity: 64)
        inner.initialize(repeating: 0, count: 64)
        defer { inner.deallocate() }
        let (counts, _) = Self.claims(64) { item in
            Parallel.forEachChunk(1_000, work: Parallel.minimumWork * 8) { range in
                inner[item] += range.count
            }
        }
        #expect(counts == Array(repeating: 1, count: 64))
        #expect(Array(UnsafeBufferPointer(start: inner, count: 64)) == Array(repeating: 1_000, count: 64))
    }

    /// Helps with every loop offered to it from one more thread, as an idle branch worker does.
    final class OneMoreThread: LoopSharing {
        func share(_ participate: @escaping () -> Void) {
            let helper = DispatchGroup(), shared = UncheckedSendable(participate)
            DispatchQueue.global().async(group: helper) { shared.value() }
            participate()
            helper.wait()
        }
    }

    @Test("a step's loop offered to idle threads is run by them too, each item once")
    func sharedLoop() {
        let sharing = OneMoreThread()
        var most = 0
        for _ in 0..<20 where most < 2 {
            let (counts, threads) = Parallel.serially(sharingWith: sharing) { Self.claims(200) }
            #expect(counts == Array(repeating: 1, count: 200))
            most = max(most, threads)
        }
        #expect(most == 2)
        // Without a helper to offer it to, the loop stays on its thread.
        #expect(Parallel.serially { Self.claims(50) }.threads == 1)
    }

    @Test("loops started from several threads at once all finish and cover their items")
    func loopsFromSeveralThreads() {
        let results = UnsafeMutablePointer<[Int]>.allocate(capacity: 4)
        results.initialize(repeating: [], count: 4)
        defer { results.deinitialize(count: 4); results.deallocate() }
        let shared = UncheckedSendable(results)
        DispatchQueue.concurrentPerform(iterations: 4) { index in
            shared.value[index] = Self.claims(100 + index).counts
        }
        for index in 0..<4 { #expect(results[index] == Array(repeating: 1, count: 100 + index)) }
    }

    /// Halves a denormal-making input on every core, in the caller's mode; the halves, in item order.
    static func halves(flushing: Bool) -> [Float] {
        let results = UnsafeMutablePointer<Float>.allocate(capacity: 256)
        defer { results.deallocate() }
        let input = [Float](repeating: .leastNormalMagnitude, count: 256)
        let loop = {
            Parallel.forEachClaimed(256, work: Parallel.minimumWork * 256) { claim in
                while let item = claim() {
                    results[item] = input[item] * 0.5
                    keepBusy()
                }
            }
        }
        if flushing { FloatMode.flushingDenormals(loop) } else { loop() }
        return Array(UnsafeBufferPointer(start: results, count: 256))
    }

    // The helpers' own mode is whatever the thread that started them had, so both ways are checked.
    @Test("the helpers compute in the caller's floating-point mode, flushing denormals or not")
    func helpersTakeTheFloatMode() {
        #expect(Self.halves(flushing: true).allSatisfy { $0 == 0 })
        #expect(Self.halves(flushing: false).allSatisfy { $0 == Float.leastNormalMagnitude / 2 })
    }
}
