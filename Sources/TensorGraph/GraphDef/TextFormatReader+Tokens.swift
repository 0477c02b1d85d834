/// The tokens of protobuf's text format: white space and `#` comments, identifiers, numbers
/// (decimal, hex, octal, floats with exponents, `inf`, `nan`), quoted strings with C escapes
/// (`\n`, `\"`, `\ooo`, `\xhh`, `\u` and `\U`), adjacent strings joined.
extension TextFormatReader {
    var position: TextPosition { TextPosition(line: line, column: offset - lineStart + 1) }

    func peek() -> UInt8? { offset < text.count ? text[offset] : nil }

    mutating func next() -> UInt8? {
        guard offset < text.count else { return nil }
        defer { offset += 1 }
        return text[offset]
    }

    /// An error at the current position (or `back` bytes before it), or at `at`.
    func error(_ message: String, back: Int = 0, at: TextPosition? = nil) -> GraphError {
        var place = at ?? position
        if at == nil { place.column -= back }
        let field = path.isEmpty ? "GraphDef" : path.joined(separator: ".")
        return GraphError(.invalidFile, message: "pbtxt \(field) at \(place): \(message)")
    }

    /// What comes next, for errors: `'}'`, `the end of the file`.
    func describeNext() -> String {
        guard let byte = peek() else { return "the end of the file" }
        return byte >= 0x20 && byte < 0x7f ? "'\(Character(Unicode.Scalar(byte)))'" : "byte \(byte)"
    }

    /// A token read, for errors: `'1.5.5'`, or what comes next when nothing was read.
    func describe(_ token: String) -> String { token.isEmpty ? describeNext() : "'\(token.prefix(40))'" }

    mutating func skipSpace() {
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: "\n"):
                offset += 1
                line += 1
                lineStart = offset
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0b, 0x0c: offset += 1
            case UInt8(ascii: "#"):
                while let c = peek(), c != UInt8(ascii: "\n") { offset += 1 }
            default: return
            }
        }
    }

    private static func isIdentifierByte(_ byte: UInt8, first: Bool) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || byte == UInt8(ascii: "_")
            || (!first && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte))
    }

    mutating func identifier() -> String? {
        guard let first = peek(), Self.isIdentifierByte(first, first: true) else { return nil }
        let start = offset
        while let byte = peek(), Self.isIdentifierByte(byte, first: false) { offset += 1 }
        return String(decoding: text[start..<offset], as: UTF8.self)
    }

    /// A number or identifier: letters, digits, `_`, `.`, and `+`/`-` right after an exponent's `e`.
    mutating func scalarToken() -> String {
        let start = offset
        while let byte = peek() {
            let isSign = byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
            if isSign {
                let previous = offset > start ? text[offset - 1] | 0x20 : 0
                let isHex = offset - start > 1 && text[start + 1] | 0x20 == UInt8(ascii: "x")
                guard previous == UInt8(ascii: "e"), !isHex else { break }
            } else if !(Self.isIdentifierByte(byte, first: false) || byte == UInt8(ascii: ".")) {
                break
            }
            offset += 1
        }
        return String(decoding: text[start..<offset], as: UTF8.self)
    }

    /// An integer for a field of `kind`, checked against its range.
    mutating func integer(_ kind: FieldSchema.Kind) throws -> Int {
        let start = position
        let negative = peek() == UInt8(ascii: "-")
        if negative { offset += 1 }
        let token = scalarToken()
        let lower = token.lowercased()
        let (digits, radix) = lower.hasPrefix("0x") ? (String(lower.dropFirst(2)), 16)
            : lower.count > 1 && lower.hasPrefix("0") ? (String(lower.dropFirst()), 8) : (lower, 10)
        guard !digits.isEmpty, let magnitude = UInt64(digits, radix: radix) else {
            throw error("expected an integer, found \(describe(token))", at: start)
        }
        let text = (negative ? "-" : "") + token.prefix(40)
        let range: ClosedRange<Int128> = switch kind {
        case .int32: Int128(Int32.min)...Int128(Int32.max)
        case .uint32: 0...Int128(UInt32.max)
        case .uint64: 0...Int128(UInt64.max)
        default: Int128(Int64.min)...Int128(Int64.max)
        }
        let value = negative ? -Int128(magnitude) : Int128(magnitude)
        guard range.contains(value) else {
            throw error("\(text) is out of range for \(kind) field '\(path.last ?? "")'", at: start)
        }
        // uint64 values past Int64.max keep their bits, as the wire format does.
        return Int(truncatingIfNeeded: value)
    }

    mutating func floatingPoint() throws -> Double {
        let start = position
        let negative = peek() == UInt8(ascii: "-")
        if negative { offset += 1 }
        let token = scalarToken()
        var value: Double?
        switch token.lowercased() {
        case "inf", "infinity": value = .infinity
        case "nan": value = .nan
        default:
            let lower = token.lowercased()
            let number = lower.hasSuffix("f") && !lower.hasPrefix("0x") ? String(token.dropLast()) : token
            let isDecimal = number.first.map { $0.isNumber || $0 == "." } == true
                && number.allSatisfy { $0.isNumber || "eE.+-".contains($0) }
            value = isDecimal ? Double(number) : nil
        }
        guard let value else {
            throw error("expected a number, found \(describe(token))", at: start)
        }
        return negative ? -value : value
    }

    mutating func boolean() throws -> Bool {
        let start = position
        switch scalarToken() {
        case "true", "True", "t", "1": return true
        case "false", "False", "f", "0": return false
        case let token:
            throw error("expected true or false, found \(describe(token))", at: start)
        }
    }

    /// A `DataType` by name (`DT_FLOAT`) or number.
    mutating func dataType() throws -> Int {
        let start = position
        if let first = peek(), first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) {
            return try integer(.int32)
        }
        let token = scalarToken()
        guard let number = DataTypeNames.number(of: token) else {
            throw error("expected a DataType such as DT_FLOAT, found \(describe(token))", at: start)
        }
        return number
    }

    /// One or more adjacent quoted strings, unescaped and joined.
    mutating func string() throws -> [UInt8] {
        var bytes: [UInt8] = []
        guard peek() == UInt8(ascii: "\"") || peek() == UInt8(ascii: "'") else {
            throw error("expected a quoted string, found \(describeNext())")
        }
        while let quote = peek(), quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
            let start = position
            offset += 1
            while true {
                guard let byte = next(), byte != UInt8(ascii: "\n") else {
                    throw error("the string is not closed on its line", at: start)
                }
                if byte == quote { break }
                if byte == UInt8(ascii: "\\") { try escape(into: &bytes) } else { bytes.append(byte) }
            }
            skipSpace()
        }
        return bytes
    }

    private mutating func escape(into bytes: inout [UInt8]) throws {
        guard let byte = next() else { throw error("a string ends in the middle of an escape") }
        switch byte {
        case UInt8(ascii: "n"): bytes.append(0x0a)
        case UInt8(ascii: "r"): bytes.append(0x0d)
        case UInt8(ascii: "t"): bytes.append(0x09)
        case UInt8(ascii: "a"): bytes.append(0x07)
        case UInt8(ascii: "b"): bytes.append(0x08)
        case UInt8(ascii: "f"): bytes.append(0x0c)
        case UInt8(ascii: "v"): bytes.append(0x0b)
        case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "?"): bytes.append(byte)
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            var value = Int(byte - UInt8(ascii: "0"))
            for _ in 0..<2 {
                guard let digit = peek(), digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "7") else { break }
                value = value * 8 + Int(digit - UInt8(ascii: "0"))
                offset += 1
            }
            guard value < 256 else {
                throw error("the octal escape \\\(String(value, radix: 8)) is larger than a byte")
            }
            bytes.append(UInt8(value))
        case UInt8(ascii: "x"):
            bytes.append(UInt8(try hexDigits(maximum: 2, escape: "x")))
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = byte == UInt8(ascii: "u") ? 4 : 8
            let value = try hexDigits(maximum: count, exactly: true, escape: String(Unicode.Scalar(byte)))
            guard let scalar = Unicode.Scalar(value) else {
                throw error("\\\(Unicode.Scalar(byte)) escape U+\(String(value, radix: 16)) is not a Unicode scalar")
            }
            bytes += Array(String(scalar).utf8)
        default:
            throw error("unknown escape '\\\(Character(Unicode.Scalar(byte)))' in a string", back: 2)
        }
    }

    private mutating func hexDigits(maximum: Int, exactly: Bool = false, escape: String) throws -> UInt32 {
        var value: UInt32 = 0, count = 0
        while count < maximum, let byte = peek(), let digit = Character(Unicode.Scalar(byte)).hexDigitValue {
            value = value * 16 + UInt32(digit)
            count += 1
            offset += 1
        }
        guard count > 0, !exactly || count == maximum else {
            throw error("the \\\(escape) escape needs \(exactly ? "\(maximum)" : "1 or 2") hex digits")
        }
        return value
    }
}
