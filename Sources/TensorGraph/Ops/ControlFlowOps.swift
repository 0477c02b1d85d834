/// TensorFlow 1.x's control-flow primitives, which `tf.cond` and `tf.while_loop` are built from:
/// Switch, Merge, Enter, Exit, NextIteration and LoopCond, and the ControlTrigger that TensorFlow's
/// while-loop gradients wait on.
///
/// What makes them control flow is how the dataflow executor routes their values (to one output of
/// a Switch, into a loop frame, to the next iteration), which each declares as its
/// ``ControlFlowRole``; the executor runs the role, never a kernel. Their outputs never carry a known value, so nothing
/// downstream of a branch or a loop is folded at build time: a folded node would run even when its
/// branch is not taken.
enum ControlFlowOps {
    static let definitions = [switchOp, switchN, merge, enter, exit, nextIteration, loopCond, controlTrigger]

    /// `Switch`: forwards `data` to `output_true` when `pred` is true, else to `output_false`; the
    /// other output is dead.
    static let switchOp = OpDefinition(
        "Switch",
        inputs: [.input("data", type: "T"), .input("pred", .bool)],
        outputs: [.output("output_false"), .output("output_true")],
        attributes: [.type("T", DType.any)],
        folds: false,
        shape: { context in
            try context.requireScalar(1, role: "pred", fix: oneBoolean)
            let data = unknownValue(context.inputs[0])
            return [data, data]
        },
        kernel: routedByExecutor,
        gradient: .function { try $0.switchGradients() }
    ).with(OpTraits(controlFlow: .switchOnPredicate))

    /// `_SwitchN`: forwards `data` to output `output_index`, or to the last output when the index
    /// is out of range (a lowered `Case`); the other outputs are dead.
    static let switchN = OpDefinition(
        "_SwitchN",
        inputs: [.input("data", type: "T"), .input("output_index", .int32)],
        outputs: [.outputs("outputs", count: "num_outs")],
        attributes: [.type("T", DType.any), .attr("num_outs")],
        folds: false,
        shape: { context in
            try context.requireScalar(1, role: "output_index")
            let count = try context.outputCount(attribute: "num_outs")
            return Array(repeating: unknownValue(context.inputs[0]), count: count)
        },
        kernel: routedByExecutor
    ).with(OpTraits(controlFlow: .switchOnIndex))

    /// `Merge`: forwards the first of its inputs that is live, and its index as `value_index`.
    static let merge = OpDefinition(
        "Merge",
        inputs: [.inputs("inputs", type: "T", count: "N")],
        outputs: [.output("output"), .output("value_index")],
        attributes: [.type("T", DType.any), .attr("N")],
        folds: false,
        shape: { context in
            let dtype = context.inputs[0].dtype
            return [TensorInfo(dtype, commonShape(context.inputShapes)), TensorInfo(.int32, .scalar)]
        },
        kernel: routedByExecutor,
        gradient: .function { try $0.mergeGradients() }
    ).with(OpTraits(controlFlow: .mergeFirstLive))

    /// `Enter`: makes `data` available in the child frame `frame_name`: to its first iteration, or
    /// to every iteration when `is_constant` (a value the loop body reads but does not change).
    static let enter = OpDefinition(
        "Enter",
        inputs: [.input("data", type: "T")],
        attributes: [
            .type("T", DType.any), .attr("frame_name"), .attr("is_constant", default: .bool(false)),
            .attr("parallel_iterations", default: .int(10)),
        ],
        folds: false,
        shape: { context in
            guard !(try context.attributes.string("frame_name")).isEmpty else {
                throw context.invalid("its frame_name is empty", fix: "name the loop frame it enters")
            }
            guard try context.attributes.int("parallel_iterations") > 0 else {
                throw context.invalid("parallel_iterations must be positive")
            }
            // As TensorFlow's shape function: a loop variable may change shape from iteration to
            // iteration, so only a constant keeps its shape (`tf.while_loop` sets the invariant).
            let input = context.inputs[0]
            let isConstant = try context.attributes.bool("is_constant")
            return [isConstant ? unknownValue(input) : TensorInfo(input.dtype, .unknown)]
        },
        kernel: routedByExecutor,
        gradient: .function { try $0.enterGradients() }
    ).with(OpTraits(controlFlow: .enterFrame))

    /// `Exit`: makes `data` available in the parent frame, leaving the loop.
    static let exit = forwarding("Exit", role: .exitFrame, gradient: .function { try $0.exitGradients() })

    /// `NextIteration`: makes `data` available to the next iteration of the frame.
    /// Its gradient is the gradient itself; the backward loop's NextIteration is built by the
    /// Switch's gradient.
    static let nextIteration = forwarding("NextIteration", role: .nextIteration,
                                          gradient: .function { [$0.outputGradients[0]] })

    /// `LoopCond`: the loop's boolean condition, forwarded; the loop's Switches read it.
    static let loopCond = OpDefinition(
        "LoopCond",
        inputs: [.input("input", .bool)],
        folds: false,
        shape: { context in
            try context.requireScalar(0, role: "the loop condition", fix: oneBoolean)
            return [TensorInfo(.bool, .scalar)]
        },
        output: { context in context.takeInput(0) },
        gradient: .notDifferentiable
    ).with(OpTraits(returnsItsInput: true))

    /// `ControlTrigger`: does nothing, but, unlike a NoOp, is never dead: what waits for it runs
    /// even when it waited on an untaken branch.
    static let controlTrigger = OpDefinition(
        "ControlTrigger", folds: false,
        shape: { _ in [] },
        kernel: routedByExecutor,
        gradient: .notDifferentiable
    ).with(OpTraits(controlFlow: .trigger))

    /// An op that forwards its one input, with the frame role `role`.
    private static func forwarding(_ name: String, role: ControlFlowRole, gradient: Gradient) -> OpDefinition {
        OpDefinition(
            name,
            inputs: [.input("data", type: "T")],
            attributes: [.type("T", DType.any)],
            folds: false,
            shape: { context in [unknownValue(context.inputs[0])] },
            kernel: routedByExecutor,
            gradient: gradient
        ).with(OpTraits(controlFlow: role))
    }

    /// Plans that hold a control-flow op always run on the dataflow executor, which routes values
    /// by role; reaching this kernel means a plan chose the wrong executor.
    private static let routedByExecutor: Kernel = { context in
        throw GraphError(.runtime, node: context.node, op: context.op,
                         message: "a control-flow op ran outside the dataflow executor")
    }

    private static let oneBoolean = "reduce it to one boolean, e.g. with reduce_all"

    /// What is known of `info` apart from its value: a control-flow op's output is not a constant.
    private static func unknownValue(_ info: TensorInfo) -> TensorInfo { TensorInfo(info.dtype, info.shape) }


    /// TensorFlow's `MergeShape`: the dimensions all `shapes` agree on; unknown where they differ,
    /// and of unknown rank when their ranks differ.
    static func commonShape(_ shapes: [Shape]) -> Shape {
        guard var common = shapes.first?.dimensions else { return .unknown }
        for shape in shapes.dropFirst() {
            guard let dimensions = shape.dimensions, dimensions.count == common.count else { return .unknown }
            for (axis, size) in dimensions.enumerated() where size != common[axis] { common[axis] = nil }
        }
        return Shape(common)
    }
}

/// How a control-flow op moves values, which the dataflow executor carries out; a graph holding any
/// of them runs on that executor.
enum ControlFlowRole: Sendable, Equatable {
    /// Output `pred ? 1 : 0` gets the data; the other is dead (Switch).
    case switchOnPredicate
    /// Output `index` gets the data, the last one when `index` is out of range; the others are
    /// dead (_SwitchN).
    case switchOnIndex
    /// Runs as soon as one input is live and forwards it; dead only when every input is (Merge).
    case mergeFirstLive
    /// Forwards into the child frame its `frame_name` attribute names (Enter).
    case enterFrame
    /// Forwards into the parent frame (Exit).
    case exitFrame
    /// Forwards into the next iteration of the frame (NextIteration).
    case nextIteration
    /// Runs, never dead, once its control inputs have arrived (ControlTrigger).
    case trigger

    /// The output of a Switch that gets the data: 1 when the predicate is true, else 0.
    static func takenPort(predicate: Tensor?, node site: KernelSite) throws -> Int {
        guard let predicate, let value = predicate.scalars(as: Bool.self), value.count == 1 else {
            throw GraphError(.runtime, node: site.node, op: site.op,
                             message: "its predicate has shape \(predicate.map { describe($0.shape) } ?? "?"); "
                                 + "it must be one boolean")
        }
        return value[0] ? 1 : 0
    }

    /// The output of a _SwitchN that gets the data: `index`, or the last output when it is out of range.
    static func selectedPort(index: Tensor?, outputCount: Int, node site: KernelSite) throws -> Int {
        guard let index = index?.integers, index.count == 1 else {
            throw GraphError(.runtime, node: site.node, op: site.op, message: "its output_index must be one int32")
        }
        return (0..<outputCount).contains(index[0]) ? index[0] : outputCount - 1
    }
}
