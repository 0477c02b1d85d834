/// Every name of TensorFlow's `DataType` enum (types.proto), including the dtypes TensorGraph does
/// not support, so that text formats can read and write them and errors can name them.
enum DataTypeNames {
    /// The names of the base dtypes by number; `_REF` variants are the number plus 100.
    private static let base: [Int: String] = [
        0: "DT_INVALID", 1: "DT_FLOAT", 2: "DT_DOUBLE", 3: "DT_INT32", 4: "DT_UINT8", 5: "DT_INT16", 6: "DT_INT8",
        7: "DT_STRING", 8: "DT_COMPLEX64", 9: "DT_INT64", 10: "DT_BOOL", 11: "DT_QINT8", 12: "DT_QUINT8",
        13: "DT_QINT32", 14: "DT_BFLOAT16", 15: "DT_QINT16", 16: "DT_QUINT16", 17: "DT_UINT16", 18: "DT_COMPLEX128",
        19: "DT_HALF", 20: "DT_RESOURCE", 21: "DT_VARIANT", 22: "DT_UINT32", 23: "DT_UINT64", 24: "DT_FLOAT8_E5M2",
        25: "DT_FLOAT8_E4M3FN", 26: "DT_FLOAT8_E4M3FNUZ", 27: "DT_FLOAT8_E4M3B11FNUZ", 28: "DT_FLOAT8_E5M2FNUZ",
        29: "DT_INT4", 30: "DT_UINT4", 31: "DT_INT2", 32: "DT_UINT2", 33: "DT_FLOAT4_E2M1FN",
    ]

    /// The enum name of `number` (`DT_STRING`, `DT_FLOAT_REF`), or nil if TensorFlow has none.
    static func name(of number: Int) -> String? {
        if let name = base[number] { return name }
        guard number > 100, let name = base[number - 100] else { return nil }
        return name + "_REF"
    }

    /// The number of the enum name `name`, or nil.
    static func number(of name: String) -> Int? { numbers[name] }

    private static let numbers: [String: Int] = {
        var table: [String: Int] = [:]
        for (number, name) in base {
            table[name] = number
            if number > 0 { table[name + "_REF"] = number + 100 }
        }
        return table
    }()

    /// `DT_STRING (7)`, or `dtype number 77` when TensorFlow has no such dtype.
    static func describe(_ number: Int) -> String {
        name(of: number).map { "\($0) (\(number))" } ?? "dtype number \(number)"
    }
}
