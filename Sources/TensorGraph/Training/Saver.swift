import Foundation

/// Saves and restores a session's variables, as `tf.compat.v1.train.Saver`, and exchanges them
/// with numpy as a directory of `.npy` files.
///
/// Saving never destroys the last good checkpoint: the new one is written to a temporary file in
/// the same directory, flushed to disk, and renamed over the old one. Restoring checks every
/// variable's name, dtype and shape and says which differ.
///
/// ```swift
/// let saver = Saver(graph: graph)
/// try saver.save(session, to: URL(fileURLWithPath: "model.tgckpt"))
/// try saver.restore(session, from: URL(fileURLWithPath: "model.tgckpt"))
/// ```
public struct Saver: Sendable {
    /// One saved variable: its name (the variable node's), dtype and shape.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let dtype: DType
        public let shape: [Int]
    }

    /// The variables saved and restored, in graph order.
    public let entries: [Entry]

    /// A saver for every variable in `graph` (VariableV2 and VarHandleOp nodes), or only those named.
    public init(graph: Graph, variables names: [String]? = nil) throws {
        let variables = graph.nodes.filter { $0.op == "VariableV2" || $0.op == "VarHandleOp" }
        if let names, let missing = names.first(where: { name in !variables.contains { $0.name == name } }) {
            throw GraphError(.notFound, node: missing, message: "no variable named '\(missing)' in the graph",
                             fix: NameSuggestion.hint(for: missing, among: variables.map(\.name)))
        }
        self.entries = try variables.filter { names?.contains($0.name) ?? true }.map { node in
            guard let info = node.outputs.first, let shape = info.shape.concrete else {
                throw GraphError(.invalidShape, node: node.name, op: node.op, message: "a variable to save must have a fully known shape")
            }
            return Entry(name: node.name, dtype: info.dtype, shape: shape)
        }
    }

    /// Writes every variable's current value to `url`, atomically.
    public func save(_ session: Session, to url: URL) throws {
        let tensors = try entries.map { entry -> Tensor in
            guard let value = session.value(ofVariable: entry.name) else {
                throw StateOps.uninitializedVariableV2(entry.name)
            }
            return value
        }
        try AtomicFile.write(CheckpointFormat.encode(zip(entries.map(\.name), tensors).map { ($0, $1) }), to: url)
    }

    /// Reads `url` and sets every variable, after checking that the checkpoint holds each one with
    /// the graph's dtype and shape; nothing is set when anything differs.
    public func restore(_ session: Session, from url: URL) throws {
        let saved = try CheckpointFormat.decode(try AtomicFile.read(url), source: url.lastPathComponent)
        let byName = Dictionary(saved.map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first })
        var problems: [String] = []
        for entry in entries {
            guard let value = byName[entry.name] else { problems.append("'\(entry.name)' is missing"); continue }
            if value.dtype != entry.dtype || value.shape != entry.shape {
                problems.append("'\(entry.name)' is \(value.dtype) \(describe(value.shape)) in the checkpoint but \(entry.dtype) \(describe(entry.shape)) in the graph")
            }
        }
        guard problems.isEmpty else {
            throw GraphError(.invalidFile, message: "\(url.lastPathComponent) does not fit the graph: " + problems.joined(separator: "; "),
                             fix: "restore a checkpoint saved from this graph, or restore only matching variables with Saver(graph:variables:)")
        }
        for entry in entries { session.state.assign(byName[entry.name]!, toVariable: entry.name) }
    }

    /// Writes each variable to `directory/<name>.npy` (scopes become folders: `conv2d/kernel.npy`).
    public func exportNPY(_ session: Session, to directory: URL) throws {
        for entry in entries {
            guard let value = session.value(ofVariable: entry.name) else { throw StateOps.uninitializedVariableV2(entry.name) }
            let file = directory.appendingPathComponent(entry.name + ".npy")
            do {
                try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            } catch {
                throw GraphError(.invalidFile, message: "cannot create \(file.deletingLastPathComponent().path): \(error.localizedDescription)")
            }
            try AtomicFile.write(NPY.encode(value), to: file)
        }
    }

    /// Sets each variable from `directory/<name>.npy`, checking dtypes and shapes first.
    public func importNPY(_ session: Session, from directory: URL) throws {
        var values: [String: Tensor] = [:]
        var problems: [String] = []
        for entry in entries {
            let file = directory.appendingPathComponent(entry.name + ".npy")
            guard FileManager.default.fileExists(atPath: file.path) else { problems.append("\(entry.name).npy is missing"); continue }
            let value = try NPY.read(contentsOf: file)
            if value.dtype != entry.dtype || value.shape != entry.shape {
                problems.append("\(entry.name).npy is \(value.dtype) \(describe(value.shape)) but the variable is \(entry.dtype) \(describe(entry.shape))")
            }
            values[entry.name] = value
        }
        guard problems.isEmpty else {
            throw GraphError(.invalidFile, message: "\(directory.lastPathComponent) does not fit the graph: " + problems.joined(separator: "; "))
        }
        for entry in entries { session.state.assign(values[entry.name]!, toVariable: entry.name) }
    }
}

/// Writing a file so that a crash at any point leaves either the old file or the new one.
enum AtomicFile {
    static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UUID().uuidString).tmp")
        func fail(_ what: String) -> GraphError { GraphError(.invalidFile, message: "cannot save \(url.path): \(what)") }
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else { throw fail(String(cString: strerror(errno))) }
        var written = 0
        let result: Int32 = data.withUnsafeBytes { raw in
            while written < raw.count {
                let count = Foundation.write(descriptor, raw.baseAddress! + written, raw.count - written)
                if count < 0 { return errno }
                written += count
            }
            return fsync(descriptor) == 0 ? 0 : errno
        }
        close(descriptor)
        guard result == 0 else {
            unlink(temporary.path)
            throw fail(String(cString: strerror(result)))
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw fail(reason)
        }
        // The rename itself is durable only once the directory is flushed.
        let directoryDescriptor = open(directory.path, O_RDONLY)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    static func read(_ url: URL) throws -> Data {
        do { return try Data(contentsOf: url) } catch {
            throw GraphError(.invalidFile, message: "cannot read \(url.path): \(error.localizedDescription)")
        }
    }
}
