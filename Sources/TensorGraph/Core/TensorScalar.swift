/// A Swift type that can be the element of a ``Tensor``: `Float`, `Double`, `Int32`, `Int64`, `Bool`.
public protocol TensorScalar: Sendable, Equatable {
    /// The dtype of tensors holding this type.
    static var dtype: DType { get }
    /// Wraps an array of scalars as tensor storage.
    static func storage(_ scalars: [Self]) -> TensorStorage
    /// The scalars held by `storage`, or `nil` when it holds another type.
    static func scalars(in storage: TensorStorage) -> [Self]?
}

/// A scalar type with arithmetic: `Float`, `Double`, `Int32`, `Int64`.
public protocol NumericScalar: TensorScalar, Numeric, Comparable {
    /// The value nearest to `value`.
    init(converting value: Double)
    /// The value as a `Double`.
    var asDouble: Double { get }
    /// `a / b`; integer types truncate, as TensorFlow's integer division does.
    static func quotient(_ a: Self, _ b: Self) -> Self
    /// `a / b` rounded toward negative infinity, as Python's `//` (TensorFlow's FloorDiv).
    static func floorQuotient(_ a: Self, _ b: Self) -> Self
}

/// A floating-point scalar type: `Float` or `Double`.
public protocol FloatingScalar: NumericScalar, BinaryFloatingPoint {
    /// e^x.
    static func exp(_ x: Self) -> Self
    /// The natural logarithm.
    static func log(_ x: Self) -> Self
    /// The hyperbolic tangent.
    static func tanh(_ x: Self) -> Self
}

/// The typed array behind a ``Tensor``.
public enum TensorStorage: Sendable, Equatable {
    /// `float32` elements.
    case float32([Float])
    /// `float64` elements.
    case float64([Double])
    /// `int32` elements.
    case int32([Int32])
    /// `int64` elements.
    case int64([Int64])
    /// `bool` elements.
    case bool([Bool])
    /// `string` elements, each a byte string (TensorFlow's strings are bytes, not necessarily UTF-8).
    case string([[UInt8]])
    /// `resource` elements: handles to resources of the run (a TensorArray).
    case resource([ResourceHandle])
    /// `variant` elements: opaque values (a TF2 tensor list).
    case variant([VariantValue])

    /// The dtype of the elements.
    public var dtype: DType {
        switch self {
        case .float32: .float32
        case .float64: .float64
        case .int32: .int32
        case .int64: .int64
        case .bool: .bool
        case .string: .string
        case .resource: .resource
        case .variant: .variant
        }
    }

    /// The number of elements.
    public var count: Int {
        switch self {
        case .float32(let a): a.count
        case .float64(let a): a.count
        case .int32(let a): a.count
        case .int64(let a): a.count
        case .bool(let a): a.count
        case .string(let a): a.count
        case .resource(let a): a.count
        case .variant(let a): a.count
        }
    }
}

extension Float: FloatingScalar {
    public static var dtype: DType { .float32 }
    public static func storage(_ scalars: [Float]) -> TensorStorage { .float32(scalars) }
    public static func scalars(in storage: TensorStorage) -> [Float]? {
        if case .float32(let a) = storage { return a }
        return nil
    }
    public init(converting value: Double) { self.init(value) }
    public var asDouble: Double { Double(self) }
    public static func quotient(_ a: Float, _ b: Float) -> Float { a / b }
    public static func floorQuotient(_ a: Float, _ b: Float) -> Float { (a / b).rounded(.down) }
    public static func exp(_ x: Float) -> Float { Foundation.exp(x) }
    public static func log(_ x: Float) -> Float { Foundation.log(x) }
    public static func tanh(_ x: Float) -> Float { Foundation.tanh(x) }
}

extension Double: FloatingScalar {
    public static var dtype: DType { .float64 }
    public static func storage(_ scalars: [Double]) -> TensorStorage { .float64(scalars) }
    public static func scalars(in storage: TensorStorage) -> [Double]? {
        if case .float64(let a) = storage { return a }
        return nil
    }
    public init(converting value: Double) { self = value }
    public var asDouble: Double { self }
    public static func quotient(_ a: Double, _ b: Double) -> Double { a / b }
    public static func floorQuotient(_ a: Double, _ b: Double) -> Double { (a / b).rounded(.down) }
    public static func exp(_ x: Double) -> Double { Foundation.exp(x) }
    public static func log(_ x: Double) -> Double { Foundation.log(x) }
    public static func tanh(_ x: Double) -> Double { Foundation.tanh(x) }
}

extension Int32: NumericScalar {
    public static var dtype: DType { .int32 }
    public static func storage(_ scalars: [Int32]) -> TensorStorage { .int32(scalars) }
    public static func scalars(in storage: TensorStorage) -> [Int32]? {
        if case .int32(let a) = storage { return a }
        return nil
    }
    public init(converting value: Double) {
        self = value.isNaN
            ? 0 : Int32(Swift.max(Double(Int32.min), Swift.min(Double(Int32.max), value.rounded(.towardZero))))
    }
    public var asDouble: Double { Double(self) }
    public static func quotient(_ a: Int32, _ b: Int32) -> Int32 {
        b == 0 ? 0 : a.dividedReportingOverflow(by: b).partialValue
    }
    public static func floorQuotient(_ a: Int32, _ b: Int32) -> Int32 {
        let q = quotient(a, b)
        return b != 0 && (a % b != 0) && ((a < 0) != (b < 0)) ? q - 1 : q
    }
}

extension Int64: NumericScalar {
    public static var dtype: DType { .int64 }
    public static func storage(_ scalars: [Int64]) -> TensorStorage { .int64(scalars) }
    public static func scalars(in storage: TensorStorage) -> [Int64]? {
        if case .int64(let a) = storage { return a }
        return nil
    }
    public init(converting value: Double) {
        self = value.isNaN ? 0 : (value >= 9.2e18 ? .max : value <= -9.2e18 ? .min : Int64(value.rounded(.towardZero)))
    }
    public var asDouble: Double { Double(self) }
    public static func quotient(_ a: Int64, _ b: Int64) -> Int64 {
        b == 0 ? 0 : a.dividedReportingOverflow(by: b).partialValue
    }
    public static func floorQuotient(_ a: Int64, _ b: Int64) -> Int64 {
        let q = quotient(a, b)
        return b != 0 && (a % b != 0) && ((a < 0) != (b < 0)) ? q - 1 : q
    }
}

extension Bool: TensorScalar {
    public static var dtype: DType { .bool }
    public static func storage(_ scalars: [Bool]) -> TensorStorage { .bool(scalars) }
    public static func scalars(in storage: TensorStorage) -> [Bool]? {
        if case .bool(let a) = storage { return a }
        return nil
    }
}

import Foundation
