import Foundation

/// A TensorArray of one run (`TensorArrayV3`'s resource): a list of tensors of one dtype that ops
/// write, read, scatter, gather, split and concatenate by index, with TensorFlow's rules — each
/// index written once (a gradient array adds up repeated writes instead), an element read once
/// when `clear_after_read`, growth past the size only when `dynamic_size`. Each operation holds
/// the array's lock, since the iterations of a loop may run at once.
final class TensorArray: @unchecked Sendable {
    /// One element and what has happened to it.
    struct Element {
        var value: Tensor?
        /// The shape of the value written (or, in a gradient array, of the forward array's element).
        var shape: [Int]?
        var written = false
        var read = false
        var cleared = false
    }

    /// How an array was declared (TensorArrayV3's attributes), and what kind of array it is.
    struct Options {
        var dtype: DType
        var elementShape: Shape = .unknown
        var dynamicSize = false
        var clearAfterRead = true
        var identicalElementShapes = false
        /// A gradient array (TensorArrayGradV3's): repeated writes to an index add up, and an element
        /// past the size reads as zeros.
        var isGradient = false
    }

    private let lock = NSLock()
    private var options: Options
    private var elements: [Element]
    private var closed = false
    /// The gradient arrays made from this one, by TensorArrayGradV3's `source`.
    private var gradients: [String: ResourceHandle] = [:]

    init(size: Int, options: Options) {
        self.options = options
        elements = Array(repeating: Element(), count: size)
    }

    var dtype: DType { options.dtype }

    /// The number of elements.
    func size(_ context: KernelContext) throws -> Int {
        try locked(context) { elements.count }
    }

    /// Writes `value` at `index` (adding it to what is there, for a gradient array).
    func write(_ value: Tensor, at index: Int, _ context: KernelContext) throws {
        try locked(context) { try lockedWrite(value, at: index, context) }
    }

    /// Writes `values[i]` at `indices[i]` for each i.
    func write(_ values: [Tensor], at indices: [Int], _ context: KernelContext) throws {
        try locked(context) {
            for (value, index) in zip(values, indices) { try lockedWrite(value, at: index, context) }
        }
    }

    /// The element at `index`.
    func read(_ index: Int, _ context: KernelContext) throws -> Tensor {
        try locked(context) { try lockedRead(index, context) }
    }

    /// The elements at `indices`, each read as `read(_:_:)` reads it.
    func read(_ indices: [Int], _ context: KernelContext) throws -> [Tensor] {
        try locked(context) { try indices.map { try lockedRead($0, context) } }
    }

    /// Every element, in order.
    func readAll(_ context: KernelContext) throws -> [Tensor] {
        try locked(context) { try elements.indices.map { try lockedRead($0, context) } }
    }

    /// What is known of every element's shape.
    func elementShape(_ context: KernelContext) throws -> Shape {
        try locked(context) { options.elementShape }
    }

    /// Ends the array: any later use is an error.
    func close(_ context: KernelContext) throws {
        try locked(context) {
            closed = true
            elements = []
        }
    }

    /// The gradient array for `source`, made on first request with this array's dtype, size and
    /// element shape (TensorArrayGradV3); the same array for every later request with that source.
    func gradient(source: String, resources: RunResources, _ context: KernelContext) throws -> ResourceHandle {
        try locked(context) {
            if let handle = gradients[source] { return handle }
            var gradientOptions = Options(dtype: options.dtype, elementShape: options.elementShape)
            gradientOptions.identicalElementShapes = options.identicalElementShapes
            gradientOptions.isGradient = true
            let array = TensorArray(size: elements.count, options: gradientOptions)
            // An element no gradient reaches reads as zeros of its forward element's shape.
            array.elements = elements.map { Element(shape: $0.shape) }
            let handle = resources.add(array, kind: "TensorArray", creator: context.node)
            gradients[source] = handle
            return handle
        }
    }

    private func locked<R>(_ context: KernelContext, _ body: () throws -> R) throws -> R {
        try lock.withLock {
            guard !closed else {
                throw context.error("the TensorArray has already been closed",
                                    fix: "use a TensorArray only before its TensorArrayCloseV3 runs")
            }
            return try body()
        }
    }

    private func lockedWrite(_ value: Tensor, at index: Int, _ context: KernelContext) throws {
        guard value.dtype == options.dtype else {
            throw context.error("cannot write a \(value.dtype) value to a TensorArray of \(options.dtype)")
        }
        guard index >= 0, index < elements.count || options.dynamicSize else {
            throw context.error("tried to write to index \(index), but the array is not resizeable and its size is "
                                + "\(elements.count)",
                                fix: "write to an index below the size, or create the array with dynamic_size")
        }
        guard options.elementShape.isCompatible(with: value.shape) else {
            throw context.error("cannot write a value of shape \(describe(value.shape)) at index \(index): the "
                                + "TensorArray's element shape is \(options.elementShape)",
                                fix: "write values of the declared element shape, or create the array with "
                                    + "infer_shape=False")
        }
        if options.identicalElementShapes, !options.elementShape.isFullyDefined {
            options.elementShape = Shape(value.shape)
        }
        if index >= elements.count { elements += Array(repeating: Element(), count: index + 1 - elements.count) }
        var element = elements[index]
        guard !element.read else {
            throw context.error("could not write to TensorArray index \(index) because it has already been read")
        }
        if element.written, let existing = element.value {
            guard options.isGradient else {
                throw context.error("could not write to TensorArray index \(index) because it has already been "
                                    + "written to", fix: "write each index once; a TensorArray is not a buffer")
            }
            guard existing.shape == value.shape else {
                throw context.error("could not add to TensorArray index \(index): it holds shape "
                                    + "\(describe(existing.shape)), but the new value has \(describe(value.shape))")
            }
            element.value = try MathOps.elementwise(existing, value, .add, context)
        } else {
            element.value = value
        }
        element.shape = value.shape
        element.written = true
        elements[index] = element
    }

    private func lockedRead(_ index: Int, _ context: KernelContext) throws -> Tensor {
        guard index >= 0, index < elements.count || options.isGradient else {
            throw context.error("tried to read from index \(index), but the array's size is \(elements.count)")
        }
        guard index < elements.count else { return try zeros(for: Element(), index, context) }
        var element = elements[index]
        guard !element.cleared else {
            throw context.error("could not read index \(index) twice because it was cleared after a previous read",
                                fix: "create the TensorArray with clear_after_read=False to read an element again")
        }
        let value = try element.value ?? zeros(for: element, index, context)
        element.read = true
        if options.clearAfterRead {
            element.value = nil
            element.cleared = true
        }
        elements[index] = element
        return value
    }

    /// What an element never written reads as, as in TensorFlow: zeros of its shape (known in a
    /// gradient array from the forward element) or of the array's element shape when fully defined.
    private func zeros(for element: Element, _ index: Int, _ context: KernelContext) throws -> Tensor {
        let known = options.isGradient ? element.shape ?? options.elementShape.concrete : options.elementShape.concrete
        guard let shape = known, options.dtype.isPlainData else {
            throw context.error("could not read from TensorArray index \(index): it has not been written, and the "
                                + "element shape \(options.elementShape) is not fully defined, so it cannot read as "
                                + "zeros", fix: "write every index before reading it, or give the TensorArray a full "
                                    + "element_shape")
        }
        return Tensor(zeros: shape, dtype: options.dtype)
    }
}
