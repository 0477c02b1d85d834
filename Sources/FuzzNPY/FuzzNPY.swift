import Foundation
import TensorGraph

/// libFuzzer's entry point: any bytes, read as a .npy file, must give a tensor or a GraphError.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    if let tensor = try? NPY.decode(Data(bytes: bytes, count: count)) { _ = NPY.encode(tensor) }
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
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzNPY))
        #else
        for path in CommandLine.arguments.dropFirst() {
            let data = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
            data.withUnsafeBytes { raw in
                _ = fuzzNPY(raw.bindMemory(to: UInt8.self).baseAddress ?? UnsafePointer(bitPattern: 1)!, raw.count)
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
