import Foundation
import TensorGraphKernels

/// The instruction sets TensorGraph's float32 kernels are compiled for. All of them are in every
/// binary; the best one the CPU runs is chosen when the process starts, so the plain
/// `swift build -c release` is the fast build on every machine.
///
/// `TENSORGRAPH_ISA=avx512|avx2|neon|portable` in the environment chooses a lower one for the
/// whole process, and ``running(_:_:)`` for the calls of one block of code.
public enum InstructionSet: String, CaseIterable, Sendable, CustomStringConvertible {
    /// x86-64 AVX-512 F: 512-bit registers, 12×32 tiles with masked edges.
    case avx512
    /// x86-64 AVX2 with fused multiply-add: 256-bit registers, 6×16 tiles.
    case avx2
    /// arm64 Advanced SIMD with fused multiply-add: 6×16 tiles.
    case neon
    /// Any CPU: the compiler's generic 128-bit vectors, multiply then add, 6×8 tiles.
    case portable

    /// The name `TENSORGRAPH_ISA` takes.
    public var description: String { rawValue }

    /// Whether this CPU (and its operating system) runs this instruction set's kernels.
    public var isSupported: Bool { tg_isa_supported(code) != 0 }

    /// The instruction sets this CPU runs, best first.
    public static var supported: [InstructionSet] { allCases.filter(\.isSupported) }

    /// The best instruction set this CPU runs.
    public static let best = supported[0]

    /// The instruction set whose kernels products packed now will use: the one ``running(_:_:)``
    /// names around the call, else `TENSORGRAPH_ISA`'s when it names one this CPU runs, else
    /// ``best``. Weights packed before keep the kernels they were packed for.
    public static var active: InstructionSet { scoped ?? chosen }

    /// Runs `body` with ``active`` set to `isa` for the calls it makes on this task (tests and
    /// benchmarks comparing paths in one process); throws when the CPU does not run `isa`.
    public static func running<Result>(_ isa: InstructionSet, _ body: () throws -> Result) throws -> Result {
        guard isa.isSupported else { throw unsupported(isa.rawValue) }
        return try $scoped.withValue(isa, operation: body)
    }

    /// The instruction set `TENSORGRAPH_ISA` names, `nil` when it is unset or empty; throws when it
    /// names one that does not exist or that this CPU does not run.
    public static func fromEnvironment() throws -> InstructionSet? {
        try named(ProcessInfo.processInfo.environment["TENSORGRAPH_ISA"])
    }

    /// The instruction set called `name` (any case), `nil` for no name; throws when none is called
    /// that or this CPU does not run it, naming the ones it runs.
    public static func named(_ name: String?) throws -> InstructionSet? {
        guard let name, !name.isEmpty else { return nil }
        guard let isa = InstructionSet(rawValue: name.lowercased()), isa.isSupported else { throw unsupported(name) }
        return isa
    }

    /// This instruction set's kernels: the backend seam, one table of C functions.
    var kernels: tg_kernels {
        guard let table = tg_kernels_for(code) else { preconditionFailure("no \(self) kernels in this build") }
        return table.pointee
    }

    var code: tg_isa {
        switch self {
        case .avx512: TG_ISA_AVX512
        case .avx2: TG_ISA_AVX2
        case .neon: TG_ISA_NEON
        case .portable: TG_ISA_PORTABLE
        }
    }

    private static func unsupported(_ name: String) -> GraphError {
        let known = InstructionSet(rawValue: name.lowercased()) != nil
        return GraphError(.unsupported,
                          message: known ? "this CPU does not run \(name)" : "no instruction set '\(name)'",
                          fix: "choose one this CPU runs: " + supported.map(\.rawValue).joined(separator: ", "))
    }

    /// The choice, read from the environment once. A library cannot stop its host program, so a
    /// bad `TENSORGRAPH_ISA` is reported on standard error and the best path used; the
    /// `tensorgraph` command refuses it before running anything.
    private static let chosen: InstructionSet = {
        do {
            return try fromEnvironment() ?? best
        } catch {
            FileHandle.standardError.write(Data("tensorgraph: \(error); using \(best)\n".utf8))
            return best
        }
    }()

    @TaskLocal private static var scoped: InstructionSet?
}
