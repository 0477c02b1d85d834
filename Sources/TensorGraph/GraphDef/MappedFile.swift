#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A file mapped read-only into memory, so a large GraphDef is decoded where it lies, and the pages
/// of each tensor are handed back to the kernel once the tensor has its own copy: loading then
/// holds the file and the decoded weights together only a few pages at a time.
final class MappedFile {
    let bytes: UnsafeRawBufferPointer

    init(_ url: URL) throws {
        func failure(_ what: String) -> GraphError {
            GraphError(.invalidFile, message: "cannot read \(url.path): \(what)")
        }
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else { throw failure(String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw failure(String(cString: strerror(errno))) }
        guard status.st_mode & S_IFMT != S_IFDIR else { throw failure("it is a directory") }
        let size = Int(status.st_size)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw failure(String(cString: strerror(errno)))
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }

    /// Drops the whole pages inside `region` (part of this file) from memory; reading them again
    /// would fault them back in from the file.
    func release(_ region: UnsafeRawBufferPointer) {
        guard let start = region.baseAddress, let base = bytes.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let offset = start - base
        let first = (offset + page - 1) / page * page, end = (offset + region.count) / page * page
        guard end > first else { return }
        madvise(UnsafeMutableRawPointer(mutating: base + first), end - first, MADV_DONTNEED)
    }
}
