import Foundation
import TensorGraph

/// `tensorgraph train`: seed 004's conv2d → conv2d_transpose → dense network trained on the
/// 8x8 handwritten digits that ship with this tool, with a held-out test split.
enum TrainCommand {
    static func run(_ arguments: [String]) throws {
        let args = try Arguments(
            arguments, valued: ["epochs", "batch-size", "learning-rate", "optimizer", "seed", "save"], flags: [])
        guard args.positionals.isEmpty else { throw UsageError("train takes no positional arguments") }
        let epochs = try args.integer("epochs", default: 40, minimum: 1)
        let batchSize = try args.integer("batch-size", default: 32, minimum: 1)
        let seed = try args.integer("seed", default: 4, minimum: 0)
        let rateText = args.values("learning-rate").last ?? "0.002"
        guard let learningRate = Double(rateText), learningRate > 0 else {
            throw UsageError("--learning-rate must be a positive number, not '\(rateText)'")
        }
        let optimizerName = args.values("optimizer").last ?? "adam"
        guard ["adam", "sgd"].contains(optimizerName) else {
            throw UsageError("--optimizer is adam or sgd, not '\(optimizerName)'")
        }

        let data = try Digits.load(seed: UInt64(seed))
        print(
            "digits: \(data.trainLabels.count) training and \(data.testLabels.count) held-out test images (8x8), seed "
                + "\(seed)")

        let graph = Graph()
        graph.seed = seed
        let images = try graph.placeholder(.float32, shape: [nil, 8, 8, 1], name: "images")
        let labels = try graph.placeholder(.int32, shape: [nil], name: "labels")
        let encoded = try graph.layers.conv2d(
            images, filters: 16, kernelSize: 5, strides: 2, padding: .same, activation: .relu)
        let decoded = try graph.layers.conv2dTranspose(
            encoded, filters: 16, kernelSize: 5, strides: 2, padding: .same, activation: .relu)
        let hidden = try graph.layers.dense(
            try graph.reshape(decoded, to: [-1, 8 * 8 * 16]), units: 64, activation: .relu)
        let logits = try graph.layers.dense(hidden, units: 10, name: "logits")
        let loss = try graph.mean(
            try graph.sparseSoftmaxCrossEntropy(logits: logits, labels: labels), axes: [0], name: "loss")
        let correct = try graph.equal(try graph.argMax(logits, axis: 1, outputType: .int32), labels)
        let accuracy = try graph.mean(try graph.cast(correct, to: .float32), axes: [0], name: "accuracy")
        let optimizer: any Optimizer = optimizerName == "adam" ? AdamOptimizer(learningRate: learningRate)
                                                               : GradientDescentOptimizer(learningRate: learningRate)
        let train = try optimizer.minimize(loss, in: graph)
        let session = Session(graph: graph)
        try session.run(targets: [try graph.globalVariablesInitializer()])

        var order = Array(0..<data.trainLabels.count)
        var generator = SplitMix(seed: UInt64(seed))
        for epoch in 1...epochs {
            order.shuffle(using: &generator)
            var lossSum = 0.0, correctSum = 0.0
            let start = DispatchTime.now().uptimeNanoseconds
            for first in stride(from: 0, to: order.count, by: batchSize) {
                let batch = Array(order[first..<min(first + batchSize, order.count)])
                let results = try session.run(
                    fetches: [loss, accuracy],
                    feeds: [images: data.trainImages(batch), labels: data.trainLabels(batch)],
                    targets: [train])
                lossSum += results[0].doubles[0] * Double(batch.count)
                correctSum += results[1].doubles[0] * Double(batch.count)
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            print(String(format: "epoch %3d  loss %.4f  train accuracy %.4f  %.0f examples/s", epoch,
                         lossSum / Double(order.count), correctSum / Double(order.count),
                         Double(order.count) / seconds))
        }
        let test = try session.run(
            fetches: [loss, accuracy], feeds: [images: data.testImages, labels: data.testLabelTensor])
        print(String(format: "test: loss %.4f  accuracy %.4f (%d of %d held-out images)", test[0].doubles[0],
                     test[1].doubles[0],
                     Int((test[1].doubles[0] * Double(data.testLabels.count)).rounded()), data.testLabels.count))
        if let directory = args.values("save").last.map({ URL(fileURLWithPath: $0) }) {
            let saver = try Saver(graph: graph)
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw GraphError(
                    .invalidFile, message: "cannot create \(directory.path): \(error.localizedDescription)")
            }
            try saver.save(session, to: directory.appendingPathComponent("model.ckpt"))
            try saver.exportNPY(session, to: directory.appendingPathComponent("weights"))
            try graph.save(to: directory.appendingPathComponent("graph.json"))
            print("saved: \(directory.path)/model.ckpt.{index,data-00000-of-00001}, \(directory.path)/weights/*.npy "
                  + "(\(saver.entries.count) variables), \(directory.path)/graph.json")
        }
    }
}

/// The digits shipped with the tool, scaled to [0, 1] and split 80/20 by a seeded shuffle.
struct Digits {
    let images: [Float]
    let labels: [Int32]
    let trainIndices: [Int]
    let testIndices: [Int]

    var trainLabels: [Int32] { trainIndices.map { labels[$0] } }
    var testLabels: [Int32] { testIndices.map { labels[$0] } }

    static func load(seed: UInt64) throws -> Digits {
        guard let imageURL = Bundle.module.url(forResource: "digits_images", withExtension: "npy"),
              let labelURL = Bundle.module.url(forResource: "digits_labels", withExtension: "npy") else {
            throw GraphError(.invalidFile, message: "the digits dataset is missing from the tool's resources")
        }
        let images = try NPY.read(contentsOf: imageURL), labels = try NPY.read(contentsOf: labelURL)
        guard let pixels = images.scalars(as: Float.self), let classes = labels.scalars(as: Int32.self),
              images.shape.count == 3, images.shape[1...] == [8, 8], classes.count == images.shape[0] else {
            throw GraphError(
                .invalidFile, message: "the digits dataset does not hold [N, 8, 8] float32 images and N int32 labels")
        }
        var order = Array(0..<classes.count)
        var generator = SplitMix(seed: seed &+ 1000)
        order.shuffle(using: &generator)
        let testCount = classes.count / 5
        return Digits(images: pixels.map { $0 / 16 }, labels: classes,
                      trainIndices: Array(order[testCount...]), testIndices: Array(order[..<testCount]))
    }

    func trainImages(_ batch: [Int]) -> Tensor { gather(batch.map { trainIndices[$0] }) }
    func trainLabels(_ batch: [Int]) -> Tensor { Tensor(batch.map { labels[trainIndices[$0]] }) }
    var testImages: Tensor { gather(testIndices) }
    var testLabelTensor: Tensor { Tensor(testLabels) }

    private func gather(_ indices: [Int]) -> Tensor {
        Tensor(shape: [indices.count, 8, 8, 1], scalars: indices.flatMap { images[($0 * 64)..<($0 * 64 + 64)] })
    }
}

/// A small seeded generator, so shuffles are the same on every machine.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
