extension FusedOps {
    /// `_FusedElementwise`: a chain of float32 elementwise steps over `x` run in one sweep, block by
    /// block while each block is in cache (``ElementwiseProgram``). Step i applies `functions[i]`
    /// (a ``UnaryFunction`` or ``BinaryFunction`` name) to the result so far; a two-operand step
    /// takes input `step_operands[i]` as its other operand (a scalar, a tensor of x's shape, or a
    /// vector along the last axis), first when `operand_first[i]`; `alphas[i]` is LeakyRelu's
    /// slope. TensorGraph's own op: TensorFlow has none, so the graph optimizer makes it for
    /// TensorGraph's runs only, never in a graph written for TensorFlow.
    static let fusedElementwise = OpDefinition(
        "_FusedElementwise",
        inputs: [.input("x", type: "T"), .inputs("operands", type: "T", count: "num_operands")],
        attributes: [.type("T", [.float32]), .attr("num_operands", default: .int(0)), .attr("functions"),
                     .attr("step_operands"), .attr("operand_first"), .attr("alphas")],
        shape: { context in
            let steps = try ElementwiseSteps(context.attributes, operandCount: context.inputs.count - 1)
            if let shape = context.inputs[0].shape.concrete {
                for operand in steps.operands {
                    guard let spread = context.inputs[operand].shape.concrete else { continue }
                    guard ElementwiseProgram.Spread(spread, over: shape) != nil else {
                        throw context.error(
                            "operand \(operand) of shape \(context.inputs[operand].shape) does not spread over x "
                                + "\(context.inputs[0].shape) as a scalar, an equal shape or a vector along the "
                                + "last axis",
                            fix: "give each operand x's shape, one element, or x's last dimension")
                    }
                }
            }
            return [context.inputs[0].withoutValue]
        },
        output: { context in
            try ElementwiseSteps(context.attributes, operandCount: context.inputs.count - 1).run(&context)
        }).storing(.overOwnedInput(0..<1))
}

/// The steps of a `_FusedElementwise` node, read from its attributes.
struct ElementwiseSteps {
    /// What a step computes.
    enum Function: Equatable {
        case unary(UnaryFunction)
        case binary(BinaryFunction)

        /// The function's name in `functions`.
        var name: String {
            switch self {
            case .unary(let function): function.name
            case .binary(let function): function.rawValue
            }
        }

        /// LeakyRelu's slope, 0 for every other function.
        var alpha: Float {
            if case .unary(.leakyRelu(let alpha)) = self { return Float(alpha) }
            return 0
        }
    }

    /// One step: its function, and for a two-operand one the input holding the other operand.
    struct Step: Equatable {
        let function: Function
        let operand: Int?
        let operandFirst: Bool
    }

    let steps: [Step]

    /// The inputs the steps take as operands.
    var operands: [Int] { steps.compactMap(\.operand) }

    init(_ steps: [Step]) { self.steps = steps }

    /// The steps of a node whose inputs after x are `operandCount` operands.
    init(_ attributes: Attributes, operandCount: Int) throws {
        let names = try attributes.strings("functions"), operands = try attributes.ints("step_operands")
        let first = try attributes.bools("operand_first"), alphas = try attributes.floats("alphas")
        func fail(_ message: String) -> GraphError {
            GraphError(.invalidArgument, node: attributes.node, op: attributes.op, message: message,
                       fix: "give functions, step_operands, operand_first and alphas one entry per step")
        }
        guard !names.isEmpty, [operands.count, first.count, alphas.count].allSatisfy({ $0 == names.count }) else {
            throw fail("functions \(names), step_operands \(operands), operand_first \(first) and alphas \(alphas) "
                       + "must be lists of one length, at least 1")
        }
        steps = try names.indices.map { index in
            let name = names[index], operand = operands[index]
            if let function = UnaryFunction(name: name, alpha: Double(alphas[index])) {
                guard operand == -1 else {
                    throw fail("step \(index) (\(name)) takes no operand, so step_operands must be -1")
                }
                return Step(function: .unary(function), operand: nil, operandFirst: false)
            }
            guard let function = BinaryFunction(rawValue: name) else {
                throw fail("step \(index): '\(name)' names no elementwise function")
            }
            guard operand >= 1 && operand <= operandCount else {
                throw fail("step \(index) (\(name)) takes input \(operand) as operand; the node has operands "
                           + "1...\(operandCount)")
            }
            return Step(function: .binary(function), operand: operand, operandFirst: first[index])
        }
    }

    /// The node's attributes for these steps, reading `operandCount` operands.
    func attributes(operandCount: Int) -> [String: AttrValue] {
        ["T": .type(.float32), "num_operands": .int(operandCount), "functions": .strings(steps.map(\.function.name)),
         "step_operands": .ints(steps.map { $0.operand ?? -1 }), "operand_first": .bools(steps.map(\.operandFirst)),
         "alphas": .floats(steps.map(\.function.alpha))]
    }

    /// Runs the steps over the node's inputs, over x's buffer when the kernel owns it.
    func run(_ context: inout KernelContext) throws -> Tensor {
        let x = context.inputs[0]
        guard context.inputs.allSatisfy({ $0.dtype == .float32 }) else {
            throw context.error("x and every operand must be float32")
        }
        let program = ElementwiseProgram(steps: try steps.map { step in
            switch step.function {
            case .unary(let function): return .unary(function)
            case .binary(let function):
                let operand = context.inputs[step.operand!]
                guard let spread = ElementwiseProgram.Spread(operand.shape, over: x.shape) else {
                    throw context.error("operand \(step.operand!) of shape \(describe(operand.shape)) does not spread "
                                        + "over x \(describe(x.shape))")
                }
                return .binary(function, operand: operand.scalars(as: Float.self)!, spread: spread,
                               operandFirst: step.operandFirst)
            }
        }, channels: x.shape.last ?? 1)
        let count = x.elementCount
        guard count > 0 else { return x }
        if context.owns(0) {
            var output = context.takeInput(0)
            output.withMutableScalars(as: Float.self) { x in
                program.run(UnsafePointer(x.baseAddress!), into: x.baseAddress!, count: count)
            }
            return output
        }
        let values = x.scalars(as: Float.self)!
        return Tensor(shape: x.shape, scalars: [Float](unsafeUninitializedCapacity: count) { out, initialized in
            values.withUnsafeBufferPointer { program.run($0.baseAddress!, into: out.baseAddress!, count: count) }
            initialized = count
        })
    }
}
