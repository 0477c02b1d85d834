import Foundation

/// A session's variables and random-stream positions, shared by concurrent runs under a lock.
final class VariableStore: SessionState, @unchecked Sendable {
    let maximumTensorBytes: Int
    private let lock = NSLock()
    private var values: [String: Tensor] = [:]
    private var randomCounters: [String: UInt64] = [:]

    init(maximumTensorBytes: Int) { self.maximumTensorBytes = maximumTensorBytes }

    func variable(named name: String) -> Tensor? { lock.withLock { values[name] } }

    func assign(_ value: Tensor, toVariable name: String) { lock.withLock { values[name] = value } }

    func update(variable name: String, _ transform: (Tensor) throws -> Tensor) throws -> Tensor? {
        try lock.withLock {
            guard let current = values[name] else { return nil }
            let updated = try transform(current)
            values[name] = updated
            return updated
        }
    }

    func reserveRandomCounter(for node: String, count: Int) -> UInt64 {
        lock.withLock {
            let start = randomCounters[node, default: 0]
            randomCounters[node] = start &+ UInt64(count)
            return start
        }
    }
}
