import Foundation

/// What a fuzz target's entry point does: under libFuzzer (built with `-DFUZZING` and
/// `-sanitize=fuzzer`) it hands control to the fuzzer; otherwise it replays the files named on
/// the command line (a corpus, a crash) through the same entry point.
public enum FuzzDriver {
    /// A fuzz entry point: bytes in, 0 out (a problem is a crash, which is the point).
    public typealias EntryPoint = @convention(c) (UnsafePointer<UInt8>, Int) -> CInt

    public static func run(_ entry: EntryPoint) -> Never {
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, entry))
        #else
        for path in CommandLine.arguments.dropFirst() {
            let data = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
            data.withUnsafeBytes { raw in
                _ = entry(raw.bindMemory(to: UInt8.self).baseAddress ?? UnsafePointer(bitPattern: 1)!, raw.count)
            }
        }
        print("replayed \(CommandLine.arguments.count - 1) inputs")
        exit(0)
        #endif
    }
}

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt
#endif
