/// Prints tensor values the way numpy does: nested brackets, eliding the middle of long axes.
struct TensorFormatter {
    let tensor: Tensor
    /// Past this many elements, each axis shows only its first and last `edgeItems`.
    var threshold = 1000
    var edgeItems = 3

    func render() -> String {
        let values = elements()
        if tensor.shape.isEmpty { return values.first ?? "" }
        let elide = tensor.elementCount > threshold
        return render(axis: 0, offset: 0, values: values, elide: elide)
    }

    private func render(axis: Int, offset: Int, values: [String], elide: Bool) -> String {
        let size = tensor.shape[axis]
        let stride = tensor.shape[(axis + 1)...].reduce(1, *)
        var indices = Array(0..<size)
        var gap = false
        if elide && size > 2 * edgeItems {
            indices = Array(0..<edgeItems) + Array((size - edgeItems)..<size)
            gap = true
        }
        var parts: [String] = []
        for (position, index) in indices.enumerated() {
            if gap && position == edgeItems { parts.append("...") }
            if axis == tensor.shape.count - 1 {
                parts.append(values[offset + index])
            } else {
                parts.append(render(axis: axis + 1, offset: offset + index * stride, values: values, elide: elide))
            }
        }
        let separator = axis == tensor.shape.count - 1 ? ", " : ",\n" + String(repeating: " ", count: axis + 1)
        return "[" + parts.joined(separator: separator) + "]"
    }

    private func elements() -> [String] {
        switch tensor.storage {
        case .float32(let a): a.map { format(Double($0)) }
        case .float64(let a): a.map { format($0) }
        case .int32(let a): a.map(String.init)
        case .int64(let a): a.map(String.init)
        case .bool(let a): a.map { $0 ? "True" : "False" }
        case .string(let a): a.map { "b'" + String(decoding: $0, as: UTF8.self) + "'" }
        case .resource(let a): a.map(\.description)
        case .variant(let a): a.map(\.description)
        }
    }

    private func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded() && abs(value) < 1e16 { return String(format: "%.1f", value) }
        return String(format: "%.6g", value)
    }
}

import Foundation
