/// A partially known shape, as TensorFlow's `TensorShape`: the rank may be unknown, and so may
/// any dimension.
///
/// ```swift
/// let images: Shape = [nil, 28, 28, 1]   // batch unknown
/// images.description                       // "[?, 28, 28, 1]"
/// ```
public struct Shape: Hashable, Sendable, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// The dimensions, `nil` where a dimension is unknown; `nil` as a whole when the rank is unknown.
    public var dimensions: [Int?]?

    /// A shape of unknown rank.
    public static let unknown = Shape(unknownRank: ())

    /// A scalar's shape, `[]`.
    public static let scalar = Shape([Int?]())

    /// Creates a shape of known rank; `nil` entries are unknown dimensions.
    public init(_ dimensions: [Int?]) { self.dimensions = dimensions }

    /// Creates a fully known shape.
    public init(_ dimensions: [Int]) { self.dimensions = dimensions.map { $0 } }

    /// Creates a shape of unknown rank.
    public init(unknownRank: Void) { self.dimensions = nil }

    /// Creates a shape of known rank whose dimensions are all unknown.
    public init(unknownDimensions rank: Int) { self.dimensions = Array(repeating: nil, count: rank) }

    /// Creates a shape from an array literal; `nil` entries are unknown dimensions.
    public init(arrayLiteral elements: Int?...) { self.dimensions = elements }

    /// The rank, or `nil` when unknown.
    public var rank: Int? { dimensions?.count }

    /// The dimensions when every one is known.
    public var concrete: [Int]? {
        guard let dimensions else { return nil }
        var result: [Int] = []
        result.reserveCapacity(dimensions.count)
        for dimension in dimensions {
            guard let dimension else { return nil }
            result.append(dimension)
        }
        return result
    }

    /// Whether the rank and every dimension are known.
    public var isFullyDefined: Bool { concrete != nil }

    /// The number of elements when the shape is fully known (and the count fits in an `Int`).
    public var elementCount: Int? { concrete.flatMap(Limits.elementCount) }

    /// The dimension at `axis`, `nil` when the rank or the dimension is unknown.
    public subscript(axis: Int) -> Int? {
        guard let dimensions, axis >= 0, axis < dimensions.count else { return nil }
        return dimensions[axis]
    }

    /// Whether a concrete shape could be a value of this partial shape.
    public func isCompatible(with shape: [Int]) -> Bool {
        guard let dimensions else { return true }
        guard dimensions.count == shape.count else { return false }
        return zip(dimensions, shape).allSatisfy { $0 == nil || $0 == $1 }
    }

    /// Whether the two partial shapes could describe the same tensor.
    public func isCompatible(with other: Shape) -> Bool { merged(with: other) != nil }

    /// The most specific shape both describe, or `nil` when they contradict each other.
    public func merged(with other: Shape) -> Shape? {
        guard let mine = dimensions else { return other }
        guard let theirs = other.dimensions else { return self }
        guard mine.count == theirs.count else { return nil }
        var result: [Int?] = []
        for (a, b) in zip(mine, theirs) {
            switch (a, b) {
            case let (a?, b?) where a != b: return nil
            case let (a?, _): result.append(a)
            case let (_, b): result.append(b)
            }
        }
        return Shape(result)
    }

    /// `[?, 28, 28, 1]`; `<unknown rank>` when the rank is unknown.
    public var description: String {
        guard let dimensions else { return "<unknown rank>" }
        return "[" + dimensions.map { $0.map(String.init) ?? "?" }.joined(separator: ", ") + "]"
    }
}

/// Renders a concrete shape the way messages print shapes: `[16, 28, 28, 1]`.
func describe(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}
