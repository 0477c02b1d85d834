#if canImport(Glibc)
import Glibc
#endif

/// Process-wide allocator settings for the command line.
enum Allocator {
    /// Keeps freed tensor buffers in the process for the next run instead of handing them back to
    /// the kernel. glibc serves blocks above its mmap threshold (at most 32 MiB by default) with
    /// fresh pages, so every run of a large graph paid page faults and zeroing for each big output:
    /// about a quarter of conv2d_transpose (d)'s time. Raising the mmap and trim thresholds to
    /// 1 GiB makes freed buffers reusable. `mallopt` is not in Swift's Glibc module, so it is found
    /// by name; elsewhere, or if it is missing, nothing changes.
    static func keepFreedBuffers() {
        #if canImport(Glibc)
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
        let mmapThreshold: Int32 = -3, trimThreshold: Int32 = -1  // M_MMAP_THRESHOLD, M_TRIM_THRESHOLD in <malloc.h>
        _ = mallopt(mmapThreshold, 1 << 30)
        _ = mallopt(trimThreshold, 1 << 30)
        #endif
    }
}
