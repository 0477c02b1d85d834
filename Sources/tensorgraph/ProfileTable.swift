import Foundation
import TensorGraph

/// `bench --profile`'s report: per op type the node count, the mean total milliseconds per run and
/// the share of the run, then the ten slowest nodes, as TensorFlow users read them from step stats;
/// then the tensors alive at once, as planned and as measured, beside the process's peak memory.
struct ProfileTable {
    let text: String

    init(_ profiles: [RunProfile]) {
        let runs = Double(max(1, profiles.count))
        var byNode: [String: (op: String, milliseconds: Double)] = [:]
        var order: [String] = []
        for profile in profiles {
            for entry in profile.nodes {
                if byNode[entry.node] == nil { order.append(entry.node) }
                byNode[entry.node, default: (entry.op, 0)].milliseconds += entry.milliseconds / runs
            }
        }
        let total = byNode.values.reduce(0) { $0 + $1.milliseconds }
        var byOp: [String: (count: Int, milliseconds: Double)] = [:]
        for entry in byNode.values {
            byOp[entry.op, default: (0, 0)].count += 1
            byOp[entry.op]!.milliseconds += entry.milliseconds
        }
        func share(_ milliseconds: Double) -> String {
            String(format: "%5.1f%%", total > 0 ? 100 * milliseconds / total : 0)
        }
        func row(_ op: String, _ count: Int, _ milliseconds: Double) -> String {
            op.padding(toLength: max(28, op.count), withPad: " ", startingAt: 0)
                + String(format: " %6d %10.3f ", count, milliseconds) + share(milliseconds)
        }
        var lines = ["graph optimization: \(profiles.first?.optimization.description ?? "none")",
                     "op".padding(toLength: 28, withPad: " ", startingAt: 0) + "  nodes     ms/run  share"]
        for (op, entry) in byOp.sorted(by: { $0.value.milliseconds > $1.value.milliseconds }) {
            lines.append(row(op, entry.count, entry.milliseconds))
        }
        lines.append(row("total", byNode.count, total))
        lines.append("slowest nodes:")
        let slowest = order.sorted { byNode[$0]!.milliseconds > byNode[$1]!.milliseconds }.prefix(10)
        for node in slowest {
            let entry = byNode[node]!
            lines.append(String(format: "  %10.3f ms ", entry.milliseconds) + share(entry.milliseconds)
                         + "  \(node) (\(entry.op))")
        }
        lines.append(ProfileTable.memory(profiles))
        text = lines.joined(separator: "\n")
    }

    /// The planned and measured peaks of live tensors, and the process's peak resident memory.
    private static func memory(_ profiles: [RunProfile]) -> String {
        func megabytes(_ bytes: Int) -> String { String(format: "%.2f MB", Double(bytes) / 1e6) }
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let resident = "process peak resident \(megabytes(usage.ru_maxrss * 1024))"
        #else
        getrusage(RUSAGE_SELF, &usage)
        let resident = "process peak resident \(megabytes(usage.ru_maxrss))"
        #endif
        let measured = megabytes(profiles.map(\.measuredPeakBytes).max() ?? 0)
        guard let plan = profiles.first?.memory else {
            return "live tensors: measured peak \(measured) (not planned: the run branches or loops); \(resident)"
        }
        let unsized = plan.unsizedTensors == 0 ? "" : " (\(plan.unsizedTensors) tensors of unknown size not counted)"
        return "live tensors: planned peak \(megabytes(plan.peakBytes)) during \(plan.peakNode ?? "no step")"
            + "\(unsized), measured peak \(measured); \(resident)"
    }
}
