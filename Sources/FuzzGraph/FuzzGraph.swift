import Foundation
import TensorGraph

/// libFuzzer's entry point: any bytes, read as a graph file, must give a graph or a GraphError.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGraph(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    _ = try? Graph.check(graphDef: data)
    if let graph = try? Graph.load(graphDef: data) { _ = graph.graphDefJSON() }
    return 0
}

/// The executable's entry: under libFuzzer (built with -DFUZZING) it hands control to the
/// fuzzer; otherwise it replays the given files (a corpus, a crash) through the same entry point.
@main
struct Entry {
    static func main() {
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzGraph))
        #else
        for path in CommandLine.arguments.dropFirst() {
            let data = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
            data.withUnsafeBytes { raw in
                _ = fuzzGraph(raw.bindMemory(to: UInt8.self).baseAddress ?? UnsafePointer(bitPattern: 1)!, raw.count)
            }
        }
        print("replayed \(CommandLine.arguments.count - 1) inputs")
        #endif
    }
}

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt
#endif
