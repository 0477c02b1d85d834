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

    /// `value` as nodes inside this context read it.
    func value(for value: Output, in graph: Graph) throws -> Output {
        // A loop's NextIteration is read by its Merge before it is built.
        if members.contains(value.node) || isPassedThrough(value) || !graph.contains(value.node) { return value }
        if let known = broughtIn[value] { return known }
        let outside = try outer?.value(for: value, in: graph) ?? value
        let inside = try graph.outside(of: self) { try bringIn(outside, graph: graph) }
        addMember(inside.node)
        broughtIn[value] = inside
        return inside
    }

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

    init(outer: ControlFlowContext?, frameName: String, parallelIterations: Int, pivot: Output) {
        (self.frameName, self.parallelIterations) = (frameName, parallelIterations)
        super.init(outer: outer, pivot: pivot)
    }

    override func bringIn(_ value: Output, graph: Graph) throws -> Output {
        try graph.enter(value, frameName: frameName, isConstant: true, parallelIterations: parallelIterations)
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
        return (inside, inputs.isEmpty ? controls + [context.pivot.node] : controls)
    }

    /// Records a node built now as a member of every open context.
    func recordMember(_ node: String) {
        for context in controlFlowContexts { context.addMember(node) }
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
