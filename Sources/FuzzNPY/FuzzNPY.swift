import Foundation
import FuzzSupport
import TensorGraph

/// libFuzzer's entry point: any bytes, read as a .npy file, must give a tensor or a GraphError.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    if let tensor = try? NPY.decode(Data(bytes: bytes, count: count)) { _ = NPY.encode(tensor) }
    return 0
}

@main
struct Entry {
    static func main() { FuzzDriver.run(fuzzNPY) }
}
