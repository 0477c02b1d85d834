/// Limits that keep hostile graphs and inputs from exhausting memory or overflowing arithmetic.
public enum Limits {
    /// The largest tensor, in bytes, that a graph file may declare or a kernel may allocate from
    /// sizes it was given as data (4 GiB); ``Session/init(graph:maximumTensorBytes:)`` sets its own.
    public static let defaultMaximumTensorBytes = 1 << 32

    /// The most outputs one node may declare through an attribute (Split's `num_split`,
    /// Unpack's `num`), so that a graph file cannot make a node of a billion outputs.
    public static let maximumOutputCount = 1 << 16

    /// The number of elements of `dims`, or `nil` when counting them overflows.
    public static func elementCount(_ dims: [Int]) -> Int? {
        var count = 1
        for dim in dims {
            guard dim >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    /// The number of elements of `dims` when a tensor of them fits in `maximumBytes`.
    static func elementCount(_ dims: [Int], dtype: DType, maximumBytes: Int) -> Int? {
        guard let count = elementCount(dims) else { return nil }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.byteCount)
        return overflow || bytes > maximumBytes ? nil : count
    }
}
