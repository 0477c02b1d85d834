import Foundation

/// Runs a ``Graph``, as TensorFlow 1.x's `tf.compat.v1.Session`: feed some tensors, fetch others,
/// and only the nodes the fetches and targets need run, each once, in topological order.
///
/// Variables live in the session and keep their values across runs. `run` may be called from
/// several threads at once.
///
/// ```swift
/// let session = Session(graph: graph)
/// try session.run(targets: [graph.globalVariablesInitializer()])
/// let logits = try session.run(logitsOutput, feeds: [x: images])
/// ```
public final class Session: Sendable {
    /// The graph this session runs; nodes added to it later can be run too.
    public let graph: Graph
    /// How this session plans and runs.
    public let options: SessionOptions
    let state: VariableStore
    private let plans = PlanCache()

    /// Creates a session for `graph` with no variable initialized.
    ///
    /// - Parameter maximumTensorBytes: the largest tensor a kernel may allocate from sizes it is
    ///   given as data (a `Fill`'s dims, a `conv2d_transpose`'s output_shape, ...); larger is an error.
    public convenience init(graph: Graph, maximumTensorBytes: Int = Limits.defaultMaximumTensorBytes) {
        self.init(graph: graph, options: SessionOptions(maximumTensorBytes: maximumTensorBytes))
    }

    /// Creates a session for `graph` with `options` (TensorFlow's `ConfigProto`), no variable initialized.
    public init(graph: Graph, options: SessionOptions) {
        self.graph = graph
        self.options = options
        self.state = VariableStore(maximumTensorBytes: options.maximumTensorBytes)
    }

    /// Runs the graph: computes `fetches` from `feeds`, after running `targets` for their effects.
    ///
    /// Feeding any tensor cuts the graph above it. Every node needed runs once. Kernels run with
    /// denormal numbers flushed to zero, as TensorFlow's CPU ops do.
    ///
    /// - Returns: the fetched tensors, in order.
    /// - Throws: ``GraphError`` for unknown names, unfed placeholders, feeds of the wrong shape or
    ///   dtype, uninitialized variables, and shape errors found now that the shapes are known.
    @discardableResult
    public func run(fetches: [Output] = [], feeds: [Output: Tensor] = [:],
                    targets: [Operation] = []) throws -> [Tensor] {
        let plan = try plan(feeds: feeds, targets: targets, fetches: fetches, isFetching: { $0 == fetches })
        return try FloatMode.flushingDenormals {
            try Executor(plan: plan, state: state, timeout: options.operationTimeout).run(feeds: feeds)
        }
    }

    /// Runs as ``run(fetches:feeds:targets:)`` does and times every node that ran, as TensorFlow's
    /// `RunMetadata` step stats.
    public func profile(fetches: [Output], feeds: [Output: Tensor] = [:],
                        targets: [Operation] = []) throws -> (outputs: [Tensor], profile: RunProfile) {
        let plan = try plan(feeds: feeds, targets: targets, fetches: fetches, isFetching: { $0 == fetches })
        let clock = StepClock()
        clock.feeds = Array(feeds.values)
        let outputs = try FloatMode.flushingDenormals {
            try Executor(plan: plan, state: state, clock: clock, timeout: options.operationTimeout).run(feeds: feeds)
        }
        return (outputs, RunProfile(nodes: clock.times, optimization: plan.optimization, memory: plan.memory,
                                    measuredPeakBytes: clock.peakBytes))
    }

    /// What the graph optimizer did for a run of `fetches` (``OptimizationReport``), planning it
    /// if it has not run yet.
    public func optimization(fetches: [Output], feeds: [Output: Tensor] = [:],
                             targets: [Operation] = []) throws -> OptimizationReport {
        try plan(feeds: feeds, targets: targets, fetches: fetches, isFetching: { $0 == fetches }).optimization
    }

    /// Runs the graph and returns the one fetched tensor.
    public func run(_ fetch: Output, feeds: [Output: Tensor] = [:]) throws -> Tensor {
        // A loop fetching one tensor builds no fetches array in and none out.
        let plan = try plan(
            feeds: feeds, targets: [], fetches: [fetch], isFetching: { $0.count == 1 && $0[0] == fetch })
        return try FloatMode.flushingDenormals {
            try Executor(plan: plan, state: state, timeout: options.operationTimeout).runForOne(feeds: feeds)
        }
    }

    /// The plan for a run: the last one used when it fits (compared by name, no key built), else
    /// the cached or a new one. `fetches` is evaluated only when a key must be built.
    private func plan(feeds: [Output: Tensor], targets: [Operation], fetches: @autoclosure () -> [Output],
                      isFetching: ([Output]) -> Bool) throws -> Plan {
        let graphSize = graph.nodeCount
        if let plan = plans.lastPlan(feeds: feeds, targets: targets, graphSize: graphSize, fetches: isFetching) {
            return plan
        }
        let fetches = fetches()
        let feedOrder = feeds.keys.sorted { ($0.node, $0.index) < ($1.node, $1.index) }
        let key = PlanKey(feeds: feedOrder, fetches: fetches, targets: targets.map(\.name), graphSize: graphSize)
        return try plans.plan(for: key) {
            try Plan(graph: graph, fetches: fetches, feeds: feedOrder, targets: targets.map(\.name),
                     optimizer: GraphOptimizer(isEnabled: options.optimizesGraph))
        }
    }

    /// The current value of the variable named `name`, or `nil` before it is initialized.
    public func value(ofVariable name: String) -> Tensor? { state.variable(named: name) }
}

/// How a ``Session`` plans and runs, as the parts of TensorFlow's `ConfigProto` that apply.
public struct SessionOptions: Sendable {
    /// Whether each run's graph is optimized before it runs: identities removed, constants folded,
    /// batch norms folded into weights, products fused with bias and activation. `false` is
    /// TensorFlow's `OptimizerOptions.L0`: the graph runs as written.
    public var optimizesGraph: Bool
    /// The largest tensor a kernel may allocate from sizes it is given as data; larger is an error.
    public var maximumTensorBytes: Int
    /// Seconds after which a run that branches or loops stops with an error naming where it was
    /// (TensorFlow's `operation_timeout_in_ms`); `nil` lets a run take as long as it takes.
    public var operationTimeout: Double?

    public init(optimizesGraph: Bool = true, maximumTensorBytes: Int = Limits.defaultMaximumTensorBytes,
                operationTimeout: Double? = nil) {
        (self.optimizesGraph, self.maximumTensorBytes) = (optimizesGraph, maximumTensorBytes)
        self.operationTimeout = operationTimeout
    }
}

/// What makes two runs share a plan.
struct PlanKey: Hashable {
    let feeds: [Output]
    let fetches: [Output]
    let targets: [String]
    /// Graphs only grow, so their size tells whether a plan may be stale.
    let graphSize: Int
}

/// Plans by key, built once and shared by concurrent runs.
final class PlanCache: @unchecked Sendable {
    private let lock = NSLock()
    private var plans: [PlanKey: Plan] = [:]
    /// The plan used last: a loop running one kind of run compares names with it instead of
    /// building a key and hashing it.
    private var last: LastPlan?

    /// A class, so that reading it under the lock retains one object rather than the key's arrays.
    private final class LastPlan {
        let key: PlanKey, plan: Plan
        init(_ key: PlanKey, _ plan: Plan) { (self.key, self.plan) = (key, plan) }
    }

    /// The last plan, if it is the one for this run.
    func lastPlan(feeds: [Output: Tensor], targets: [Operation], graphSize: Int, fetches: ([Output]) -> Bool) -> Plan? {
        lock.withLock {
            guard let last, last.key.graphSize == graphSize, fetches(last.key.fetches),
                  last.key.targets.count == targets.count, zip(last.key.targets, targets).allSatisfy({ $0 == $1.name }),
                  last.key.feeds.count == feeds.count,
                  feeds.count == 1 ? feeds.keys.first! == last.key.feeds[0]
                                   : last.key.feeds.allSatisfy({ feeds[$0] != nil }) else { return nil }
            return last.plan
        }
    }

    func plan(for key: PlanKey, build: () throws -> Plan) throws -> Plan {
        let cached = lock.withLock { () -> Plan? in
            guard let plan = plans[key] else { return nil }
            last = LastPlan(key, plan)
            return plan
        }
        if let cached { return cached }
        let plan = try build()
        lock.withLock {
            // Graphs only grow, so plans for a smaller graph can never be used again; dropping
            // them frees the weights they packed.
            plans = plans.filter { $0.key.graphSize >= key.graphSize }
            plans[key] = plan
            last = LastPlan(key, plan)
        }
        return plan
    }
}
