import Foundation
import Testing
@testable import TensorGraph

/// Reads the TensorFlow reference fixtures in Tests/Fixtures (written by generate.py).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func cases(_ name: String) throws -> [[String: Any]] {
        try #require(try json(name)["cases"] as? [[String: Any]])
    }

    static func npy(_ path: String) throws -> Tensor {
        try NPY.read(contentsOf: directory.appendingPathComponent(path))
    }

    /// A fixture array `{"dtype", "shape", "values"}` as a tensor.
    static func tensor(_ object: Any?) throws -> Tensor {
        let dictionary = try #require(object as? [String: Any])
        let shape = try #require(dictionary["shape"] as? [Int])
        let values = try #require(dictionary["values"] as? [Any])
        switch dictionary["dtype"] as? String {
        case "float32": return Tensor(shape: shape, scalars: values.map { Float(($0 as! NSNumber).doubleValue) })
        case "float64": return Tensor(shape: shape, scalars: values.map { ($0 as! NSNumber).doubleValue })
        case "int32": return Tensor(shape: shape, scalars: values.map { Int32(($0 as! NSNumber).intValue) })
        case "int64": return Tensor(shape: shape, scalars: values.map { Int64(($0 as! NSNumber).intValue) })
        case "bool": return Tensor(shape: shape, scalars: values.map { ($0 as! NSNumber).boolValue })
        default: throw FixtureError.badDType(dictionary["dtype"] as? String ?? "?")
        }
    }

    /// A fixture attribute `{"i": 3}`, `{"s": "SAME"}`, ... as an attribute value.
    static func attribute(_ object: Any?) throws -> AttrValue {
        let dictionary = try #require(object as? [String: Any])
        let (kind, value) = try #require(dictionary.first)
        switch kind {
        case "i": return .int((value as! NSNumber).intValue)
        case "f": return .float((value as! NSNumber).floatValue)
        case "b": return .bool((value as! NSNumber).boolValue)
        case "s": return .string(value as! String)
        case "ints": return .ints((value as! [NSNumber]).map(\.intValue))
        case "type": return .type(try #require(DType(rawValue: value as! String)))
        default: throw FixtureError.badAttribute(kind)
        }
    }
}

enum FixtureError: Error {
    case badDType(String)
    case badAttribute(String)
}

/// Checks that `actual` equals TensorFlow's `expected`: same dtype and shape, and every element
/// within `tolerance` relative to the larger of its own magnitude and the tensor's typical
/// magnitude (so values near zero after cancellation are judged against the scale of the data).
func expectClose(_ actual: Tensor, _ expected: Tensor, tolerance: Double = 1e-5, _ label: String = "",
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.dtype == expected.dtype, "\(label): dtype", sourceLocation: sourceLocation)
    #expect(
        actual.shape == expected.shape, "\(label): shape \(actual.shape) vs \(expected.shape)",
        sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    let a = actual.doubles, e = expected.doubles
    let scale = e.isEmpty ? 1 : (e.map { $0 * $0 }.reduce(0, +) / Double(e.count)).squareRoot()
    var worst = 0.0, worstIndex = -1
    for i in a.indices {
        let error = abs(a[i] - e[i]) / Swift.max(abs(e[i]), scale, 1e-30)
        if error > worst || error.isNaN { worst = error.isNaN ? .infinity : error; worstIndex = i }
    }
    #expect(
        worst <= tolerance,
        """
        \(label): worst relative error \(worst) at \(worstIndex): \(worstIndex >= 0 ? a[worstIndex] : 0) vs \
        \(worstIndex >= 0 ? e[worstIndex] : 0)
        """,
        sourceLocation: sourceLocation)
}

/// The message a throwing expression throws, as a user reads it.
func errorText(_ body: () throws -> Any) -> String? {
    do {
        _ = try body()
        return nil
    } catch {
        return "\(error)"
    }
}

/// One fixture case, passed to parameterized tests and named in their output.
struct FixtureCase: @unchecked Sendable, CustomTestStringConvertible {
    let fields: [String: Any]
    subscript(key: String) -> Any? { fields[key] }
    var testDescription: String { fields["name"] as? String ?? "case" }

    /// The cases of a fixture file.
    static func all(_ file: String) -> [FixtureCase] {
        ((try? Fixtures.cases(file)) ?? []).map(FixtureCase.init)
    }
}
