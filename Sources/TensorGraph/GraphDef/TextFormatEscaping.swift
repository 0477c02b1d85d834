/// Protobuf text format's escaping of bytes in a quoted string, as TensorFlow's
/// `tf.io.write_graph(..., as_text=True)` writes it (C escapes: `\n`, `\"`, `\\`, and three octal
/// digits for every other byte outside printable ASCII).
enum TextFormatEscaping {
    static func escaped(_ bytes: some Sequence<UInt8>) -> String {
        var text = ""
        for byte in bytes {
            switch byte {
            case 0x0a: text += "\\n"
            case 0x0d: text += "\\r"
            case 0x09: text += "\\t"
            case 0x22: text += "\\\""
            case 0x27: text += "\\'"
            case 0x5c: text += "\\\\"
            case 0x20..<0x7f: text.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let octal = String(byte, radix: 8)
                text += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
            }
        }
        return text
    }
}
