/// Einsum (`tf.einsum`) for the equations that are matrix products — "ij,jk->ik", "bij,bjk->bik",
/// "bhqd,bhkd->bhqk" — and for transposes of one operand ("ij->ji"): each label of two operands
/// is a batch label (in both and the output), a free label (in one and the output) or a contracted
/// one (in both, not the output), and the product runs on BatchMatMul's kernel. Other equations
/// (traces, diagonals, sums over one operand, ellipses, broadcasting) are an error naming them.
enum EinsumOps {
    static let definitions = [einsum]

    /// A parsed equation: the labels of each operand and of the output.
    struct Equation: Sendable {
        let text: String
        let operands: [[Character]]
        let output: [Character]

        /// Parses `text`, or names why this equation is not one that runs here.
        init(_ text: String, operandCount: Int, fail: (String) -> GraphError) throws {
            self.text = text
            let sides = text.filter { $0 != " " }.components(separatedBy: "->")
            guard sides.count == 2 else { throw fail("equation \"\(text)\" must have one \"->\" and an output") }
            operands = sides[0].split(separator: ",", omittingEmptySubsequences: false).map(Array.init)
            output = Array(sides[1])
            guard operands.count == operandCount else {
                throw fail("equation \"\(text)\" names \(operands.count) operands, but the op has "
                           + "\(operandCount) inputs")
            }
            for labels in operands + [output] {
                guard labels.allSatisfy({ $0.isLetter && $0.isASCII }) else {
                    throw fail("equation \"\(text)\" holds \"\(String(labels))\"; only letters are supported here "
                               + "(no ellipsis)")
                }
                guard Set(labels).count == labels.count else {
                    throw fail("equation \"\(text)\" repeats a label in \"\(String(labels))\"; traces and diagonals "
                               + "are not supported here")
                }
            }
            let inputs = Set(operands.joined())
            if let missing = output.first(where: { !inputs.contains($0) }) {
                throw fail("equation \"\(text)\": output label \(missing) is in no operand")
            }
            for (index, labels) in operands.enumerated() {
                let others = Set(output).union(operands.enumerated().filter { $0.offset != index }.flatMap(\.element))
                if let summed = labels.first(where: { !others.contains($0) }) {
                    throw fail("equation \"\(text)\" sums label \(summed) over operand \(index) alone; only products "
                               + "(matrix-product-shaped equations) and transposes are supported here")
                }
            }
            guard operands.count == 2 || Set(output) == Set(operands[0]) else {
                throw fail("equation \"\(text)\" is neither a product of two operands nor a transpose of one")
            }
        }

        /// Batch labels (in both operands and the output, in the output's order), free labels of
        /// each operand (in the output's order) and contracted labels (in the first operand's order).
        var groups: (batch: [Character], left: [Character], right: [Character], contracted: [Character]) {
            let (a, b) = (Set(operands[0]), Set(operands[1]))
            return (output.filter { a.contains($0) && b.contains($0) },
                    output.filter { a.contains($0) && !b.contains($0) },
                    output.filter { b.contains($0) && !a.contains($0) },
                    operands[0].filter { b.contains($0) && !output.contains($0) })
        }

        /// The size of each label from the operands' shapes, when known; a label has one size in
        /// every operand.
        func sizes(_ shapes: [Shape], fail: (String) -> GraphError) throws -> [Character: Int?] {
            var sizes: [Character: Int?] = [:]
            for (index, (labels, shape)) in zip(operands, shapes).enumerated() {
                guard let dims = shape.dimensions else {
                    for label in labels where sizes[label] == nil { sizes[label] = .some(nil) }
                    continue
                }
                guard dims.count == labels.count else {
                    throw fail("equation \"\(text)\" gives operand \(index) \(labels.count) labels "
                               + "(\"\(String(labels))\"), but its shape \(shape) has rank \(dims.count)")
                }
                for (label, size) in zip(labels, dims) {
                    if let known = sizes[label] ?? nil, let size, known != size {
                        throw fail("equation \"\(text)\": label \(label) is \(known) in one operand and \(size) "
                                   + "in operand \(index) \(shape)")
                    }
                    if sizes[label] == nil || sizes[label]! == nil { sizes[label] = .some(size) }
                }
            }
            return sizes
        }
    }

    /// `tf.einsum` of one or two operands, for the equations `Equation` accepts.
    static let einsum = OpDefinition(
        "Einsum",
        inputs: [.inputs("inputs", type: "T", count: "N")],
        attributes: [.attr("equation"), .attr("N"), .type("T", DType.floatingPoint)],
        shape: { context in
            let equation = try Equation(try context.attributes.string("equation"),
                                        operandCount: context.inputs.count, fail: { context.invalid($0) })
            let sizes = try equation.sizes(context.inputShapes, fail: { context.error($0) })
            return [TensorInfo(context.inputs[0].dtype, Shape(equation.output.map { sizes[$0] ?? nil }))]
        },
        output: { context in
            let equation = try Equation(try context.attributes.string("equation"),
                                        operandCount: context.inputs.count, fail: { context.error($0) })
            let sizes = try equation.sizes(context.inputs.map { Shape($0.shape) }, fail: { context.error($0) })
            let size = { (labels: [Character]) in labels.map { sizes[$0]!! } }
            _ = try context.allocation(size(equation.output), context.inputs[0].dtype)
            func arranged(_ tensor: Tensor, _ labels: [Character], as order: [Character]) -> Tensor {
                labels == order ? tensor : Layout.transpose(tensor, order.map { labels.firstIndex(of: $0)! })
            }
            if context.inputs.count == 1 {
                return arranged(context.inputs[0], equation.operands[0], as: equation.output)
            }
            // [batch, left, contracted] · [batch, contracted, right] → [batch, left, right] → the output's order.
            let (batch, left, right, contracted) = equation.groups
            let count = { (labels: [Character]) in size(labels).reduce(1, *) }
            let x = arranged(context.inputs[0], equation.operands[0], as: batch + left + contracted)
                .reshaped(to: [count(batch), count(left), count(contracted)])
            // y is read as it lies when its labels are [batch, contracted, right] or [batch, right, contracted]
            // (the second read transposed, as "bhqd,bhkd->bhqk" wants), and rearranged to the first otherwise.
            let transposeY = equation.operands[1] == batch + right + contracted
            let yOrder = transposeY ? [right, contracted] : [contracted, right]
            let y = arranged(context.inputs[1], equation.operands[1], as: batch + yOrder[0] + yOrder[1])
                .reshaped(to: [count(batch), count(yOrder[0]), count(yOrder[1])])
            guard let product = BatchedGemm.product(x, y, batch: [count(batch)], transposeY: transposeY) else {
                throw context.error("needs float32 or float64 operands of one dtype")
            }
            let grouped = batch + left + right
            return arranged(product.reshaped(to: size(grouped)), grouped, as: equation.output)
        },
        gradient: .function { c in
            // Each operand's gradient is an einsum of the output's gradient with the other operand (TensorFlow's
            // _EinsumGrad), itself a product or a transpose of the kinds supported.
            let text = try c.attributes.string("equation")
            let equation = try Equation(text, operandCount: c.node.inputs.count, fail: {
                GraphError(.invalidArgument, node: c.node.name, op: "Einsum", message: $0)
            })
            let (labels, output) = (equation.operands.map { String($0) }, String(equation.output))
            let g = try c.gradient()
            func einsum(_ inputs: [Output], _ equation: String) throws -> Output {
                try c.graph.addOutput("Einsum", name: "Einsum", inputs: inputs,
                                      attributes: ["equation": .string(equation)])
            }
            if labels.count == 1 { return [try einsum([g], "\(output)->\(labels[0])")] }
            return [try einsum([g, c.input(1)], "\(output),\(labels[1])->\(labels[0])"),
                    try einsum([c.input(0), g], "\(labels[0]),\(output)->\(labels[1])")]
        })
}

extension Graph {
    /// `tf.einsum` for matrix-product equations of two operands ("bij,bjk->bik",
    /// "bhqd,bhkd->bhqk") and transposes of one ("ij->ji") (TensorFlow op `Einsum`).
    public func einsum(_ equation: String, _ operands: [Output], name: String? = nil) throws -> Output {
        try addOutput("Einsum", name: name, inputs: operands, attributes: ["equation": .string(equation)])
    }
}
