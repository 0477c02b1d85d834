/// DepthToSpace and SpaceToDepth: moving `block_size × block_size` blocks of pixels into channels
/// and back (super-resolution's pixel shuffle), NHWC as TensorFlow's CPU kernels take them.
enum BlockRearrangeOps {
    static let definitions = [rearrange("DepthToSpace", toSpace: true), rearrange("SpaceToDepth", toSpace: false)]

    /// DepthToSpace (`toSpace`): [N, H, W, b²·C] → [N, H·b, W·b, C], output pixel (h·b + i, w·b + j)
    /// taking channels (i·b + j)·C ..< (i·b + j + 1)·C; SpaceToDepth is its inverse.
    static func rearrange(_ name: String, toSpace: Bool) -> OpDefinition {
        OpDefinition(
            name,
            inputs: [.input("input", type: "T")],
            attributes: [.type("T"), .attr("block_size"), .string("data_format", ["NHWC"], default: "NHWC")],
            shape: { context in
                let b = try context.attributes.int("block_size")
                guard b >= 2, b <= 1 << 16 else { throw context.error("block_size is \(b); it must be at least 2") }
                guard let dims = try context.dimensions(of: 0, rank: 4, role: "input") else {
                    return [TensorInfo(context.inputs[0].dtype, Shape(unknownDimensions: 4))]
                }
                let divided = toSpace ? [3: b * b] : [1: b, 2: b]
                for (axis, divisor) in divided {
                    if let size = dims[axis], size % divisor != 0 {
                        let what = ["", "height", "width", "channels"][axis]
                        throw context.error("input \(what) \(size) is not a multiple of \(divisor) (block_size \(b))",
                                            fix: "use a block_size that divides the \(what)")
                    }
                }
                let out = toSpace
                    ? [dims[0], dims[1].map { $0 * b }, dims[2].map { $0 * b }, dims[3].map { $0 / (b * b) }]
                    : [dims[0], dims[1].map { $0 / b }, dims[2].map { $0 / b }, dims[3].map { $0 * b * b }]
                return [TensorInfo(context.inputs[0].dtype, Shape(out))]
            },
            kernel: { context in
                let x = context.inputs[0], b = try context.attributes.int("block_size")
                guard x.rank == 4, b >= 2 else {
                    throw context.error("needs a rank-4 input and block_size of at least 2")
                }
                let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
                // Both are one transpose of a 6-D view: blocks and channels swap places with pixels.
                if toSpace {
                    guard c % (b * b) == 0 else { throw context.error("channels \(c) are not a multiple of \(b * b)") }
                    let blocks = x.reshaped(to: [n, h, w, b, b, c / (b * b)])
                    return [Layout.transpose(blocks, [0, 1, 3, 2, 4, 5]).reshaped(to: [n, h * b, w * b, c / (b * b)])]
                }
                guard h % b == 0, w % b == 0 else {
                    throw context.error("height \(h) and width \(w) must be multiples of \(b)")
                }
                let blocks = x.reshaped(to: [n, h / b, b, w / b, b, c])
                return [Layout.transpose(blocks, [0, 1, 3, 2, 4, 5]).reshaped(to: [n, h / b, w / b, b * b * c])]
            },
            gradient: .function { c in
                let attributes = c.node.attributes.filter { $0.key != "T" }
                let inverse = toSpace ? "SpaceToDepth" : "DepthToSpace"
                return [try c.graph.addOutput(inverse, name: inverse, inputs: [try c.gradient()],
                                              attributes: attributes)]
            })
    }
}
