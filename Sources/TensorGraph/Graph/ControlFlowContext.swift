/// The branch of a `cond` or the body of a `whileLoop` being built, as TensorFlow's
/// `CondContext` / `WhileContext`: every node built inside that reads a value from outside gets it
/// through a Switch (a branch) or a constant Enter (a loop), so that it runs only when its branch
/// is taken, or once per iteration in the loop's frame; a node with no inputs waits for the
/// context's pivot.
class ControlFlowContext {
    /// The context this one was opened in, if any.
    let outer: ControlFlowContext?
    /// The node that nodes with no inputs wait for, so they run in the branch or the iteration.
    var pivot: Output
    /// Nodes built inside, whose outputs are read as they are.
    private(set) var members: Set<String> = []
    /// Values from outside already brought in, by their outside name.
    private var broughtIn: [Output: Output] = [:]

    init(outer: ControlFlowContext?, pivot: Output) {
        (self.outer, self.pivot) = (outer, pivot)
    }

    func addMember(_ node: String) { members.insert(node) }

    /// The innermost loop this context is, or is part of (TensorFlow's `GetWhileContext`).
    var enclosingLoop: WhileContext? { (self as? WhileContext) ?? outer?.enclosingLoop }

    /// This context and those it was opened in, outermost first.
    var chain: [ControlFlowContext] { (outer?.chain ?? []) + [self] }

    /// Where a node built in this context is, for errors: this context, then those around it.
    var location: String { chain.reversed().map(\.summary).joined(separator: ", in ") }

    /// This context alone, as errors name it.
    var summary: String { "a control-flow context" }

    /// `value` as nodes inside this context read it.
    func value(for value: Output, in graph: Graph) throws -> Output {
        // A loop's NextIteration is read by its Merge before it is built.
        if members.contains(value.node) || isPassedThrough(value) || !graph.contains(value.node) { return value }
        if let known = broughtIn[value] { return known }
        if let captured = try capture(value, graph: graph) {
            broughtIn[value] = captured
            return captured
        }
        let outside = try outer?.value(for: value, in: graph) ?? value
        let inside = try graph.outside(of: self) { try bringIn(outside, graph: graph) }
        graph.adopt(inside.node, into: self)
        broughtIn[value] = inside
        return inside
    }

    /// How this context reads `value` when not by bringing it in (a backward loop reads a forward
    /// loop's value from the stack of its history); `nil` to bring it in.
    func capture(_ value: Output, graph: Graph) throws -> Output? { nil }

    /// Whether nodes inside read `value` unchanged though it was built outside.
    func isPassedThrough(_ value: Output) -> Bool { false }

    /// Builds the node that makes the outside `value` available inside.
    func bringIn(_ value: Output, graph: Graph) throws -> Output { value }
}

/// One branch of a `cond`: outside values enter through `Switch(value, predicate)`'s output for
/// the branch.
final class CondContext: ControlFlowContext {
    let predicate: Output
    /// 1 for the true branch, 0 for the false one: the Switch output that carries it.
    let branch: Int

    init(outer: ControlFlowContext?, predicate: Output, pivot: Output, branch: Int) {
        (self.predicate, self.branch) = (predicate, branch)
        super.init(outer: outer, pivot: pivot)
    }

    override func isPassedThrough(_ value: Output) -> Bool { value == predicate || value == pivot }

    /// "the true branch of cond 'cond'", the cond named by the scope of its pivot.
    override var summary: String {
        let scope = pivot.node.split(separator: "/").dropLast().joined(separator: "/")
        return "the \(branch == 1 ? "true" : "false") branch of cond '\(scope)'"
    }

    override func bringIn(_ value: Output, graph: Graph) throws -> Output {
        try graph.addNode("Switch", name: "Switch", inputs: [value, predicate])[branch]
    }
}

/// The condition or body of a `whileLoop`: outside values enter once, as a constant Enter every
/// iteration reads.
final class WhileContext: ControlFlowContext {
    /// The frame's name (`while/while_context`).
    let frameName: String
    let parallelIterations: Int
    /// The LoopCond every loop variable's Switch reads (TensorFlow's `_pivot`); `pivot` is what a
    /// node of the body with no inputs waits for.
    var loopCondition: Output?
    /// The loop's Exits, one per loop variable, in order.
    var exits: [Output] = []
    /// The Switches that route the loop variables (not those of a cond inside the body).
    var switches: Set<String> = []
    /// For the backward loop that `gradients` builds: the state that pairs it with its forward
    /// loop while that call lasts, and the forward loop for good.
    weak var gradientState: GradientLoopState?
    var forwardLoop: WhileContext?

    init(outer: ControlFlowContext?, frameName: String, parallelIterations: Int, pivot: Output) {
        (self.frameName, self.parallelIterations) = (frameName, parallelIterations)
        super.init(outer: outer, pivot: pivot)
    }

    override func bringIn(_ value: Output, graph: Graph) throws -> Output {
        try graph.enter(value, frameName: frameName, isConstant: true, parallelIterations: parallelIterations)
    }

    override var summary: String { "loop frame '\(frameName)'" }

    /// A backward loop reads each value of its forward loop as it was in the matching iteration.
    override func capture(_ value: Output, graph: Graph) throws -> Output? {
        guard let state = gradientState, graph.loop(producing: value) === state.forward else { return nil }
        return try state.realValue(value)
    }
}

extension Graph {
    /// The innermost open branch or loop body, if any.
    var controlFlowContext: ControlFlowContext? { controlFlowContexts.last }

    /// `inputs` as a node built now reads them, and the control inputs it needs: inside a branch
    /// or loop, outside values are brought in, and a node with no inputs waits for the pivot.
    func contextualized(_ inputs: [Output], controls: [String]) throws -> ([Output], [String]) {
        guard let context = controlFlowContext else { return (inputs, controls) }
        let inside = try inputs.map { try context.value(for: $0, in: self) }
        let waitsForPivot = inputs.isEmpty
            || (context is WhileContext && controls.isEmpty && readsOnlyInvariants(inside))
        return (inside, waitsForPivot ? controls + [context.pivot.node] : controls)
    }

    /// Whether a loop node reading `inputs` reads only loop invariants: it would then run as soon
    /// as its frame or iteration exists, even after the last one, unless it waits for the loop's
    /// pivot (TensorFlow's `_MaybeAddControlDependency`).
    func readsOnlyInvariants(_ inputs: [Output]) -> Bool {
        !inputs.isEmpty && inputs.allSatisfy { constantEnterInput(of: $0) != nil }
    }

    /// Records a node built now as a member of every open context.
    func recordMember(_ node: String) {
        for context in controlFlowContexts { context.addMember(node) }
        if let innermost = controlFlowContext { controlFlowContextByNode[node] = innermost }
    }

    /// Makes `node`, built outside `context` (a loop's scaffolding, a value brought in), a member of it.
    func adopt(_ node: String, into context: ControlFlowContext) {
        context.addMember(node)
        controlFlowContextByNode[node] = context
    }

    /// The branch or loop body `node` was built in (for an Exit, the loop it leaves), if any.
    func controlFlowContext(of node: String) -> ControlFlowContext? { controlFlowContextByNode[node] }

    /// The innermost loop in whose frame `value` is produced (TensorFlow's `GetWhileContext` of
    /// its output context): an Exit's value is in the loop around the one it leaves.
    func loop(producing value: Output) -> WhileContext? { outputContext(of: value)?.enclosingLoop }

    /// Runs `body` with exactly `context` and the contexts around it open, as the gradient of a
    /// node inside a loop is built in that loop's backward loop.
    func inContext<Result>(_ context: ControlFlowContext?, withoutControlDependencies: Bool = false,
                           _ body: () throws -> Result) rethrows -> Result {
        let (savedContexts, savedDependencies) = (controlFlowContexts, controlDependencyStack)
        controlFlowContexts = context?.chain ?? []
        if withoutControlDependencies { controlDependencyStack = [] }
        defer { (controlFlowContexts, controlDependencyStack) = (savedContexts, savedDependencies) }
        return try body()
    }

    /// Runs `body` with `context` open.
    func within<Result>(_ context: ControlFlowContext, _ body: () throws -> Result) rethrows -> Result {
        controlFlowContexts.append(context)
        defer { controlFlowContexts.removeLast() }
        return try body()
    }

    /// Runs `body` in the context that encloses `context`, with no control dependencies, as the
    /// nodes that bring values in and the loop's own scaffolding are built.
    func outside<Result>(of context: ControlFlowContext, _ body: () throws -> Result) rethrows -> Result {
        let (savedContexts, savedDependencies) = (controlFlowContexts, controlDependencyStack)
        if let index = controlFlowContexts.lastIndex(where: { $0 === context }) {
            controlFlowContexts.removeSubrange(index...)
        }
        controlDependencyStack = []
        defer { (controlFlowContexts, controlDependencyStack) = (savedContexts, savedDependencies) }
        return try body()
    }
}
