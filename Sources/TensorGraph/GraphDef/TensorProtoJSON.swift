import Foundation

/// TensorFlow's `TensorProto`, `TensorShapeProto` and `DataType` in the protobuf JSON mapping.
enum TensorProtoJSON {
    /// `"DT_FLOAT"` (or the enum's number) as a dtype; other dtypes are a clear error of kind
    /// `.unsupported` (a node holding one is left to the importer: NodeDef.unsupportedDType).
    static func dtype(_ value: Any, path: String) throws -> DType {
        let description: String
        if let name = value as? String {
            if let dtype = DType(tensorFlowName: name) { return dtype }
            description = "dtype \(name), which TensorGraph does not support "
                + "(\(DType.tensorFlowNames) are)"
        } else {
            let number = try JSONObject.integer(value, path: path)
            if let dtype = DType(tensorFlowValue: number) { return dtype }
            description = "dtype number \(number), which TensorGraph does not support"
        }
        var error = JSONObject.error(path, "is " + description)
        error.kind = .unsupported
        throw error
    }

    /// A `TensorShapeProto`: `{"dim": [{"size": "2"}, {"size": "-1"}]}` or `{"unknownRank": true}`.
    static func shape(_ object: JSONObject) throws -> Shape {
        if let unknown = object.raw("unknownRank"), try JSONObject.bool(unknown, path: object.path + ".unknownRank") {
            return .unknown
        }
        let dims = try object.array("dim") ?? []
        guard dims.count <= 64 else {
            throw JSONObject.error(object.path, "has \(dims.count) dimensions; at most 64 are supported")
        }
        return Shape(try dims.enumerated().map { index, entry -> Int? in
            let dim = try JSONObject(entry, path: "\(object.path).dim[\(index)]")
            let size = try dim.integer("size") ?? 0
            guard size >= -1, size <= 1 << 40 else {
                throw JSONObject.error(dim.path, "has size \(size); sizes are -1 (unknown) or 0 through 2^40")
            }
            return size == -1 ? nil : size
        })
    }

    static func encode(_ shape: Shape) -> [String: Any] {
        guard let dims = shape.dimensions else { return ["unknownRank": true] }
        if dims.isEmpty { return [:] }
        return ["dim": dims.map { ["size": String($0 ?? -1)] }]
    }

    /// A `TensorProto`, from `tensorContent` (little-endian bytes) or a typed value list, where
    /// fewer values than elements repeat the last one, as TensorFlow does.
    static func tensor(_ object: JSONObject, byteLimit: Int) throws -> Tensor {
        guard let dtypeValue = object.raw("dtype") else { throw JSONObject.error(object.path, "has no dtype") }
        let dtype = try dtype(dtypeValue, path: object.path + ".dtype")
        let listName: String
        switch dtype {
        case .float32: listName = "floatVal"
        case .float64: listName = "doubleVal"
        case .int32: listName = "intVal"
        case .int64: listName = "int64Val"
        case .bool: listName = "boolVal"
        case .string: listName = "stringVal"
        case .resource: listName = "resourceHandleVal"
        case .variant: listName = "variantVal"
        }
        var parts = TensorProtoParts(dtype: dtype, contentName: "tensorContent", valuesName: listName)
        parts.shape = try object.object("tensorShape").map(shape) ?? .scalar
        let values = try object.array(listName) ?? [], path = object.path + "." + listName
        switch dtype {
        case .float32: parts.values = .float32(try values.map { Float(try JSONObject.double($0, path: path)) })
        case .float64: parts.values = .float64(try values.map { try JSONObject.double($0, path: path) })
        case .int32: parts.values = .int32(try values.map { value -> Int32 in
            let number = try JSONObject.integer(value, path: path)
            guard let narrow = Int32(exactly: number) else {
                throw JSONObject.error(path, "holds \(number), beyond int32")
            }
            return narrow
        })
        case .int64: parts.values = .int64(try values.map { Int64(try JSONObject.integer($0, path: path)) })
        case .bool: parts.values = .bool(try values.map { try JSONObject.bool($0, path: path) })
        case .string: parts.values = .string(try values.map { Array(try JSONObject.bytes($0, path: path)) })
        case .resource, .variant: break
        }
        let content = try object.raw("tensorContent").map {
            [UInt8](try JSONObject.bytes($0, path: object.path + ".tensorContent"))
        }
        return try (content ?? []).withUnsafeBytes { bytes in
            parts.content = content == nil ? nil : bytes
            return try parts.tensor(byteLimit: byteLimit) { JSONObject.error(object.path, $0) }
        }
    }

    static func encode(_ tensor: Tensor) -> [String: Any] {
        var proto: [String: Any] = ["dtype": tensor.dtype.tensorFlowName, "tensorShape": encode(Shape(tensor.shape))]
        if case .string(let strings) = tensor.storage {
            proto["stringVal"] = strings.map { Data($0).base64EncodedString() }
        } else if tensor.shape.isEmpty {
            switch tensor.storage {
            case .float32(let a): proto["floatVal"] = a.map(jsonNumber)
            case .float64(let a): proto["doubleVal"] = a.map(jsonNumber)
            case .int32(let a): proto["intVal"] = a.map(Int.init)
            case .int64(let a): proto["int64Val"] = a.map { String($0) }
            case .bool(let a): proto["boolVal"] = a
            case .string, .resource, .variant: break
            }
        } else if tensor.elementCount > 0 {
            proto["tensorContent"] = Data(NPY.littleEndianBytes(of: tensor.storage)).base64EncodedString()
        }
        return proto
    }

    /// A float as JSON: a number, or "NaN" / "Infinity" / "-Infinity" as the protobuf mapping writes them.
    static func jsonNumber<T: BinaryFloatingPoint>(_ value: T) -> Any {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        return Double(value)
    }

    static func decodeLittleEndian(_ bytes: [UInt8], dtype: DType, count: Int) -> TensorStorage {
        bytes.withUnsafeBytes { decodeLittleEndian($0, dtype: dtype, count: count) }
    }

    /// `count` elements of `dtype` from little-endian bytes, read where they lie into the tensor's
    /// own storage (a large `tensor_content` is copied once). `consumed` is told of each 16 MiB of
    /// bytes once copied, so a mapped file can let them go while a large tensor is still decoding.
    static func decodeLittleEndian(_ raw: UnsafeRawBufferPointer, dtype: DType, count: Int,
                                   consumed: ((UnsafeRawBufferPointer) -> Void)? = nil) -> TensorStorage {
        func load<T: FixedWidthInteger, R>(_ type: T.Type, _ convert: (T) -> R) -> [R] {
            let size = MemoryLayout<T>.size, chunk = (16 << 20) / size
            return [R](unsafeUninitializedCapacity: count) { out, initialized in
                for start in stride(from: 0, to: count, by: chunk) {
                    let end = min(count, start + chunk)
                    for i in start..<end {
                        (out.baseAddress! + i).initialize(to: convert(T(littleEndian: raw.loadUnaligned(
                            fromByteOffset: i * size, as: T.self))))
                    }
                    consumed?(UnsafeRawBufferPointer(rebasing: raw[(start * size)..<(end * size)]))
                }
                initialized = count
            }
        }
        switch dtype {
        case .float32: return .float32(load(UInt32.self, Float.init(bitPattern:)))
        case .float64: return .float64(load(UInt64.self, Double.init(bitPattern:)))
        case .int32: return .int32(load(Int32.self) { $0 })
        case .int64: return .int64(load(Int64.self) { $0 })
        case .bool: return .bool(load(UInt8.self) { $0 != 0 })
        case .string, .resource, .variant: preconditionFailure("\(dtype) has no little-endian encoding")
        }
    }
}
