/// A command's arguments: positionals, repeatable `--name value` options and bare `--flag`s.
struct Arguments {
    private(set) var positionals: [String] = []
    private(set) var options: [(name: String, value: String)] = []
    private(set) var flags: Set<String> = []

    /// Splits `arguments`; `valued` options take a value (`--name value` or `--name=value`).
    init(_ arguments: [String], valued: Set<String>, flags allowedFlags: Set<String>) throws {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--") else {
                positionals.append(argument)
                continue
            }
            var name = String(argument.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if allowedFlags.contains(name), value == nil {
                flags.insert(name)
            } else if valued.contains(name) {
                if value == nil {
                    guard index < arguments.count else { throw UsageError("--\(name) needs a value") }
                    value = arguments[index]
                    index += 1
                }
                options.append((name, value!))
            } else {
                throw UsageError("unknown option '--\(name)'")
            }
        }
    }

    /// Every value given to `--name`, in order.
    func values(_ name: String) -> [String] { options.filter { $0.name == name }.map(\.value) }

    /// The one value of `--name` as a whole number, or `fallback`.
    func integer(_ name: String, default fallback: Int, minimum: Int) throws -> Int {
        guard let text = values(name).last else { return fallback }
        guard let value = Int(text), value >= minimum else {
            throw UsageError("--\(name) must be a whole number of at least \(minimum), not '\(text)'")
        }
        return value
    }

    /// The one value of `--name` as a positive number of seconds, or `nil` when not given.
    func seconds(_ name: String) throws -> Double? {
        guard let text = values(name).last else { return nil }
        guard let value = Double(text), value > 0, value.isFinite else {
            throw UsageError("--\(name) takes a positive number of seconds, not '\(text)'")
        }
        return value
    }

    /// The single positional argument, the graph file.
    func graphPath(command: String) throws -> String {
        guard positionals.count == 1 else {
            throw UsageError(
                positionals.isEmpty
                    ? "\(command) needs a GRAPH.json"
                    : "\(command) takes one GRAPH.json, not \(positionals.count) arguments")
        }
        return positionals[0]
    }

    /// Splits `NAME=VALUE`.
    static func pair(_ text: String, option: String) throws -> (String, String) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw UsageError("--\(option) takes NAME=VALUE, not '\(text)'")
        }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }
}

/// A mistake in how the command was called: exit status 2.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
