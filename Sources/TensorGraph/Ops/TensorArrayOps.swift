/// TF1's TensorArrays (`tf.TensorArray` with control flow v1, what `dynamic_rnn` writes):
/// TensorArrayV3 makes an array for the run and outputs its handle and a `flow` scalar; the ops
/// after it take the handle and a flow, and pass the flow on so that the graph orders them.
/// The arrays themselves are ``TensorArray``s kept in the run's ``RunResources``.
enum TensorArrayOps {
    static let definitions = [
        tensorArray, write, read, gather, scatter, concat, split, size, close, gradient,
    ]

    /// `tf.TensorArray(dtype, size, ...)`: a new array of `size` unwritten elements.
    static let tensorArray = OpDefinition(
        "TensorArrayV3",
        inputs: [.input("size", .int32)],
        outputs: [.output("handle"), .output("flow")],
        attributes: [.type("dtype", DType.any), .attr("element_shape", default: .shape(.unknown)),
                     .attr("dynamic_size", default: .bool(false)), .attr("clear_after_read", default: .bool(true)),
                     .attr("identical_element_shapes", default: .bool(false)),
                     .attr("tensor_array_name", default: .string(""))],
        folds: false,
        shape: { context in
            try context.requireScalar(0, role: "size")
            return [TensorInfo(.resource, .scalar), TensorInfo(.float32, .scalar)]
        },
        kernel: { context in
            guard let size = context.inputs[0].integers?.first, size >= 0 else {
                throw context.error("size must be at least 0, but is \(context.inputs[0].doubles.first ?? 0)")
            }
            let attributes = context.attributes
            var options = TensorArray.Options(dtype: try attributes.type("dtype"))
            options.elementShape = try attributes.shape("element_shape")
            options.dynamicSize = try attributes.bool("dynamic_size")
            options.clearAfterRead = try attributes.bool("clear_after_read")
            options.identicalElementShapes = try attributes.bool("identical_element_shapes")
            let array = TensorArray(size: size, options: options)
            let handle = context.resources.add(array, kind: "TensorArray", creator: context.node)
            return [Tensor(shape: [], storage: .resource([handle])), flow]
        },
        gradient: .notDifferentiable)

    /// `ta.write(index, value)`: sets one element.
    static let write = OpDefinition(
        "TensorArrayWriteV3",
        inputs: [.input("handle", .resource), .input("index", .int32), .input("value", type: "T"),
                 .input("flow_in", .float32)],
        attributes: [.type("T", DType.any)],
        folds: false,
        shape: { context in
            try context.requireScalar(1, role: "index")
            return [TensorInfo(.float32, .scalar)]
        },
        output: { context in
            try array(context).write(context.inputs[2], at: try index(context, input: 1), context)
            return context.inputs[3]
        },
        gradient: writeGradient)

    /// `ta.read(index)`: one element.
    static let read = OpDefinition(
        "TensorArrayReadV3",
        inputs: [.input("handle", .resource), .input("index", .int32), .input("flow_in", .float32)],
        attributes: [.type("dtype", DType.any)],
        folds: false,
        shape: { context in
            try context.requireScalar(1, role: "index")
            return [TensorInfo(try context.attributes.type("dtype"), .unknown)]
        },
        output: { context in
            let array = try array(context, dtype: try context.attributes.type("dtype"))
            return try array.read(try index(context, input: 1), context)
        },
        gradient: readGradient)

    /// `ta.gather(indices)` (and `ta.stack()`, which gathers every index): the elements at
    /// `indices`, stacked along a new first axis.
    static let gather = OpDefinition(
        "TensorArrayGatherV3",
        inputs: [.input("handle", .resource), .input("indices", .int32), .input("flow_in", .float32)],
        attributes: [.type("dtype", DType.any), .attr("element_shape", default: .shape(.unknown))],
        folds: false,
        shape: { context in
            let indices = context.inputs[1].shape
            if let rank = indices.rank, rank != 1 {
                throw context.error("indices must be a vector, but has shape \(indices)")
            }
            let element = try context.attributes.shape("element_shape")
            let dims = element.dimensions.map { [indices[0]] + $0 }
            return [TensorInfo(try context.attributes.type("dtype"), dims.map(Shape.init) ?? .unknown)]
        },
        output: { context in
            let array = try array(context, dtype: try context.attributes.type("dtype"))
            let elements = try array.read(try indexList(context, input: 1), context)
            return try stacked(elements, emptyShape: try context.attributes.shape("element_shape"), array, context)
        },
        gradient: gatherGradient)

    /// `ta.scatter(indices, value)` (and `ta.unstack(value)`, which scatters to every index): writes
    /// `value[i]` at `indices[i]`.
    static let scatter = OpDefinition(
        "TensorArrayScatterV3",
        inputs: [.input("handle", .resource), .input("indices", .int32), .input("value", type: "T"),
                 .input("flow_in", .float32)],
        attributes: [.type("T", DType.any)],
        folds: false,
        shape: { context in
            let indices = context.inputs[1].shape, value = context.inputs[2].shape
            if let rank = indices.rank, rank != 1 {
                throw context.error("indices must be a vector, but has shape \(indices)")
            }
            if value.rank == 0 { throw context.error("value must have rank at least 1, but is a scalar") }
            if let count = indices[0], let rows = value[0], count != rows {
                throw context.error("there are \(count) indices for \(rows) rows of value",
                                    fix: "give one index per row of value")
            }
            return [TensorInfo(.float32, .scalar)]
        },
        output: { context in
            let indices = try indexList(context, input: 1), value = context.inputs[2]
            guard value.rank >= 1, value.shape[0] == indices.count else {
                throw context.error("there are \(indices.count) indices for a value of shape "
                                    + "\(describe(value.shape))", fix: "give one index per row of value")
            }
            let values = rows(of: value, lengths: Array(repeating: 1, count: indices.count), keepAxis: false)
            try array(context).write(values, at: indices, context)
            return context.inputs[3]
        },
        gradient: scatterGradient)

    /// `ta.concat()`: every element joined along its first axis, and each element's length along it.
    static let concat = OpDefinition(
        "TensorArrayConcatV3",
        inputs: [.input("handle", .resource), .input("flow_in", .float32)],
        outputs: [.output("value"), .output("lengths")],
        attributes: [.type("dtype", DType.any), .attr("element_shape_except0", default: .shape(.unknown))],
        folds: false,
        shape: { context in
            let rest = try context.attributes.shape("element_shape_except0")
            let value = rest.dimensions.map { Shape([nil] + $0) } ?? .unknown
            return [TensorInfo(try context.attributes.type("dtype"), value), TensorInfo(.int64, Shape([nil]))]
        },
        kernel: { context in
            let array = try array(context, dtype: try context.attributes.type("dtype"))
            let elements = try array.readAll(context)
            let lengths = Tensor(elements.map { Int64($0.shape.first ?? 0) })
            guard let first = elements.first else {
                let rest = try context.attributes.shape("element_shape_except0")
                guard let dims = rest.concrete else {
                    throw context.error("the TensorArray is empty and element_shape_except0 \(rest) is not fully "
                                        + "defined, so the shape of the concatenation is unknown")
                }
                return [Tensor(zeros: [0] + dims, dtype: array.dtype), lengths]
            }
            for (index, element) in elements.enumerated() {
                guard element.rank >= 1 else {
                    throw context.error("concat saw a scalar at index \(index) but needs elements of rank at least 1",
                                        fix: "use stack() for scalar elements")
                }
                guard element.shape.dropFirst() == first.shape.dropFirst() else {
                    throw context.error("the TensorArray's elements do not agree past their first axis: index 0 "
                                        + "has shape \(describe(first.shape)), index \(index) has "
                                        + "\(describe(element.shape))")
                }
            }
            let shape = [elements.reduce(0) { $0 + $1.shape[0] }] + first.shape.dropFirst()
            let storage = TensorStorage.concatenating(elements.map(\.storage), dtype: array.dtype)
            return [Tensor(shape: shape, storage: storage), lengths]
        },
        gradient: concatGradient)

    /// `ta.split(value, lengths)`: element i is the next `lengths[i]` rows of `value`.
    static let split = OpDefinition(
        "TensorArraySplitV3",
        inputs: [.input("handle", .resource), .input("value", type: "T"), .input("lengths", .int64),
                 .input("flow_in", .float32)],
        attributes: [.type("T", DType.any)],
        folds: false,
        shape: { context in
            if context.inputs[1].shape.rank == 0 { throw context.error("value must have rank at least 1") }
            if let rank = context.inputs[2].shape.rank, rank != 1 {
                throw context.error("lengths must be a vector, but has shape \(context.inputs[2].shape)")
            }
            return [TensorInfo(.float32, .scalar)]
        },
        output: { context in
            let value = context.inputs[1], lengths = context.inputs[2].integers ?? []
            guard value.rank >= 1 else {
                throw context.error("value must have rank at least 1, but has shape \(describe(value.shape))")
            }
            guard lengths.allSatisfy({ $0 >= 0 }), lengths.reduce(0, +) == value.shape[0] else {
                throw context.error("the lengths \(lengths) must be at least 0 and add up to the \(value.shape[0]) "
                                    + "rows of value (shape \(describe(value.shape)))")
            }
            try array(context).write(rows(of: value, lengths: lengths, keepAxis: true), at: Array(lengths.indices),
                                     context)
            return context.inputs[3]
        },
        gradient: splitGradient)

    /// `ta.size()`: the number of elements.
    static let size = OpDefinition(
        "TensorArraySizeV3",
        inputs: [.input("handle", .resource), .input("flow_in", .float32)],
        folds: false,
        shape: { _ in [TensorInfo(.int32, .scalar)] },
        output: { context in Tensor(Int32(try array(context).size(context))) },
        gradient: .notDifferentiable)

    /// `ta.close()`: the array's end; later use is an error.
    static let close = OpDefinition(
        "TensorArrayCloseV3",
        inputs: [.input("handle", .resource)],
        folds: false,
        shape: { _ in [] },
        kernel: { context in
            try array(context).close(context)
            return []
        },
        gradient: .notDifferentiable)

    /// The gradient array of a TensorArray for one gradient computation (`source`): of the same
    /// size, each element zero until gradients are written to it, which add up. `tf.gradients`
    /// writes it for every TensorArray op on the way back.
    static let gradient = OpDefinition(
        "TensorArrayGradV3",
        inputs: [.input("handle", .resource), .input("flow_in", .float32)],
        outputs: [.output("grad_handle"), .output("flow_out")],
        attributes: [.attr("source")],
        folds: false,
        shape: { _ in [TensorInfo(.resource, .scalar), TensorInfo(.float32, .scalar)] },
        kernel: { context in
            let source = try context.attributes.string("source")
            let handle = try array(context).gradient(source: source, resources: context.resources, context)
            return [Tensor(shape: [], storage: .resource([handle])), context.inputs[1]]
        },
        gradient: .notDifferentiable)
}

extension TensorArrayOps {
    /// The flow a new array starts with: its value means nothing, only the edges it makes.
    static let flow = Tensor(Float(0))

    /// The array behind input 0's handle, checked to hold `dtype` when given.
    static func array(_ context: KernelContext, dtype: DType? = nil) throws -> TensorArray {
        guard case .resource(let handles) = context.inputs[0].storage, handles.count == 1 else {
            throw context.error("handle must be one TensorArray handle, but has shape "
                                + "\(describe(context.inputs[0].shape))")
        }
        let array = try context.resources.resource(handles[0], as: TensorArray.self, context: context)
        if let dtype, dtype != array.dtype {
            throw context.error("reads \(dtype) from a TensorArray of \(array.dtype)",
                                fix: "give the op the array's dtype")
        }
        return array
    }

    /// Input `input`, an int32 scalar index.
    static func index(_ context: KernelContext, input: Int) throws -> Int {
        guard context.inputs[input].rank == 0, let index = context.inputs[input].integers?.first else {
            throw context.error("index must be an int32 scalar, but has shape \(describe(context.inputs[input].shape))")
        }
        return index
    }

    /// Input `input`, an int32 vector of indices.
    static func indexList(_ context: KernelContext, input: Int) throws -> [Int] {
        guard context.inputs[input].rank == 1, let indices = context.inputs[input].integers else {
            throw context.error("indices must be an int32 vector, but have shape "
                                + "\(describe(context.inputs[input].shape))")
        }
        return indices
    }


    /// `elements` stacked along a new first axis; they must share one shape. With no elements the
    /// result is `[0] + emptyShape` (or the array's element shape), which must then be fully known.
    static func stacked(_ elements: [Tensor], emptyShape: Shape, _ array: TensorArray,
                        _ context: KernelContext) throws -> Tensor {
        guard let first = elements.first else {
            let known = emptyShape.isFullyDefined ? emptyShape : try array.elementShape(context)
            guard let dims = known.concrete else {
                throw context.error("the TensorArray has no elements to stack and its element shape \(known) is "
                                    + "not fully defined", fix: "give the TensorArray an element_shape")
            }
            return Tensor(zeros: [0] + dims, dtype: array.dtype)
        }
        for (index, element) in elements.enumerated() where element.shape != first.shape {
            throw context.error("the TensorArray's elements differ in shape: the first has "
                                + "\(describe(first.shape)), element \(index) has \(describe(element.shape))",
                                fix: "use concat() for elements that differ along their first axis")
        }
        let storage = TensorStorage.concatenating(elements.map(\.storage), dtype: first.dtype)
        return Tensor(shape: [elements.count] + first.shape, storage: storage)
    }

    /// `value` cut along its first axis into runs of `lengths` rows; with `keepAxis` false each run is
    /// one row without that axis.
    static func rows(of value: Tensor, lengths: [Int], keepAxis: Bool) -> [Tensor] {
        let rowSize = value.shape.dropFirst().reduce(1, *)
        var start = 0
        return lengths.map { length in
            let positions = Array(start * rowSize..<(start + length) * rowSize)
            start += length
            let shape = keepAxis ? [length] + value.shape.dropFirst() : Array(value.shape.dropFirst())
            return Tensor(shape: shape, storage: value.storage.selecting(positions))
        }
    }
}
extension TensorArrayOps {
    /// The gradient of a read: the incoming gradient written at the same index of the gradient array.
    static let readGradient = putBackGradient("TensorArrayWriteV3")

    /// The gradient of a gather: the incoming gradient scattered to the same indices.
    static let gatherGradient = putBackGradient("TensorArrayScatterV3")

    /// The gradient of a write: what the gradient array holds at the index.
    static let writeGradient = readBackGradient("TensorArrayReadV3")

    /// The gradient of a scatter: the gradient array's elements at the same indices, gathered.
    static let scatterGradient = readBackGradient("TensorArrayGatherV3")

    /// The gradient of an op that takes values out of the array (handle, index or indices, flow):
    /// the incoming gradient put into the gradient array at the same place by `op`.
    static func putBackGradient(_ op: String) -> Gradient {
        .function { c in
            let gradient = try c.gradient()
            let array = try gradientArray(c, flow: c.input(2), source: gradientSource(gradient))
            let flow = try c.graph.addOutput(op, name: op, inputs: [array.handle, c.input(1), gradient, array.flow])
            return [nil, nil, flow]
        }
    }

    /// The gradient of an op that puts values into the array (handle, index or indices, value,
    /// flow): what the gradient array holds at the same place, taken out by `op` once the gradient
    /// of the op's flow has arrived.
    static func readBackGradient(_ op: String) -> Gradient {
        .function { c in
            let barrier = try flowBarrier(c)
            let array = try gradientArray(c, flow: barrier, source: gradientSource(try c.gradient()))
            let value = try c.graph.addOutput(op, name: op, inputs: [array.handle, c.input(1), array.flow],
                                              attributes: ["dtype": .type(try c.attributes.type("T"))])
            return [nil, nil, value, barrier]
        }
    }

    /// The gradient of a concat: the incoming gradient split by the elements' lengths.
    static let concatGradient = Gradient.function { c in
        let gradient = try c.gradient(0)
        let array = try gradientArray(c, flow: c.input(1), source: gradientSource(gradient))
        let flow = try c.graph.addOutput("TensorArraySplitV3", name: "TensorArraySplitV3",
                                         inputs: [array.handle, gradient, c.output(1), array.flow])
        return [nil, flow]
    }

    /// The gradient of a split: the gradient array's elements concatenated.
    static let splitGradient = Gradient.function { c in
        let barrier = try flowBarrier(c)
        let array = try gradientArray(c, flow: barrier, source: gradientSource(try c.gradient()))
        let value = try c.graph.addNode("TensorArrayConcatV3", name: "TensorArrayConcatV3",
                                        inputs: [array.handle, array.flow],
                                        attributes: ["dtype": .type(try c.attributes.type("T"))])[0]
        return [nil, value, nil, barrier]
    }

    /// The gradient arriving at a write's (scatter's, split's) flow, held back until the op's own
    /// flow exists, so that its gradient array is made after the op wrote (TensorFlow's
    /// `write_barrier`).
    static func flowBarrier(_ c: GradientContext) throws -> Output {
        let flowOut = try c.graph.addOutput("Identity", name: "flow_out", inputs: [c.output(0)])
        return try c.graph.addNode("Identity", name: "write_barrier", inputs: [try c.gradient()],
                                   controlInputs: [Operation(name: flowOut.node)])[0]
    }

    /// The gradient array of the node's TensorArray for `source` (TensorArrayGradV3).
    static func gradientArray(_ c: GradientContext, flow: Output,
                              source: String) throws -> (handle: Output, flow: Output) {
        let outputs = try c.graph.addNode("TensorArrayGradV3", name: "TensorArrayGradV3", inputs: [c.input(0), flow],
                                          attributes: ["source": .string(source)])
        return (outputs[0], outputs[1])
    }

    /// Which gradient computation `gradient` belongs to, as TensorFlow names it: its name up to the
    /// last scope starting with "gradients" (`gradients`, `gradients_1`), so that each
    /// `gradients(of:withRespectTo:)` call gets gradient arrays of its own.
    static func gradientSource(_ gradient: Output) -> String {
        let scopes = gradient.node.split(separator: "/", omittingEmptySubsequences: false)
        guard let last = scopes.lastIndex(where: { $0.hasPrefix("gradients") }) else { return "gradients" }
        return scopes[...last].joined(separator: "/")
    }
}
