extension Graph {
    /// Runs `body` inside a name scope, as `tf.name_scope(name)`: nodes built inside are named
    /// `name/...`. A scope name already used gets a suffix (`decoder_1`), as in TensorFlow.
    public func withNameScope<Result>(_ name: String, _ body: () throws -> Result) rethrows -> Result {
        let scope = uniqueName(name)
        scopeStack.append(scope + "/")
        defer { scopeStack.removeLast() }
        return try body()
    }

    /// Runs `body` so that every node it builds runs after `operations`, as
    /// `tf.control_dependencies(operations)`.
    public func withControlDependencies<Result>(_ operations: [Operation],
                                                _ body: () throws -> Result) throws -> Result {
        for operation in operations where !contains(operation.name) { throw unknownNode(operation.name) }
        controlDependencyStack.append(operations.map(\.name))
        defer { controlDependencyStack.removeLast() }
        return try body()
    }

    /// Runs `body` outside every open name scope, as ops colocated with a variable are built.
    func atTopLevel<Result>(_ body: () throws -> Result) rethrows -> Result {
        let saved = scopeStack
        scopeStack = []
        defer { scopeStack = saved }
        return try body()
    }

    /// The current scope prefix, `""` at the top level.
    var currentScope: String { scopeStack.last ?? "" }

    /// Makes `name` unique under the current scope by TensorFlow's rule: the first `Conv2D` keeps
    /// its name, later ones become `Conv2D_1`, `Conv2D_2`, ...; names compare case-insensitively.
    func uniqueName(_ name: String) -> String {
        let full = currentScope + name
        let key = full.lowercased()
        var i = namesInUse[key, default: 0]
        namesInUse[key] = i + 1
        guard i > 0 else { return full }
        var candidate = key
        while namesInUse[candidate] != nil {
            candidate = "\(key)_\(i)"
            i += 1
        }
        namesInUse[candidate] = 1
        return "\(full)_\(i - 1)"
    }

    /// Reserves a name read from a file, so later Swift-built nodes do not collide with it.
    func reserve(_ name: String) {
        let key = name.lowercased()
        namesInUse[key] = Swift.max(namesInUse[key, default: 0], 1)
    }
}
