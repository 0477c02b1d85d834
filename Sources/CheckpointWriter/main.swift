import Foundation
import TensorGraph

/// Saves a checkpoint to the given path over and over, each time with every element equal to the
/// save's number, until killed: the crash-safety test kills it at random moments and checks that
/// the file always restores to one complete save.
guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: checkpoint-writer FILE\n".utf8))
    exit(2)
}
let file = URL(fileURLWithPath: CommandLine.arguments[1])
let graph = Graph()
let weights = try graph.variable(Tensor(zeros: [128, 128], dtype: .float32), name: "weights")
let step = try graph.variable(Tensor(Int64(0)), name: "step")
let newWeights = try graph.placeholder(.float32, shape: [128, 128], name: "new_weights")
let newStep = try graph.placeholder(.int64, shape: [], name: "new_step")
let update = try graph.group([
    try graph.assign(weights, newWeights).operation, try graph.assign(step, newStep).operation
])
let session = Session(graph: graph)
let saver = try Saver(graph: graph)
var count: Int64 = 1
while true {
    try session.run(
        feeds: [
            newWeights: Tensor(repeating: Double(count), shape: [128, 128], dtype: .float32), newStep: Tensor(count)
        ],
        targets: [update])
    try saver.save(session, to: file)
    FileHandle.standardOutput.write(Data("\(count)\n".utf8))
    count += 1
}
