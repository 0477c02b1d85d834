/// One function of a GraphDef's library (TensorFlow's `FunctionDef`) as the file states it: its
/// signature, its body and which body tensors it returns.
struct FunctionDef {
    /// `signature.name`, the name calls use.
    var name: String
    /// `signature.input_arg`, in order; a call's inputs are these, flattened.
    var inputs: [ArgumentDef] = []
    /// `signature.output_arg`, in order; a call's outputs are these, flattened.
    var outputs: [ArgumentDef] = []
    /// `signature.attr` that have a `default_value`: what a call that binds no value gets.
    var attributeDefaults: [String: AttrValue] = [:]
    /// `node_def`: the body, whose inputs name function arguments (`x`) or body outputs by
    /// output argument (`conv:output:0`).
    var nodes: [NodeDef] = []
    /// `ret`: for each output argument, the body tensor it returns.
    var returns: [String: String] = [:]
    /// `control_ret`: body nodes that must run whenever the function does, by control output name.
    var controlReturns: [String: String] = [:]
}

/// One argument of a function's or an op's signature (TensorFlow's `OpDef.ArgDef`), with what
/// says how many tensors it stands for.
struct ArgumentDef {
    var name: String
    /// `number_attr`: the int attribute counting the argument's tensors, or empty.
    var numberAttribute = ""
    /// `type_list_attr`: the list(type) attribute giving one dtype per tensor, or empty.
    var typeListAttribute = ""
}
