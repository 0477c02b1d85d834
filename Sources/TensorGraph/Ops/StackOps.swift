import Foundation

/// TF1's stacks (StackV2, StackPushV2, StackPopV2, StackCloseV2): what `tf.gradients` of a
/// `tf.while_loop` writes to keep each forward iteration's values for the backward loop, which pops
/// them in reverse. A stack lives in the run's ``RunResources``, like a TensorArray.
enum StackOps {
    static let definitions = [stack, push, pop, close]

    /// A new, empty stack of `elem_type` holding at most `max_size` elements (no limit when negative).
    static let stack = OpDefinition(
        "StackV2",
        inputs: [.input("max_size", .int32)],
        attributes: [.type("elem_type", DType.any), .attr("stack_name", default: .string(""))],
        folds: false,
        shape: { context in
            try context.requireScalar(0, role: "max_size")
            return [TensorInfo(.resource, .scalar)]
        },
        output: { context in
            guard context.inputs[0].rank == 0, let limit = context.inputs[0].integers?.first else {
                throw context.error("max_size must be an int32 scalar")
            }
            let stack = TensorStack(dtype: try context.attributes.type("elem_type"), limit: limit < 0 ? nil : limit)
            let handle = context.resources.add(stack, kind: "Stack", creator: context.node)
            return Tensor(shape: [], storage: .resource([handle]))
        },
        gradient: .notDifferentiable)

    /// Pushes `elem` and outputs it.
    static let push = OpDefinition(
        "StackPushV2",
        inputs: [.input("handle", .resource), .input("elem", type: "T")],
        attributes: [.type("T", DType.any), .attr("swap_memory", default: .bool(false))],
        folds: false,
        shape: { context in [context.inputs[1]] },
        output: { context in
            try stack(context).push(context.inputs[1], context)
            return context.inputs[1]
        },
        gradient: .notDifferentiable)

    /// Pops the element pushed last.
    static let pop = OpDefinition(
        "StackPopV2",
        inputs: [.input("handle", .resource)],
        attributes: [.type("elem_type", DType.any)],
        folds: false,
        shape: { context in [TensorInfo(try context.attributes.type("elem_type"), .unknown)] },
        output: { context in
            let stack = try stack(context)
            let dtype = try context.attributes.type("elem_type")
            guard dtype == stack.dtype else {
                throw context.error("pops \(dtype) from a stack of \(stack.dtype)")
            }
            return try stack.pop(context)
        },
        gradient: .notDifferentiable)

    /// Ends the stack; its elements go.
    static let close = OpDefinition(
        "StackCloseV2",
        inputs: [.input("handle", .resource)],
        folds: false,
        shape: { _ in [] },
        kernel: { context in
            guard case .resource(let handles) = context.inputs[0].storage, handles.count == 1 else {
                throw context.error("handle must be one stack handle")
            }
            _ = try stack(context)
            context.resources.remove(handles[0])
            return []
        },
        gradient: .notDifferentiable)

    /// The stack behind input 0's handle.
    static func stack(_ context: KernelContext) throws -> TensorStack {
        guard case .resource(let handles) = context.inputs[0].storage, handles.count == 1 else {
            throw context.error("handle must be one stack handle, but has shape \(describe(context.inputs[0].shape))")
        }
        return try context.resources.resource(handles[0], as: TensorStack.self, context: context)
    }
}

/// A stack of one run (StackV2's resource): tensors of one dtype, pushed and popped last first.
final class TensorStack: @unchecked Sendable {
    let dtype: DType
    private let limit: Int?
    private let lock = NSLock()
    private var elements: [Tensor] = []

    init(dtype: DType, limit: Int?) { (self.dtype, self.limit) = (dtype, limit) }

    func push(_ value: Tensor, _ context: KernelContext) throws {
        guard value.dtype == dtype else {
            throw context.error("cannot push a \(value.dtype) value onto a stack of \(dtype)")
        }
        try lock.withLock {
            if let limit, elements.count >= limit {
                throw context.error("the stack overflowed its max_size (\(limit))")
            }
            elements.append(value)
        }
    }

    func pop(_ context: KernelContext) throws -> Tensor {
        try lock.withLock {
            guard let value = elements.popLast() else {
                throw context.error("the stack is empty", fix: "pop only what was pushed in the same run")
            }
            return value
        }
    }
}
