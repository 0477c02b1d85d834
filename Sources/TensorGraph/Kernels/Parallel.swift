import Dispatch

/// Splits loops over the machine's cores.
enum Parallel {
    /// Below this many multiply-adds (or element operations) a loop stays on one thread.
    static let minimumWork = 1 << 17

    /// The cores this process may use, read once: asking Foundation costs about 26 µs a call here.
    static let cores = ProcessInfo.processInfo.activeProcessorCount

    /// Calls `body` on disjoint chunks covering `0..<count`, in parallel when `work` (the
    /// operations in the whole loop) makes threads worth their cost.
    static func forEachChunk(_ count: Int, work: Int, _ body: (Range<Int>) -> Void) {
        let chunks = work < minimumWork ? 1 : min(count, cores * 4)
        if chunks <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = count * chunk / chunks
                let end = count * (chunk + 1) / chunks
                if start < end { shared.value(start..<end) }
            }
        }
    }
}

/// Carries a value the compiler cannot prove thread-safe into a concurrent loop whose chunks
/// touch disjoint memory.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

import Foundation
