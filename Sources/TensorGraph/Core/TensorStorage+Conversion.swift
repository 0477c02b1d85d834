extension TensorStorage {
    /// The elements converted to `dtype` as TensorFlow's Cast does: floats truncate toward zero
    /// into integers (saturating instead of overflowing), integers wrap when narrowed, non-zero is
    /// `true`. Both dtypes must be plain data (Cast's definition refuses the others).
    func converted(to dtype: DType) -> TensorStorage {
        if self.dtype == dtype { return self }
        precondition(dtype.isPlainData, "cannot cast \(self.dtype) to \(dtype)")
        switch self {
        case .int32(let a): return Self.fromIntegers(a.map(Int64.init), to: dtype)
        case .int64(let a): return Self.fromIntegers(a, to: dtype)
        case .bool(let a): return Self.fromIntegers(a.map { $0 ? 1 : 0 }, to: dtype)
        case .float32(let a): return Self.fromFloats(a.map(Double.init), to: dtype)
        case .float64(let a): return Self.fromFloats(a, to: dtype)
        case .string, .resource, .variant: preconditionFailure("cannot cast \(self.dtype) to \(dtype)")
        }
    }

    private static func fromIntegers(_ values: [Int64], to dtype: DType) -> TensorStorage {
        switch dtype {
        case .float32: .float32(values.map { Float($0) })
        case .float64: .float64(values.map { Double($0) })
        case .int32: .int32(values.map { Int32(truncatingIfNeeded: $0) })
        case .int64: .int64(values)
        case .bool: .bool(values.map { $0 != 0 })
        case .string, .resource, .variant: preconditionFailure("cannot cast to \(dtype)")
        }
    }

    private static func fromFloats(_ values: [Double], to dtype: DType) -> TensorStorage {
        switch dtype {
        case .float32: .float32(values.map { Float($0) })
        case .float64: .float64(values)
        case .int32: .int32(values.map { Int32(converting: $0) })
        case .int64: .int64(values.map { Int64(converting: $0) })
        case .bool: .bool(values.map { $0 != 0 })
        case .string, .resource, .variant: preconditionFailure("cannot cast to \(dtype)")
        }
    }
}

extension Tensor {
    /// The tensor with its elements converted to `dtype`, as `tf.cast`; both dtypes must be plain
    /// data (numbers or bools).
    public func cast(to dtype: DType) -> Tensor { Tensor(shape: shape, storage: storage.converted(to: dtype)) }
}
