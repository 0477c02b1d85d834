/// TF2's tensor lists (`tf.TensorArray` under control flow v2, what a Keras LSTM's While body
/// uses): each op takes a list as a `variant` scalar and gives a new one, so a list is a value and
/// needs no per-run resource. Element shapes travel as shape tensors: -1 for an unknown dimension, a
/// scalar -1 for an unknown rank.
enum TensorListOps {
    static let definitions = [reserve, fromTensor, stack, getItem, setItem, length, elementShape]

    /// A list of `num_elements` items not set yet.
    static let reserve = OpDefinition(
        "TensorListReserve",
        inputs: [.input("element_shape", type: "shape_type"), .input("num_elements", .int32)],
        attributes: [.type("element_dtype", DType.any), .type("shape_type", DType.integer)],
        folds: false,
        shape: { _ in [TensorInfo(.variant, .scalar)] },
        output: { context in
            guard context.inputs[1].rank == 0, let count = context.inputs[1].integers?.first, count >= 0 else {
                throw context.error("num_elements must be a scalar of at least 0, but is "
                                    + "\(context.inputs[1].doubles) of shape \(describe(context.inputs[1].shape))")
            }
            let list = TensorList(elementDtype: try context.attributes.type("element_dtype"),
                                  elementShape: try shape(context, input: 0),
                                  elements: Array(repeating: nil, count: count))
            return variant(list)
        },
        gradient: .notDifferentiable)

    /// The list of `tensor`'s rows.
    static let fromTensor = OpDefinition(
        "TensorListFromTensor",
        inputs: [.input("tensor", type: "element_dtype"), .input("element_shape", type: "shape_type")],
        attributes: [.type("element_dtype", DType.any), .type("shape_type", DType.integer)],
        folds: false,
        shape: { _ in [TensorInfo(.variant, .scalar)] },
        output: { context in
            let tensor = context.inputs[0], declared = try shape(context, input: 1)
            guard tensor.rank >= 1 else {
                throw context.error("tensor must have rank at least 1, but is a scalar",
                                    fix: "stack scalars into a vector first")
            }
            let rowShape = Array(tensor.shape.dropFirst())
            guard declared.isCompatible(with: rowShape) else {
                throw context.error("the rows of tensor have shape \(describe(rowShape)), but element_shape is "
                                    + "\(declared)")
            }
            let rows = TensorArrayOps.rows(of: tensor, lengths: Array(repeating: 1, count: tensor.shape[0]),
                                           keepAxis: false)
            return variant(TensorList(elementDtype: tensor.dtype, elementShape: declared, elements: rows))
        })

    /// Every item stacked along a new first axis; items not set are zeros of the element shape.
    static let stack = OpDefinition(
        "TensorListStack",
        inputs: [.input("input_handle", .variant), .input("element_shape", .int32)],
        attributes: [.type("element_dtype", DType.any), .attr("num_elements", default: .int(-1))],
        folds: false,
        shape: { context in
            let element = context.inputs[1].value.flatMap { try? shape(of: $0) } ?? .unknown
            let count = try context.attributes.int("num_elements")
            let dims = element.dimensions.map { [count >= 0 ? count : nil] + $0 }
            return [TensorInfo(try context.attributes.type("element_dtype"), dims.map(Shape.init) ?? .unknown)]
        },
        output: { context in
            let list = try inputList(context), given = try shape(context, input: 1)
            let expected = try context.attributes.int("num_elements")
            guard expected < 0 || expected == list.elements.count else {
                throw context.error("num_elements is \(expected), but the list has \(list.elements.count) items")
            }
            let items = try list.elements.indices.map { try item(list, at: $0, given: given, context) }
            guard let first = items.first else {
                guard let dims = list.elementShape.merged(with: given)?.concrete else {
                    throw context.error("the list is empty and its element shape \(list.elementShape) is not fully "
                                        + "defined, so the stack's shape is unknown")
                }
                return Tensor(zeros: [0] + dims, dtype: list.elementDtype)
            }
            for (index, item) in items.enumerated() where item.shape != first.shape {
                throw context.error("the list's items differ in shape: the first has \(describe(first.shape)), item "
                                    + "\(index) has \(describe(item.shape))")
            }
            let storage = TensorStorage.concatenating(items.map(\.storage), dtype: list.elementDtype)
            return Tensor(shape: [items.count] + first.shape, storage: storage)
        })

    /// The item at `index`; an item not set is zeros of the element shape.
    static let getItem = OpDefinition(
        "TensorListGetItem",
        inputs: [.input("input_handle", .variant), .input("index", .int32), .input("element_shape", .int32)],
        attributes: [.type("element_dtype", DType.any)],
        folds: false,
        shape: { context in
            let element = context.inputs[2].value.flatMap { try? shape(of: $0) } ?? .unknown
            return [TensorInfo(try context.attributes.type("element_dtype"), element)]
        },
        output: { context in
            let list = try inputList(context)
            let index = try TensorArrayOps.index(context, input: 1)
            guard index >= 0, index < list.elements.count else {
                throw context.error("trying to access element \(index) in a list with \(list.elements.count) items")
            }
            return try item(list, at: index, given: try shape(context, input: 2), context)
        })

    /// A new list with the item at `index` set to `item`; the input list is unchanged.
    static let setItem = OpDefinition(
        "TensorListSetItem",
        inputs: [.input("input_handle", .variant), .input("index", .int32), .input("item", type: "element_dtype")],
        attributes: [.type("element_dtype", DType.any), .attr("resize_if_index_out_of_bounds", default: .bool(false))],
        folds: false,
        shape: { _ in [TensorInfo(.variant, .scalar)] },
        output: { context in
            var list = try inputList(context)
            let index = try TensorArrayOps.index(context, input: 1), item = context.inputs[2]
            guard item.dtype == list.elementDtype else {
                throw context.error("cannot set a \(item.dtype) item in a list of \(list.elementDtype)")
            }
            guard list.elementShape.isCompatible(with: item.shape) else {
                throw context.error("cannot set an item of shape \(describe(item.shape)) in a list whose element "
                                    + "shape is \(list.elementShape)")
            }
            let grows = try context.attributes.bool("resize_if_index_out_of_bounds")
            guard index >= 0, index < list.elements.count || grows else {
                throw context.error("trying to modify element \(index) in a list with \(list.elements.count) items")
            }
            if index >= list.elements.count {
                list.elements += Array(repeating: nil, count: index + 1 - list.elements.count)
            }
            list.elements[index] = item
            return variant(list)
        })

    /// The number of items.
    static let length = OpDefinition(
        "TensorListLength",
        inputs: [.input("input_handle", .variant)],
        folds: false,
        shape: { _ in [TensorInfo(.int32, .scalar)] },
        output: { context in Tensor(Int32(try inputList(context).elements.count)) },
        gradient: .notDifferentiable)

    /// The list's element shape as a shape tensor (-1 for unknown dimensions, a scalar -1 for an
    /// unknown rank).
    static let elementShape = OpDefinition(
        "TensorListElementShape",
        inputs: [.input("input_handle", .variant)],
        attributes: [.type("shape_type", DType.integer)],
        folds: false,
        shape: { context in [TensorInfo(try context.attributes.type("shape_type"), .unknown)] },
        output: { context in
            let shape = try inputList(context).elementShape
            let tensor = shape.dimensions.map { Tensor($0.map { Int64($0 ?? -1) }) } ?? Tensor(Int64(-1))
            return tensor.cast(to: try context.attributes.type("shape_type"))
        },
        gradient: .notDifferentiable)
}

extension TensorListOps {
    /// A list as a `variant` scalar.
    static func variant(_ list: TensorList) -> Tensor {
        Tensor(shape: [], storage: .variant([VariantValue(list)]))
    }

    /// The list input 0 holds.
    static func inputList(_ context: KernelContext) throws -> TensorList {
        guard case .variant(let values) = context.inputs[0].storage, values.count == 1,
              case .tensorList(let list) = values[0].payload else {
            throw context.error("input_handle must be one tensor list, but is a \(context.inputs[0].dtype) tensor of "
                                + "shape \(describe(context.inputs[0].shape))")
        }
        if context.attributes["element_dtype"] != nil, case let dtype = try context.attributes.type("element_dtype"),
           dtype != list.elementDtype {
            throw context.error("element_dtype is \(dtype), but the list holds \(list.elementDtype)")
        }
        return list
    }

    /// The shape tensor in input `input`, as a partial shape.
    static func shape(_ context: KernelContext, input: Int) throws -> Shape {
        do { return try shape(of: context.inputs[input]) } catch let message as ShapeTensorError {
            throw context.error(message.text)
        }
    }

    /// A shape tensor read as a partial shape: a scalar -1 is an unknown rank, -1 an unknown dimension.
    static func shape(of tensor: Tensor) throws -> Shape {
        guard let values = tensor.integers, tensor.rank <= 1 else {
            throw ShapeTensorError(text: "element_shape must be an integer scalar or vector, but is "
                                   + "\(tensor.dtype) of shape \(describe(tensor.shape))")
        }
        if tensor.rank == 0 {
            guard values == [-1] else {
                throw ShapeTensorError(text: "a scalar element_shape must be -1 (unknown rank), not \(values[0])")
            }
            return .unknown
        }
        return Shape(values.map { $0 < 0 ? nil : $0 })
    }

    /// Why a shape tensor is not one, for the kernel's own error.
    struct ShapeTensorError: Error { let text: String }

    /// The item at `index`: its value, or zeros of the element shape (the list's, refined by
    /// `given`) when it was never set.
    static func item(_ list: TensorList, at index: Int, given: Shape, _ context: KernelContext) throws -> Tensor {
        if let item = list.elements[index] { return item }
        guard let dims = list.elementShape.merged(with: given)?.concrete, list.elementDtype.isPlainData else {
            throw context.error("item \(index) of the list was never set and the element shape "
                                + "\(list.elementShape) is not fully defined, so it cannot be read as zeros",
                                fix: "set every item before reading, or give the list a full element shape")
        }
        return Tensor(zeros: dims, dtype: list.elementDtype)
    }
}
