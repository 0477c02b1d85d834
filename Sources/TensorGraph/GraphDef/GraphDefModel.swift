/// A GraphDef as a file states it, whatever its format: JSON, binary protobuf and text decode
/// into this, `FunctionInliner` replaces its function calls by the functions' bodies, and
/// `GraphDefImporter` assembles it into a ``Graph``.
struct GraphDefModel {
    var nodes: [NodeDef] = []
    /// `versions.producer` and `versions.min_consumer`.
    var producer = 0, minimumConsumer = 0
    /// The graph's function library (`library.function`), by signature name.
    var functions: [String: FunctionDef] = [:]
}

/// One node as the file states it.
struct NodeDef {
    let name: String
    let op: String
    let inputs: [Output]
    /// The data inputs as written; in a function's body, `x` (a whole argument), `x:1`,
    /// `conv:output:0` and `split:output` (a whole output argument) differ where `inputs` cannot.
    let inputNames: [String]
    let controlInputs: [String]
    let device: String
    let attributes: [String: AttrValue]
    /// Set when an attribute was left out because it holds a dtype TensorGraph lacks (a string
    /// constant's `dtype` and `value`): the error naming it, which the importer throws unless the
    /// node is one it leaves out anyway (`SaverSubgraph`).
    var unsupportedDType: GraphError?

    /// A node from its fields as written, checking the name against TensorFlow's rule and each
    /// input (`"a"`, `"a:1"`, `"^a"`, data inputs first); `fail(field, message)` makes the error,
    /// naming where in the file the field is.
    init(name: String, op: String, inputs: [String], device: String, attributes: [String: AttrValue],
         fail: (String, String) -> GraphError) throws {
        guard !name.isEmpty else { throw fail("", "has no name") }
        guard NodeDef.isValidName(name) else {
            throw fail("", "has the name \(String(name.prefix(80)).debugDescription), which TensorFlow's naming rule "
                           + "([A-Za-z0-9.][A-Za-z0-9_.\\-/>]*) does not allow")
        }
        guard !op.isEmpty else { throw fail("", "('\(name)') has no op") }
        var data: [Output] = [], names: [String] = [], controls: [String] = []
        for (position, text) in inputs.enumerated() {
            let field = "input[\(position)]"
            guard !text.isEmpty else { throw fail(field, "must be a tensor name like \"a\", \"a:1\" or \"^a\"") }
            if text.hasPrefix("^") {
                controls.append(String(text.dropFirst()))
                continue
            }
            if let colon = text.lastIndex(of: ":"), (Int(text[text.index(after: colon)...]) ?? -1) < 0 {
                throw fail(field, "'\(text.prefix(80))' has an output index that is not a whole number")
            }
            guard controls.isEmpty else {
                throw fail(field, "'\(text)' comes after a control input; data inputs come first")
            }
            data.append(Output(text))
            names.append(text)
        }
        (self.name, self.op, self.inputs, self.controlInputs, self.device, self.attributes) =
            (name, op, data, controls, device, attributes)
        inputNames = names
    }

    /// A node made from parts already checked (an inlined function's node, renamed).
    init(name: String, op: String, inputs: [Output], controlInputs: [String], device: String,
         attributes: [String: AttrValue]) {
        (self.name, self.op, self.inputs, self.controlInputs, self.device, self.attributes) =
            (name, op, inputs, controlInputs, device, attributes)
        inputNames = inputs.map(\.description)
    }

    /// TensorFlow's rule for node names: `[A-Za-z0-9.][A-Za-z0-9_.\-/>]*`.
    static func isValidName(_ name: String) -> Bool {
        func allowed(_ c: Unicode.Scalar, first: Bool) -> Bool {
            c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "."
                          || (!first && "_-/>".unicodeScalars.contains(c)))
        }
        let scalars = Array(name.unicodeScalars)
        guard let head = scalars.first, allowed(head, first: true) else { return false }
        return scalars.dropFirst().allSatisfy { allowed($0, first: false) }
    }
}
