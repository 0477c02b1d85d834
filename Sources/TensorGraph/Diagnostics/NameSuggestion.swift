/// Finds the names closest to a misspelled one, for "did you mean" hints.
enum NameSuggestion {
    /// Up to `limit` candidates within a small edit distance of `name`, closest first.
    static func closest(to name: String, among candidates: some Sequence<String>, limit: Int = 3) -> [String] {
        let target = Array(name.lowercased())
        // Short names are a letter or two from many others; only suggest what is plainly a typo.
        let allowed = min(max(2, target.count / 3), target.count - 1)
        var scored: [(String, Int)] = []
        for candidate in candidates {
            let distance = editDistance(target, Array(candidate.lowercased()), cap: allowed)
            if distance <= allowed { scored.append((candidate, distance)) }
        }
        return scored.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(limit).map(\.0)
    }

    /// "; did you mean 'a' or 'b'?" or "" when nothing is close.
    static func hint(for name: String, among candidates: some Sequence<String>) -> String? {
        let close = closest(to: name, among: candidates)
        guard !close.isEmpty else { return nil }
        return "did you mean " + close.map { "'\($0)'" }.joined(separator: " or ") + "?"
    }

    /// Levenshtein distance, giving up (returning `cap + 1`) once it must exceed `cap`.
    static func editDistance(_ a: [Character], _ b: [Character], cap: Int) -> Int {
        if abs(a.count - b.count) > cap { return cap + 1 }
        var previous = Array(0...b.count)
        for (i, ca) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            var rowMinimum = current[0]
            for (j, cb) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1))
                rowMinimum = min(rowMinimum, current[j + 1])
            }
            if rowMinimum > cap { return cap + 1 }
            previous = current
        }
        return previous[b.count]
    }
}
