/// The state a session keeps across runs, as kernels see it: variable values and the position of
/// every random op's stream.
protocol SessionState: AnyObject, Sendable {
    /// The largest tensor, in bytes, a kernel may allocate from sizes given as data.
    var maximumTensorBytes: Int { get }
    /// The variable's current value, `nil` before it is assigned.
    func variable(named name: String) -> Tensor?
    /// Sets the variable's value.
    func assign(_ value: Tensor, toVariable name: String)
    /// Replaces the variable's value by `transform` of it atomically, as TensorFlow's
    /// `use_locking` updates do; `nil` when the variable has no value yet.
    func update(variable name: String, _ transform: (Tensor) throws -> Tensor) throws -> Tensor?
    /// Reserves `count` numbers of the node's random stream and returns the counter of the first,
    /// so successive runs draw new numbers, as TensorFlow's stateful random ops do.
    func reserveRandomCounter(for node: String, count: Int) -> UInt64
}
