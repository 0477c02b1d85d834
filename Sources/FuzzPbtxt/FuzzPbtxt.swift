import Foundation
import FuzzSupport
import TensorGraph

/// libFuzzer's entry point for the text GraphDef reader: any bytes, made to read as text (control
/// characters but tab and line feed become spaces, and a `#` line comes first so the content is
/// not taken for JSON), must give a graph or a GraphError; a graph must write back as text and
/// read again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPbtxt(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    var text = Array("#\n".utf8)
    text += UnsafeBufferPointer(start: bytes, count: count).map { $0 < 0x20 && $0 != 0x09 && $0 != 0x0a ? 0x20 : $0 }
    let data = Data(text)
    _ = try? Graph.check(graphDef: data)
    if let graph = try? Graph.load(graphDef: data) { _ = try? Graph.load(graphDef: Data(graph.graphDefText().utf8)) }
    return 0
}

@main
struct Entry {
    static func main() { FuzzDriver.run(fuzzPbtxt) }
}
