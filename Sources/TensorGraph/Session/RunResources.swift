import Foundation

/// The resources one run creates and its kernels share — TensorArrays, stacks — each found by the
/// ``ResourceHandle`` its creating op outputs. Whoever builds a run's kernel contexts makes one
/// with `RunResources()` at the start of the run and hands it to every `KernelContext`; the
/// resources go when the run ends, as TensorFlow's per-step resource container does.
/// (Kernels of one run may execute concurrently, hence the lock.)
final class RunResources: @unchecked Sendable {
    private let lock = NSLock()
    private var resources: [Int: AnyObject] = [:]
    private var nextID = 0

    /// Keeps `resource` for the rest of the run and returns its new handle.
    func add(_ resource: AnyObject, kind: String, creator: String) -> ResourceHandle {
        lock.withLock {
            nextID += 1
            resources[nextID] = resource
            return ResourceHandle(id: nextID, kind: kind, creator: creator)
        }
    }

    /// The resource behind `handle`, or an error naming the handle and the node that asked for it
    /// when this run holds no such resource of type `R`.
    func resource<R: AnyObject>(_ handle: ResourceHandle, as type: R.Type, context: KernelContext) throws -> R {
        guard let resource = lock.withLock({ resources[handle.id] }) as? R else {
            throw context.error("\(handle) is not a resource of this run",
                                fix: "pass the handle made by the op that creates it in the same run")
        }
        return resource
    }

    /// Forgets the resource behind `handle`; later lookups fail.
    func remove(_ handle: ResourceHandle) {
        lock.withLock { _ = resources.removeValue(forKey: handle.id) }
    }
}
