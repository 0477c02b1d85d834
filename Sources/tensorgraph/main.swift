import Foundation
import TensorGraph

/// The `tensorgraph` command line: a thin shell over the library.
let arguments = Array(CommandLine.arguments.dropFirst())

let usage = """
    usage: tensorgraph <command>

    commands:
      demo      build the seed-004 network (conv2d -> conv2d_transpose -> dense) with the Swift API,
                run it on a built-in input, and print every node's inferred shape and the outputs
      ops       list the supported TensorFlow ops, one a line
      help      show this message
    """

switch arguments.first {
case "demo":
    do {
        try Demo.run()
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        exit(1)
    }
case "ops":
    print(Graph.supportedOps.joined(separator: "\n"))
case "help", "--help", "-h":
    print(usage)
case nil:
    print(usage)
    exit(2)
case let command?:
    FileHandle.standardError.write(Data("error: unknown command '\(command)'\n\(usage)\n".utf8))
    exit(2)
}
