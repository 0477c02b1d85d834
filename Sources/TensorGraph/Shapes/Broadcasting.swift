/// numpy's broadcasting rule, for partial shapes at build time and concrete shapes at run time.
enum Broadcasting {
    /// The broadcast of two partial shapes, or a message saying which dimensions clash.
    static func shape(_ a: Shape, _ b: Shape) -> Result<Shape, BroadcastFailure> {
        guard let x = a.dimensions, let y = b.dimensions else { return .success(.unknown) }
        let rank = max(x.count, y.count)
        var result: [Int?] = []
        for i in 0..<rank {
            let p = i < rank - x.count ? 1 : x[i - (rank - x.count)]
            let q = i < rank - y.count ? 1 : y[i - (rank - y.count)]
            switch (p, q) {
            case (1?, _): result.append(q)
            case (_, 1?): result.append(p)
            case let (p?, q?) where p != q:
                return .failure(BroadcastFailure(axis: i, left: p, right: q))
            case let (p?, _): result.append(p)
            case let (_, q): result.append(q)
            }
        }
        return .success(Shape(result))
    }

    /// The broadcast of two concrete shapes.
    static func shape(_ a: [Int], _ b: [Int]) -> Result<[Int], BroadcastFailure> {
        // The common cases, without building partial shapes: equal shapes, or a scalar.
        if a == b || b.isEmpty { return .success(a) }
        if a.isEmpty { return .success(b) }
        return shape(Shape(a), Shape(b)).map { $0.concrete ?? [] }
    }

    /// The element strides for reading a tensor of `shape` as if it had `target` shape: 0 along
    /// broadcast dimensions.
    static func strides(of shape: [Int], broadcastTo target: [Int]) -> [Int] {
        var strides = Array(repeating: 0, count: target.count)
        var step = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            let axis = i + target.count - shape.count
            strides[axis] = shape[i] == 1 ? 0 : step
            step *= shape[i]
        }
        return strides
    }
}

/// Two dimensions that cannot broadcast.
struct BroadcastFailure: Error {
    let axis: Int
    let left: Int
    let right: Int

    func message(_ a: Shape, _ b: Shape) -> String {
        "shapes \(a) and \(b) cannot broadcast: dimension \(axis) of the result would have to be both \(left) and "
            + "\(right)"
    }
}
