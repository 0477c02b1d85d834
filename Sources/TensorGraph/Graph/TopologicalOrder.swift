/// Orders nodes so every node comes after the nodes it depends on, without recursion (graphs may
/// hold millions of nodes). Used to run a plan and to import a graph file whose nodes come in any
/// order; a cycle is reported with the nodes on it.
enum TopologicalOrder {
    /// The indices `0..<dependencies.count` in dependency order; `dependencies[i]` lists the
    /// indices node `i` depends on. Among nodes that are ready together, lower indices come first.
    static func sort(_ dependencies: [[Int]], names: [String]) throws -> [Int] {
        let count = dependencies.count
        var remaining = dependencies.map(\.count)
        var dependents = Array(repeating: [Int](), count: count)
        for (node, inputs) in dependencies.enumerated() {
            for input in inputs { dependents[input].append(node) }
        }
        var ready = Heap()
        for node in 0..<count where remaining[node] == 0 { ready.push(node) }
        var order: [Int] = []
        order.reserveCapacity(count)
        while let node = ready.pop() {
            order.append(node)
            for dependent in dependents[node] {
                remaining[dependent] -= 1
                if remaining[dependent] == 0 { ready.push(dependent) }
            }
        }
        guard order.count == count else { throw cycleError(dependencies, remaining: remaining, names: names) }
        return order
    }

    /// Follows dependencies among the nodes left unordered until one repeats, and names that cycle
    /// in the direction data flows, starting from its first name.
    static func cycleError(_ dependencies: [[Int]], remaining: [Int], names: [String]) -> GraphError {
        var current = remaining.firstIndex { $0 > 0 }!
        var path: [Int] = []
        var seen: [Int: Int] = [:]
        while seen[current] == nil {
            seen[current] = path.count
            path.append(current)
            current = dependencies[current].first { remaining[$0] > 0 } ?? current
        }
        var flow = path[seen[current]!...].reversed().map { names[$0] }
        let first = flow.firstIndex(of: flow.min()!)!
        flow = Array(flow[first...] + flow[..<first])
        return GraphError(
            .cycle, message: "the graph has a cycle: " + (flow + [flow[0]]).map { "'\($0)'" }.joined(separator: " -> "),
            fix: "a node cannot depend on its own output; break the cycle")
    }

    /// A binary min-heap of indices.
    private struct Heap {
        var items: [Int] = []

        mutating func push(_ value: Int) {
            items.append(value)
            var child = items.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard items[child] < items[parent] else { break }
                items.swapAt(child, parent)
                child = parent
            }
        }

        mutating func pop() -> Int? {
            guard let top = items.first else { return nil }
            let last = items.removeLast()
            if !items.isEmpty {
                items[0] = last
                var parent = 0
                while true {
                    let left = 2 * parent + 1, right = left + 1
                    var smallest = parent
                    if left < items.count && items[left] < items[smallest] { smallest = left }
                    if right < items.count && items[right] < items[smallest] { smallest = right }
                    if smallest == parent { break }
                    items.swapAt(parent, smallest)
                    parent = smallest
                }
            }
            return top
        }
    }
}
