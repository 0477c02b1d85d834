/// What a `TensorProto` holds, as any format states it, and TensorFlow's rules for making a tensor
/// of it: `tensor_content` as little-endian bytes, or a typed value list in which fewer values than
/// elements repeat the last one.
struct TensorProtoParts {
    var dtype: DType
    var shape: Shape = .scalar
    var content: UnsafeRawBufferPointer?
    /// The typed value list for the dtype (`float_val`, `int_val`, ...), possibly shorter than the tensor.
    var values: TensorStorage
    /// The two fields' names in the format's own terms, for errors (`tensor_content` in protobuf,
    /// `tensorContent` in JSON).
    let contentName: String, valuesName: String

    init(dtype: DType, contentName: String = "tensor_content", valuesName: String? = nil) {
        self.dtype = dtype
        values = TensorStorage.concatenating([], dtype: dtype)
        self.contentName = contentName
        switch dtype {
        case .float32: self.valuesName = valuesName ?? "float_val"
        case .float64: self.valuesName = valuesName ?? "double_val"
        case .int32: self.valuesName = valuesName ?? "int_val"
        case .int64: self.valuesName = valuesName ?? "int64_val"
        case .bool: self.valuesName = valuesName ?? "bool_val"
        case .string: self.valuesName = valuesName ?? "string_val"
        case .resource: self.valuesName = valuesName ?? "resource_handle_val"
        case .variant: self.valuesName = valuesName ?? "variant_val"
        }
    }

    /// The tensor; `fail` makes an error naming where the TensorProto is, and `consumed` is told of
    /// the content's bytes as they are copied out.
    func tensor(byteLimit: Int, consumed: ((UnsafeRawBufferPointer) -> Void)? = nil,
                fail: (String) -> GraphError) throws -> Tensor {
        guard let dims = shape.concrete else { throw fail("has a tensor shape \(shape) that is not fully known") }
        guard let count = Limits.elementCount(dims, dtype: dtype, maximumBytes: byteLimit) else {
            throw fail("has shape \(shape), larger than the \(byteLimit)-byte limit for one tensor")
        }
        guard dtype != .resource, dtype != .variant else {
            throw fail("is a \(dtype.tensorFlowName) constant; TensorGraph makes \(dtype) values only while a graph "
                       + "runs (a TensorArray's handle, a tensor list), so a graph file cannot hold one")
        }
        if let content, !content.isEmpty {
            guard dtype.isPlainData else {
                throw fail("holds \(content.count) bytes of \(contentName) for a \(dtype) tensor; "
                           + "\(dtype) values belong in \(valuesName)")
            }
            guard content.count == count * dtype.byteCount else {
                throw fail("has \(content.count) bytes of \(contentName), "
                           + "but \(dtype) \(shape) needs \(count * dtype.byteCount)")
            }
            return Tensor(shape: dims, storage: TensorProtoJSON.decodeLittleEndian(content, dtype: dtype, count: count,
                                                                                  consumed: consumed))
        }
        guard values.count <= count else {
            throw fail("has \(values.count) values in \(valuesName), more than the \(count) elements of \(shape)")
        }
        guard values.count < count else { return Tensor(shape: dims, storage: values) }
        let filler = values.selecting(values.count == 0 ? [-1] : [values.count - 1])
        let positions = [Int](repeating: 0, count: count - values.count)
        return Tensor(shape: dims,
                      storage: TensorStorage.concatenating([values, filler.selecting(positions)], dtype: dtype))
    }
}
