import Foundation
import TensorGraph

/// The `tensorgraph` command line: a thin shell over the library. Exit status 0 on success, 1 on a
/// graph, shape or run error, 2 on a usage error.
let arguments = Array(CommandLine.arguments.dropFirst())

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    exit(status)
}

Allocator.keepFreedBuffers()
do {
    _ = try InstructionSet.fromEnvironment()
} catch {
    fail("TENSORGRAPH_ISA=\(ProcessInfo.processInfo.environment["TENSORGRAPH_ISA"] ?? ""): \(error)", status: 2)
}
let command = arguments.first
let rest = Array(arguments.dropFirst())
do {
    switch command {
    case "run": try RunCommand.run(rest)
    case "check": exit(try CheckCommand.run(rest))
    case "bench": try BenchCommand.run(rest)
    case "optimize": try OptimizeCommand.run(rest)
    case "dot": try DotCommand.run(rest)
    case "train": try TrainCommand.run(rest)
    case "checkpoint": try CheckpointCommand.run(rest)
    case "ops":
        guard rest.isEmpty else { throw UsageError("ops takes no arguments") }
        print(Graph.supportedOps.joined(separator: "\n"))
    case "demo":
        guard rest.isEmpty else { throw UsageError("demo takes no arguments") }
        try Demo.run()
    case "--version", "version":
        guard rest.isEmpty else { throw UsageError("--version takes no arguments") }
        print("tensorgraph kernels: \(InstructionSet.active) (this CPU runs "
              + InstructionSet.supported.map(\.rawValue).joined(separator: ", ") + ")")
    case "help", "--help", "-h":
        if let topic = rest.first {
            guard let text = Usage.commands[topic] else { throw UsageError("no command '\(topic)'") }
            print(text)
        } else {
            print(Usage.overview)
            print("\nkernels: \(InstructionSet.active) (TENSORGRAPH_ISA chooses among "
                  + InstructionSet.supported.map(\.rawValue).joined(separator: ", ") + ")")
        }
    case nil:
        throw UsageError("no command given")
    case let other?:
        throw UsageError("unknown command '\(other)'")
    }
} catch let error as UsageError {
    FileHandle.standardError.write(Data("error: \(error)\n\n\(Usage.commands[command ?? ""] ?? Usage.overview)\n".utf8))
    exit(2)
} catch {
    fail("\(error)", status: 1)
}
