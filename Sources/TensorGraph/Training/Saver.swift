import Foundation

/// Saves and restores a session's variables, as `tf.compat.v1.train.Saver`, and exchanges them
/// with numpy as a directory of `.npy` files.
///
/// `save(_:to:)` writes a TensorFlow checkpoint (``Checkpoint``: `PREFIX.index` and
/// `PREFIX.data-00000-of-00001`) that `tf.compat.v1.train.Saver.restore` reads, or, for a name
/// ending in `.tgckpt`, TensorGraph's own single-file format, which replaces the last save in one
/// rename (a crash leaves the old file or the new). `restore(_:from:)` reads either, by content.
/// Restoring checks every variable's name, dtype and shape first, lists every one that differs,
/// and changes nothing unless all fit.
///
/// ```swift
/// let saver = try Saver(graph: graph)
/// try saver.save(session, to: URL(fileURLWithPath: "model.ckpt"))
/// try saver.restore(session, from: URL(fileURLWithPath: "model.ckpt"))
/// ```
public struct Saver: Sendable {
    /// One saved variable: its name in the checkpoint, its node, dtype and shape.
    public struct Entry: Sendable, Equatable {
        /// The checkpoint's key: a VariableV2's node name, a VarHandleOp's `shared_name`.
        public let name: String
        /// The variable's node.
        public let node: String
        public let dtype: DType
        public let shape: [Int]
    }

    /// The variables saved and restored, in graph order.
    public let entries: [Entry]

    /// A saver for every variable in `graph` (VariableV2 and VarHandleOp nodes), or only those
    /// named (by checkpoint key or node name).
    public init(graph: Graph, variables names: [String]? = nil) throws {
        try self.init(graph: graph, variables: names, keys: [:])
    }

    /// A saver as above whose variables `keys` names (by node) are kept under those keys instead.
    init(graph: Graph, variables names: [String]? = nil, keys: [String: String]) throws {
        let variables = graph.nodes.compactMap { node in
            StateOps.checkpointKey(of: node).map { (node, keys[node.name] ?? $0) }
        }
        if let names,
           let missing = names.first(where: { name in !variables.contains { $0.1 == name || $0.0.name == name } }) {
            throw GraphError(.notFound, node: missing, message: "no variable named '\(missing)' in the graph",
                             fix: NameSuggestion.hint(for: missing, among: variables.map(\.1)))
        }
        let chosen = variables.filter { node, key in names.map { $0.contains(key) || $0.contains(node.name) } ?? true }
        self.entries = try chosen.map { node, key in
            guard let info = node.outputs.first, let shape = info.shape.concrete else {
                throw GraphError(
                    .invalidShape, node: node.name, op: node.op,
                    message: "a variable to save must have a fully known shape")
            }
            return Entry(name: key, node: node.name, dtype: info.dtype, shape: shape)
        }
    }

    /// Writes every variable's current value to `url`: a TensorFlow checkpoint with `url` as its
    /// prefix, or TensorGraph's single file when the name ends in `.tgckpt`.
    public func save(_ session: Session, to url: URL) throws {
        let tensors = try entries.map { entry -> (name: String, tensor: Tensor) in
            guard let value = session.value(ofVariable: entry.node) else {
                throw StateOps.uninitializedVariableV2(entry.node)
            }
            return (entry.name, value)
        }
        if url.pathExtension == "tgckpt" {
            try AtomicFile.write(CheckpointFormat.encode(tensors.map { ($0.name, $0.tensor) }), to: url)
        } else {
            try Checkpoint.write(tensors, to: url)
        }
    }

    /// Reads the checkpoint at `url` (a TensorFlow checkpoint's prefix, or a `.tgckpt` file) and
    /// sets every variable, after checking that it holds each one with the graph's dtype and shape;
    /// nothing is set when anything differs or any tensor fails its checksum.
    public func restore(_ session: Session, from url: URL) throws {
        let values: [String: Tensor]
        if CheckpointFormat.isFile(at: url) {
            let saved = try CheckpointFormat.decode(try AtomicFile.read(url), source: url.lastPathComponent)
            let byName = Dictionary(saved.map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first })
            try check(url.lastPathComponent) { byName[$0].map { ($0.dtype.description, $0.shape) } }
            values = byName
        } else {
            let checkpoint = try Checkpoint(prefix: url)
            try check(checkpoint.prefix.lastPathComponent) { name in
                checkpoint.entry(named: name).map { ($0.dtype?.description ?? $0.dtypeName, $0.shape) }
            }
            values = try checkpoint.tensors(named: entries.map(\.name))
        }
        for entry in entries { session.state.assign(values[entry.name]!, toVariable: entry.node) }
    }

    /// Throws one error listing every variable that `saved` (a name's dtype and shape in the
    /// checkpoint) lacks or holds with another dtype or shape.
    private func check(_ source: String, _ saved: (String) -> (dtype: String, shape: [Int])?) throws {
        var problems: [String] = []
        for entry in entries {
            guard let (dtype, shape) = saved(entry.name) else {
                problems.append("'\(entry.name)' is missing")
                continue
            }
            if dtype != entry.dtype.description || shape != entry.shape {
                problems.append("'\(entry.name)' is \(dtype) \(describe(shape)) in the checkpoint but "
                                + "\(entry.dtype) \(describe(entry.shape)) in the graph")
            }
        }
        guard problems.isEmpty else {
            throw GraphError(.invalidFile,
                             message: "\(source) does not fit the graph: " + problems.joined(separator: "; "),
                             fix: "restore a checkpoint saved from this graph, or restore only matching variables "
                                 + "with Saver(graph:variables:)")
        }
    }

    /// Writes each variable to `directory/<name>.npy` (scopes become folders: `conv2d/kernel.npy`).
    public func exportNPY(_ session: Session, to directory: URL) throws {
        for entry in entries {
            guard let value = session.value(ofVariable: entry.node) else {
                throw StateOps.uninitializedVariableV2(entry.node)
            }
            let file = directory.appendingPathComponent(entry.name + ".npy")
            do {
                try FileManager.default.createDirectory(
                    at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            } catch {
                throw GraphError(
                    .invalidFile,
                    message: "cannot create \(file.deletingLastPathComponent().path): \(error.localizedDescription)")
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
            guard FileManager.default.fileExists(atPath: file.path) else {
                problems.append("\(entry.name).npy is missing"); continue
            }
            let value = try NPY.read(contentsOf: file)
            if value.dtype != entry.dtype || value.shape != entry.shape {
                problems.append(
                    "\(entry.name).npy is \(value.dtype) \(describe(value.shape)) but the variable is \(entry.dtype) "
                        + "\(describe(entry.shape))")
            }
            values[entry.name] = value
        }
        guard problems.isEmpty else {
            throw GraphError(
                .invalidFile,
                message: "\(directory.lastPathComponent) does not fit the graph: " + problems.joined(separator: "; "))
        }
        for entry in entries { session.state.assign(values[entry.name]!, toVariable: entry.node) }
    }
}

/// Writing a file so that a crash at any point leaves either the old file or the new one.
enum AtomicFile {
    static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(
            ".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UUID().uuidString).tmp")
        func fail(_ what: String) -> GraphError {
            GraphError(.invalidFile, message: "cannot save \(url.path): \(what)")
        }
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
