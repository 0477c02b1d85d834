import Testing
@testable import TensorGraph

/// Elementwise kernels write their output over an input they are the last reader of, and only
/// then: a run hands such inputs over (`KernelContext.takeInput`), and anything else a kernel
/// reads stays as it was.
@Suite("elementwise kernels reuse the buffers they own")
struct InPlaceTests {
    /// Calls `op`'s kernel on `inputs`, telling it which inputs it owns.
    static func run(_ op: String, _ inputs: consuming [Tensor], owning ownership: [Bool]) throws -> Tensor {
        let definition = try #require(OpRegistry.definition(named: op))
        let site = KernelSite(
            node: "n", op: op, attributes: Attributes(["T": .type(.float32)], node: "n", op: op), references: [],
                              ownedInputs: ownership)
        var context = KernelContext(site: site, inputs: consume inputs,
                                    state: VariableStore(maximumTensorBytes: Limits.defaultMaximumTensorBytes),
                                    resources: RunResources())
        let kernel = try #require(definition.outputKernel)
        return try kernel(&context)
    }

    /// Where a float tensor's elements live.
    static func address(_ tensor: Tensor) -> UnsafeRawPointer? {
        tensor.scalars(as: Float.self)!.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    @Test("Relu writes over an input it owns, and into a new buffer otherwise")
    func unary() throws {
        let scalars: [Float] = [-2, -0.5, 0, 3]
        let owned = try Self.run("Relu", [Tensor(shape: [4], scalars: scalars)], owning: [true])
        #expect(owned.scalars(as: Float.self) == [0, 0, 0, 3])

        let input = Tensor(shape: [4], scalars: scalars)
        let shared = try Self.run("Relu", [input], owning: [true])
        // The test still holds `input`, so the kernel must not write over it even when told it owns it.
        #expect(shared.scalars(as: Float.self) == [0, 0, 0, 3])
        #expect(input.scalars(as: Float.self) == scalars)
        #expect(Self.address(shared) != Self.address(input))

        let kept = try Self.run("Relu", [input], owning: [false])
        #expect(kept.scalars(as: Float.self) == [0, 0, 0, 3])
        #expect(input.scalars(as: Float.self) == scalars)
    }

    @Test("an owned input's buffer becomes the output's")
    func ownedBufferIsReused() throws {
        // Built from a buffer whose address is known, then handed over with no other copy kept.
        let scalars: [Float] = [1, 2, 3, 4, 5, 6]
        let original = scalars.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        let relu = try Self.run("Relu", [Tensor(shape: [2, 3], scalars: consume scalars)], owning: [true])
        #expect(Self.address(relu) == original)

        let bias: Float = 10
        let matrix: [Float] = [1, -2, 3, -4, 5, -6]
        let matrixAddress = matrix.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        let sum = try Self.run(
            "AddV2", [Tensor(bias), Tensor(shape: [2, 3], scalars: consume matrix)], owning: [false, true])
        #expect(sum.scalars(as: Float.self) == [11, 8, 13, 6, 15, 4])
        #expect(Self.address(sum) == matrixAddress, "y has the output's shape and is owned")

        let row: [Float] = [1, 2, 3]
        let rowAddress = row.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        let broadcast = try Self.run(
            "Sub",
            [Tensor(shape: [3], scalars: consume row), Tensor(shape: [2, 3], scalars: [1, 1, 1, 2, 2, 2] as [Float])],
                                     owning: [true, false])
        #expect(broadcast.scalars(as: Float.self) == [0, 1, 2, -1, 0, 1])
        #expect(Self.address(broadcast) != rowAddress, "x is smaller than the output, so it cannot hold it")
    }

    @Test("operand order survives writing over y", arguments: ["Sub", "RealDiv", "Maximum", "SquaredDifference"])
    func operandOrder(_ op: String) throws {
        let x = Tensor(shape: [2, 2], scalars: [1, 8, -3, 4] as [Float])
        let y: [Float] = [2, 4, 5, -1]
        let expected = try Self.run(op, [x, Tensor(shape: [2, 2], scalars: y)], owning: [false, false])
        let overY = try Self.run(op, [x, Tensor(shape: [2, 2], scalars: y)], owning: [false, true])
        let overX = try Self.run(op, [x, Tensor(shape: [2, 2], scalars: y)], owning: [true, false])
        #expect(overY == expected)
        #expect(overX == expected)
        #expect(x.scalars(as: Float.self) == [1, 8, -3, 4])
    }

    /// (owned operand's shape, the other operand's shape, which operand is owned)
    static let broadcasts: [([Int], [Int], Int)] = [
        ([2, 3], [2, 1], 0), ([2, 3], [3], 0), ([2, 3, 2], [3, 1], 0), ([2, 3], [1, 3], 1), ([4, 1, 3], [2, 3], 1),
    ]

    @Test("writing over an owned operand broadcasts the other exactly as a new buffer does", arguments: broadcasts)
    func broadcastOverOwned(_ c: ([Int], [Int], Int)) throws {
        let (ownedShape, otherShape, index) = c
        let big = Tensor(shape: ownedShape, scalars: (0..<ownedShape.reduce(1, *)).map { Float($0) * 1.5 - 4 })
        let small = Tensor(shape: otherShape, scalars: (0..<otherShape.reduce(1, *)).map { Float($0) * 2 + 1 })
        for op in ["Sub", "RealDiv", "SquaredDifference"] {
            let operands = index == 0 ? [big, small] : [small, big]
            let expected = try Self.run(op, operands, owning: [false, false])
            var owning = [false, false]
            owning[index] = true
            let ownedOperands = index == 0 ? [Tensor(shape: ownedShape, scalars: big.scalars(as: Float.self)!), small]
                                           : [small, Tensor(shape: ownedShape, scalars: big.scalars(as: Float.self)!)]
            #expect(try Self.run(op, ownedOperands, owning: owning) == expected, "\(op) \(c)")
        }
    }

    @Test("a value shared through Identity is copied before an owner writes over it")
    func sharedThroughIdentity() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [3], name: "x")
        let a = try graph.add(x, x)
        let alias = try graph.identity(a)           // shares a's buffer
        let b = try graph.relu(alias)               // last reader of the alias
        let c = try graph.multiply(a, try graph.constant(Tensor(3 as Float)))   // reads a after the relu
        let results = try Session(graph: graph).run(
            fetches: [b, c], feeds: [x: Tensor(shape: [3], scalars: [-1, 0, 2] as [Float])])
        #expect(results[0].scalars(as: Float.self) == [0, 0, 4])
        #expect(results[1].scalars(as: Float.self) == [-6, 0, 12])
    }

    @Test("a run hands over only what no later node, fetch, feed or constant still holds")
    func sessionOwnership() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [3], name: "x")
        let c = try graph.constant(Tensor(shape: [3], scalars: [1, 1, 1] as [Float]))
        let a = try graph.add(x, c)                  // a feeds both b and d
        let b = try graph.relu(a)
        let d = try graph.multiply(a, a)             // the same value twice, read last here
        let e = try graph.subtract(b, d)
        let fed = Tensor(shape: [3], scalars: [-3, 0, 2] as [Float])
        let session = Session(graph: graph)
        for _ in 0..<2 {
            let results = try session.run(fetches: [a, e, c], feeds: [x: fed])
            #expect(results[0].scalars(as: Float.self) == [-2, 1, 3])
            #expect(results[1].scalars(as: Float.self) == [0 - 4, 1 - 1, 3 - 9])
            #expect(results[2].scalars(as: Float.self) == [1, 1, 1])
            #expect(fed.scalars(as: Float.self) == [-3, 0, 2])
        }
        #expect(try session.run(e, feeds: [x: fed]).scalars(as: Float.self) == [-4, 0, -6])
    }
}
