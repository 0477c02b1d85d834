/// Image resizing: ResizeBilinear and ResizeNearestNeighbor (NHWC, to a `size` [height, width]),
/// with `align_corners` and `half_pixel_centers`, and their gradient ops ResizeBilinearGrad and
/// ResizeNearestNeighborGrad — the upsampling of U-Nets and segmentation heads.
enum ImageOps {
    static let definitions = [resizeBilinear, resizeNearestNeighbor, resizeBilinearGrad, resizeNearestNeighborGrad]

    static let resizeAttributes: [AttributeSpec] = [
        .attr("align_corners", default: .bool(false)), .attr("half_pixel_centers", default: .bool(false)),
    ]

    /// The batch and channels of `images` (input `index`, NHWC) and its height and width, when known.
    static func imageDimensions(_ context: InferenceContext, _ index: Int, role: String) throws -> [Int?] {
        guard let dims = try context.dimensions(of: index, rank: 4, role: role) else { return [nil, nil, nil, nil] }
        for (axis, name) in [(1, "height"), (2, "width")] {
            if let size = dims[axis], size <= 0 {
                throw context.error("\(role) \(context.inputs[index].shape) has \(name) \(size); it must be at least 1",
                                    fix: "resize a non-empty image")
            }
        }
        return dims
    }

    /// The [height, width] a `size` input (input `index`, int32 [2]) asks for, when known; its sizes
    /// must be positive.
    static func requestedSize(_ context: InferenceContext, _ index: Int) throws -> (height: Int?, width: Int?) {
        if try context.attributes.bool("align_corners"), try context.attributes.bool("half_pixel_centers") {
            throw context.invalid("align_corners and half_pixel_centers are both true",
                                  fix: "set align_corners to false when half_pixel_centers is true, as TensorFlow asks")
        }
        let size = try context.shape(fromTensorInput: index, role: "size")
        if let rank = size.rank, rank != 2 {
            throw context.error("size must hold 2 entries [height, width], but holds \(rank)",
                                fix: "pass size as [new_height, new_width]")
        }
        if let values = context.integers(ofInput: index), let bad = values.first(where: { $0 <= 0 }) {
            throw context.invalid("size \(values) holds \(bad); every size must be at least 1",
                                  fix: "ask for a height and width of at least 1")
        }
        return (size[0], size.dimensions?[1])
    }

    /// The shape of `images` (input 0) resized to the `size` input (input 1): [N, height, width, C].
    static func resizedShape(_ context: InferenceContext, dtype: DType) throws -> [TensorInfo] {
        let image = try imageDimensions(context, 0, role: "images")
        let size = try requestedSize(context, 1)
        return [TensorInfo(dtype, Shape([image[0], size.height, size.width, image[3]]))]
    }

    /// How the kernel of a resize from `source` [N, H, W, C] to [N, height, width, C] samples.
    static func geometry(_ context: KernelContext, from source: [Int], to height: Int, _ width: Int) throws
        -> ResizeGeometry {
        let align = try context.attributes.bool("align_corners")
        let half = try context.attributes.bool("half_pixel_centers")
        _ = try context.allocation([source[0], height, width, source[3]], .float64)
        return ResizeGeometry(
            batch: source[0], channels: source[3],
            rows: ResizeAxis(inputSize: source[1], outputSize: height, alignCorners: align, halfPixelCenters: half),
            columns: ResizeAxis(inputSize: source[2], outputSize: width, alignCorners: align, halfPixelCenters: half))
    }

    /// The sizes a resize kernel works between, after the shape function's checks on the real tensors:
    /// from input 0 to the output (`forward`), or from the output to input 0's size (the gradients).
    static func runGeometry(_ context: KernelContext, shape: ShapeFunction, forward: Bool) throws -> ResizeGeometry {
        let inferred = try shape(InferenceContext(kernel: context))
        guard let output = inferred[0].shape.concrete, output.count == 4 else {
            throw context.error("the output shape is not known from the inputs")
        }
        let given = context.inputs[0].shape
        return forward ? try geometry(context, from: given, to: output[1], output[2])
            : try geometry(context, from: output, to: given[1], given[2])
    }

    /// `tf.compat.v1.image.resize_bilinear`: images [N, H, W, C] → float32 [N, height, width, C].
    static let resizeBilinear: OpDefinition = {
        let shape: ShapeFunction = { try resizedShape($0, dtype: .float32) }
        return OpDefinition(
            "ResizeBilinear",
            inputs: [.input("images", type: "T"), .input("size", .int32)],
            attributes: [.type("T", DType.numeric)] + resizeAttributes,
            shape: shape,
            output: { context in
                let geometry = try runGeometry(context, shape: shape, forward: true)
                let images = context.inputs[0]
                let values = images.scalars(as: Float.self) ?? images.cast(to: .float32).scalars(as: Float.self)!
                return Tensor(shape: geometry.outputShape, scalars: geometry.bilinear(values))
            },
            gradient: .function { c in
                let attributes = c.node.attributes.filter { $0.key != "T" }
                return [try c.graph.addOutput("ResizeBilinearGrad", name: "ResizeBilinearGrad",
                                              inputs: [try c.gradient(), c.input(0)], attributes: attributes), nil]
            })
    }()

    /// `tf.compat.v1.image.resize_nearest_neighbor`: images [N, H, W, C] → [N, height, width, C].
    static let resizeNearestNeighbor: OpDefinition = {
        let shape: ShapeFunction = { try resizedShape($0, dtype: $0.inputs[0].dtype) }
        return OpDefinition(
            "ResizeNearestNeighbor",
            inputs: [.input("images", type: "T"), .input("size", .int32)],
            attributes: [.type("T", DType.numeric)] + resizeAttributes,
            shape: shape,
            output: { context in
                let geometry = try runGeometry(context, shape: shape, forward: true)
                let shape = geometry.outputShape
                switch context.inputs[0].storage {
                case .float32(let x): return Tensor(shape: shape, scalars: geometry.nearest(x))
                case .float64(let x): return Tensor(shape: shape, scalars: geometry.nearest(x))
                case .int32(let x): return Tensor(shape: shape, scalars: geometry.nearest(x))
                case .int64(let x): return Tensor(shape: shape, scalars: geometry.nearest(x))
                case .bool, .string, .resource, .variant: throw context.error("images must be numeric")
                }
            },
            gradient: .function { c in
                // The original height and width, as a constant when known while building (as TensorFlow's).
                let graph = c.graph
                let size: Output
                if let dims = try c.inputShape(0).dimensions, let h = dims[1], let w = dims[2] {
                    size = try graph.constant(Tensor([Int32(h), Int32(w)]), name: "size")
                } else {
                    size = try graph.addOutput("StridedSlice", name: "size", inputs: [
                        try graph.shape(c.input(0)), try graph.constant(Tensor([Int32(1)])),
                        try graph.constant(Tensor([Int32(3)])), try graph.constant(Tensor([Int32(1)])),
                    ])
                }
                let attributes = c.node.attributes.filter { $0.key != "T" }
                return [try graph.addOutput("ResizeNearestNeighborGrad", name: "ResizeNearestNeighborGrad",
                                            inputs: [try c.gradient(), size], attributes: attributes), nil]
            })
    }()

    /// ResizeBilinear's gradient: grads [N, height, width, C] (float32) → original_image's shape and dtype.
    /// TensorFlow declares it not differentiable.
    static let resizeBilinearGrad: OpDefinition = {
        let shape: ShapeFunction = { context in
            let grads = try context.dimensions(of: 0, rank: 4, role: "grads") ?? [nil, nil, nil, nil]
            let original = try imageDimensions(context, 1, role: "original_image")
            if try context.attributes.bool("align_corners"), try context.attributes.bool("half_pixel_centers") {
                throw context.invalid("align_corners and half_pixel_centers are both true",
                                      fix: "set align_corners to false when half_pixel_centers is true")
            }
            for (axis, name) in [(0, "batch"), (3, "channels")] {
                if let a = grads[axis], let b = original[axis], a != b {
                    throw context.error("grads \(context.inputs[0].shape) and original_image "
                                        + "\(context.inputs[1].shape) differ in \(name)",
                                        fix: "pass the gradient of a resize of original_image")
                }
            }
            return [TensorInfo(context.inputs[1].dtype, context.inputs[1].shape)]
        }
        return OpDefinition(
            "ResizeBilinearGrad",
            inputs: [.input("grads", .float32), .input("original_image", type: "T")],
            attributes: [.type("T", DType.floatingPoint)] + resizeAttributes,
            shape: shape,
            output: { context in
                let geometry = try runGeometry(context, shape: shape, forward: false)
                let g = context.inputs[0].scalars(as: Float.self)!
                switch context.inputs[1].dtype {
                case .float64:
                    return Tensor(shape: geometry.inputShape, scalars: geometry.bilinearGradient(g, as: Double.self))
                default:
                    return Tensor(shape: geometry.inputShape, scalars: geometry.bilinearGradient(g, as: Float.self))
                }
            },
            gradient: .notDifferentiable)
    }()

    /// ResizeNearestNeighbor's gradient: grads [N, height, width, C] → [N, size[0], size[1], C].
    static let resizeNearestNeighborGrad: OpDefinition = {
        let shape: ShapeFunction = { context in
            let grads = try context.dimensions(of: 0, rank: 4, role: "grads") ?? [nil, nil, nil, nil]
            let size = try requestedSize(context, 1)
            return [TensorInfo(context.inputs[0].dtype, Shape([grads[0], size.height, size.width, grads[3]]))]
        }
        return OpDefinition(
            "ResizeNearestNeighborGrad",
            inputs: [.input("grads", type: "T"), .input("size", .int32)],
            attributes: [.type("T", DType.numeric)] + resizeAttributes,
            shape: shape,
            output: { context in
                let geometry = try runGeometry(context, shape: shape, forward: false)
                let original = geometry.inputShape
                switch context.inputs[0].storage {
                case .float32(let g): return Tensor(shape: original, scalars: geometry.nearestGradient(g))
                case .float64(let g): return Tensor(shape: original, scalars: geometry.nearestGradient(g))
                case .int32(let g): return Tensor(shape: original, scalars: geometry.nearestGradient(g))
                case .int64(let g): return Tensor(shape: original, scalars: geometry.nearestGradient(g))
                case .bool, .string, .resource, .variant: throw context.error("grads must be numeric")
                }
            })
    }()
}

/// How a resize places output pixels on the input: TensorFlow's `align_corners` and
/// `half_pixel_centers` attributes, by name.
public enum ResizeAlignment: Sendable {
    /// Output pixel i samples input position i·(in / out): TensorFlow 1.x's default.
    case legacy
    /// The corner pixels' centres of input and output line up: i·(in − 1) / (out − 1).
    case alignCorners
    /// Pixel centres line up: (i + 0.5)·(in / out) − 0.5, as `tf.image.resize` in TensorFlow 2.
    case halfPixelCenters

    var attributes: [String: AttrValue] {
        ["align_corners": .bool(self == .alignCorners), "half_pixel_centers": .bool(self == .halfPixelCenters)]
    }
}

extension Graph {
    /// Resizes NHWC `images` to `size` [height, width] by bilinear interpolation,
    /// `tf.compat.v1.image.resize_bilinear` (TensorFlow op `ResizeBilinear`); the result is float32.
    ///
    /// ```swift
    /// let up = try graph.resizeBilinear(features, size: [64, 64], alignment: .halfPixelCenters)
    /// ```
    public func resizeBilinear(_ images: Output, size: [Int], alignment: ResizeAlignment = .legacy,
                               name: String? = nil) throws -> Output {
        try resize("ResizeBilinear", images, size: size, alignment: alignment, name: name)
    }

    /// Resizes NHWC `images` to `size` [height, width] by copying the nearest pixel,
    /// `tf.compat.v1.image.resize_nearest_neighbor` (TensorFlow op `ResizeNearestNeighbor`).
    public func resizeNearestNeighbor(_ images: Output, size: [Int], alignment: ResizeAlignment = .legacy,
                                      name: String? = nil) throws -> Output {
        try resize("ResizeNearestNeighbor", images, size: size, alignment: alignment, name: name)
    }

    private func resize(_ op: String, _ images: Output, size: [Int], alignment: ResizeAlignment,
                        name: String?) throws -> Output {
        try withNameScope(name ?? op) {
            let sizes = try constant(Tensor(size.map { Int32(clamping: $0) }), name: "size")
            return try addOutput(op, name: currentScope, inputs: [images, sizes], attributes: alignment.attributes)
        }
    }
}
