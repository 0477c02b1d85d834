import Foundation
import FuzzSupport
import TensorGraph

/// libFuzzer's entry point: any bytes, split into a checkpoint's index and its data file (the
/// first four bytes, little-endian, give the index's length), must list and read as a checkpoint
/// or give a GraphError, with checksums checked and, so that mutations reach the parsing behind
/// them, without.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckpoint(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = UnsafeBufferPointer(start: bytes, count: count)
    let length = input.prefix(4).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    let index = input.dropFirst(4).prefix(length), data = input.dropFirst(4 + index.count)
    let prefix = directory.appendingPathComponent("fuzz.ckpt")
    FileManager.default.createFile(atPath: prefix.path + ".index", contents: Data(index))
    FileManager.default.createFile(atPath: prefix.path + ".data-00000-of-00001", contents: Data(data))
    for verifying in [true, false] {
        guard let checkpoint = try? Checkpoint(prefix: prefix, verifyingChecksums: verifying) else { continue }
        _ = checkpoint.inspection
        _ = try? checkpoint.tensors(named: checkpoint.entries.filter { $0.dtype != nil }.map(\.name))
    }
    return 0
}

/// A directory of this process's own, for the two files.
let directory: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-checkpoint-\(getpid())")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}()

@main
struct Entry {
    static func main() { FuzzDriver.run(fuzzCheckpoint) }
}
