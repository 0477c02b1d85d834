/// The nodes of a dataflow run that are ready to run, last in first out, in memory of its own:
/// pushing and popping cost no uniqueness check or exclusivity check (a loop does both for every
/// node of every iteration).
final class ReadyStack {
    @exclusivity(unchecked) private var nodes: UnsafeMutablePointer<DataflowExecutor.ReadyNode>
    @exclusivity(unchecked) private var capacity = 64
    @exclusivity(unchecked) private(set) var count = 0

    init() { nodes = .allocate(capacity: capacity) }

    // A ReadyNode holds no references, so its slots need no deinitializing.
    deinit { nodes.deallocate() }

    func push(_ node: DataflowExecutor.ReadyNode) {
        if count == capacity {
            let larger = UnsafeMutablePointer<DataflowExecutor.ReadyNode>.allocate(capacity: 2 * capacity)
            larger.moveInitialize(from: nodes, count: count)
            nodes.deallocate()
            (nodes, capacity) = (larger, 2 * capacity)
        }
        (nodes + count).initialize(to: node)
        count += 1
    }

    func pop() -> DataflowExecutor.ReadyNode? {
        guard count > 0 else { return nil }
        count -= 1
        return (nodes + count).move()
    }
}
