import Foundation
import FuzzSupport
import TensorGraph

/// libFuzzer's entry point: any bytes, read as a graph file, must give a graph or a GraphError.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGraph(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    _ = try? Graph.check(graphDef: data)
    if let graph = try? Graph.load(graphDef: data) { _ = graph.graphDefJSON() }
    return 0
}

@main
struct Entry {
    static func main() { FuzzDriver.run(fuzzGraph) }
}
