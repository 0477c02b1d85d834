/// Computes the dtypes and partial shapes of a node's outputs from what is known of its inputs
/// and its attributes, or throws the diagnostic. The same function checks the real shapes at run
/// time, so a mistake reads the same whenever it is found.
typealias ShapeFunction = @Sendable (InferenceContext) throws -> [TensorInfo]

/// Computes a node's output tensors from its input tensors. The context is `inout` so that a
/// kernel may take over an input it is the last reader of (`KernelContext.takeInput(_:)`).
typealias Kernel = @Sendable (inout KernelContext) throws -> [Tensor]

/// Computes the one output of a single-output op, which spares each run an outputs array.
typealias OutputKernel = @Sendable (inout KernelContext) throws -> Tensor

/// An op's gradient, as TensorFlow's `@ops.RegisterGradient` / `ops.NotDifferentiable` say it.
enum Gradient: Sendable {
    /// TensorFlow defines no gradient: asking for one through this op is an error.
    case none
    /// The op's outputs do not depend differentiably on its inputs (Shape, ArgMax, Equal, ...):
    /// no gradient flows through it.
    case notDifferentiable
    /// Builds the gradient of each input (`nil` where none flows) from the gradients of the
    /// outputs, as graph ops.
    case function(@Sendable (GradientContext) throws -> [Output?])
}

/// One op, declared in one place the way TensorFlow's `REGISTER_OP(...)` reads: its TensorFlow
/// name, inputs, attributes with defaults, shape function and kernel.
struct OpDefinition: Sendable {
    /// TensorFlow's op name (`Conv2DBackpropInput`), the name GraphDef files use.
    let name: String
    /// How messages name the op; TensorFlow's Python name where users know that one better
    /// (`conv2d_transpose`).
    let label: String
    let inputs: [InputSpec]
    /// The output arguments, declared for ops with more than one (`FusedBatchNormV3`'s `y`,
    /// `batch_mean`, ...); empty means one argument holding every output.
    let outputs: [OutputSpec]
    let attributes: [AttributeSpec]
    /// Whether the op's outputs follow from its inputs alone, so that constant inputs give
    /// constant outputs at build time. False for placeholders, variables, random ops and ops with
    /// effects.
    let folds: Bool
    let shape: ShapeFunction
    let kernel: Kernel
    /// The kernel of a single-output op declared with `output:`, which the session calls directly.
    private(set) var outputKernel: OutputKernel?

    /// How the op's inputs' gradients follow from its outputs' gradients, built as graph ops;
    /// `.none` when TensorFlow defines no gradient for it.
    let gradient: Gradient
    /// What graph passes may know of the op.
    var traits = OpTraits()

    init(_ name: String, label: String? = nil, inputs: [InputSpec] = [], outputs: [OutputSpec] = [],
         attributes: [AttributeSpec] = [], folds: Bool = true, shape: @escaping ShapeFunction,
         kernel: @escaping Kernel, gradient: Gradient = .none) {
        self.name = name
        self.label = label ?? name
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
        self.folds = folds
        self.shape = shape
        self.kernel = kernel
        self.outputKernel = nil
        self.gradient = gradient
    }

    /// An op with exactly one output, computed by `output`.
    init(_ name: String, label: String? = nil, inputs: [InputSpec] = [], outputs: [OutputSpec] = [],
         attributes: [AttributeSpec] = [], folds: Bool = true, shape: @escaping ShapeFunction,
         output: @escaping OutputKernel, gradient: Gradient = .none) {
        self.init(name, label: label, inputs: inputs, outputs: outputs, attributes: attributes, folds: folds,
                  shape: shape, kernel: { [try output(&$0)] }, gradient: gradient)
        self.outputKernel = output
    }
}

/// One declared input (or, with `countAttribute`, a run of inputs) of an op.
struct InputSpec: Sendable {
    let name: String
    /// The attribute holding this input's dtype ("T"), inferred from the input when absent.
    let typeAttribute: String?
    /// A dtype the input must have, for inputs that are not generic.
    let fixedType: DType?
    /// For a variadic input, the attribute holding how many there are ("N").
    let countAttribute: String?
    /// Whether the input is a variable itself rather than its value (TensorFlow's ref inputs).
    let isReference: Bool
    /// For a run of inputs of several dtypes, the `list(type)` attribute holding them ("T").
    var typeListAttribute: String? = nil

    /// An input whose dtype is the attribute `type`.
    static func input(_ name: String, type: String) -> InputSpec {
        InputSpec(name: name, typeAttribute: type, fixedType: nil, countAttribute: nil, isReference: false)
    }

    /// An input of one fixed dtype.
    static func input(_ name: String, _ dtype: DType) -> InputSpec {
        InputSpec(name: name, typeAttribute: nil, fixedType: dtype, countAttribute: nil, isReference: false)
    }

    /// `count` inputs in a row, all of dtype `type`.
    static func inputs(_ name: String, type: String, count: String) -> InputSpec {
        InputSpec(name: name, typeAttribute: type, fixedType: nil, countAttribute: count, isReference: false)
    }

    /// `count` inputs in a row, all of one fixed dtype.
    static func inputs(_ name: String, _ dtype: DType, count: String) -> InputSpec {
        InputSpec(name: name, typeAttribute: nil, fixedType: dtype, countAttribute: count, isReference: false)
    }

    /// Inputs in a row, one per dtype in the `list(type)` attribute `types` (IdentityN's `T`).
    static func inputs(_ name: String, types: String) -> InputSpec {
        InputSpec(name: name, typeAttribute: nil, fixedType: nil, countAttribute: nil, isReference: false,
                  typeListAttribute: types)
    }

    /// A resource variable's handle, as `ReadVariableOp` takes it.
    static func resource(_ name: String) -> InputSpec {
        InputSpec(name: name, typeAttribute: nil, fixedType: nil, countAttribute: nil, isReference: true)
    }

    /// A variable passed by reference, as `Assign` takes it.
    static func reference(_ name: String, type: String) -> InputSpec {
        InputSpec(name: name, typeAttribute: type, fixedType: nil, countAttribute: nil, isReference: true)
    }
}

/// One declared output argument of an op with several, as TensorFlow's op registration names it;
/// function bodies refer to outputs by these names (`bn:batch_mean:0`).
struct OutputSpec: Sendable {
    let name: String
    /// For an argument of several tensors, the int attribute counting them ("num_split").
    let countAttribute: String?
    /// For an argument of several tensors of their own dtypes, the list(type) attribute giving them.
    let typeListAttribute: String?

    /// An output argument of one tensor.
    static func output(_ name: String) -> OutputSpec {
        OutputSpec(name: name, countAttribute: nil, typeListAttribute: nil)
    }

    /// An output argument of `count` tensors.
    static func outputs(_ name: String, count: String) -> OutputSpec {
        OutputSpec(name: name, countAttribute: count, typeListAttribute: nil)
    }

    /// An output argument of one tensor per dtype in the list(type) attribute `types`.
    static func outputs(_ name: String, types: String) -> OutputSpec {
        OutputSpec(name: name, countAttribute: nil, typeListAttribute: types)
    }
}

/// One declared attribute: its name, its default (absent when required) and what it allows.
struct AttributeSpec: Sendable {
    let name: String
    let defaultValue: AttrValue?
    let allowedTypes: [DType]?
    let allowedStrings: [String]?

    /// An attribute with an optional default and no constraint.
    static func attr(_ name: String, default value: AttrValue? = nil) -> AttributeSpec {
        AttributeSpec(name: name, defaultValue: value, allowedTypes: nil, allowedStrings: nil)
    }

    /// A dtype attribute limited to `allowed`: by default the dtypes of numbers and truth values, so
    /// that string, resource and variant tensors reach only the ops that declare they take them.
    static func type(_ name: String, _ allowed: [DType] = DType.plain, default value: DType? = nil) -> AttributeSpec {
        AttributeSpec(name: name, defaultValue: value.map(AttrValue.type), allowedTypes: allowed, allowedStrings: nil)
    }

    /// A string attribute limited to `allowed`.
    static func string(_ name: String, _ allowed: [String], default value: String? = nil) -> AttributeSpec {
        AttributeSpec(name: name, defaultValue: value.map(AttrValue.string), allowedTypes: nil, allowedStrings: allowed)
    }
}

extension DType {
    /// `float32` and `float64`.
    static let floatingPoint: [DType] = [.float32, .float64]
    /// Every dtype with arithmetic.
    static let numeric: [DType] = [.float32, .float64, .int32, .int64]
    /// `int32` and `int64`.
    static let integer: [DType] = [.int32, .int64]
    /// The dtypes of numbers and truth values, which kernels compute on.
    static let plain: [DType] = allCases.filter(\.isPlainData)
    /// Every dtype, for ops that pass values on without computing on them (Identity, Const, ...).
    static let any: [DType] = allCases
}
