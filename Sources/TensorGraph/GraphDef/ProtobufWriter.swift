/// Writes protobuf's wire format: fields appended in the order given, nested messages
/// length-prefixed, repeated scalars packed as proto3 packs them.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    private mutating func varint(_ value: UInt64) { ByteCoding.appendVarint(value, to: &bytes) }

    private mutating func key(_ field: Int, _ type: ProtobufReader.WireType) {
        varint(UInt64(field) << 3 | type.rawValue)
    }

    /// A varint field; negative integers take ten bytes, as int32 and int64 fields do.
    mutating func field(_ number: Int, integer value: Int) {
        key(number, .varint)
        varint(UInt64(bitPattern: Int64(value)))
    }

    mutating func field(_ number: Int, fixed32 value: UInt32) {
        key(number, .fixed32)
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func field(_ number: Int, fixed64 value: UInt64) {
        key(number, .fixed64)
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func field(_ number: Int, bytes value: some Collection<UInt8>) {
        key(number, .lengthDelimited)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func field(_ number: Int, string value: String) { field(number, bytes: Array(value.utf8)) }

    /// A nested message, written by `build` and then length-prefixed.
    mutating func field(_ number: Int, message build: (inout ProtobufWriter) -> Void) {
        var nested = ProtobufWriter()
        build(&nested)
        field(number, bytes: nested.bytes)
    }

    /// A packed repeated varint field (int64, bool, enum), left out when empty.
    mutating func field(_ number: Int, packedIntegers values: [Int]) {
        guard !values.isEmpty else { return }
        var packed = ProtobufWriter()
        for value in values { packed.varint(UInt64(bitPattern: Int64(value))) }
        field(number, bytes: packed.bytes)
    }

    /// A packed repeated float field, left out when empty.
    mutating func field(_ number: Int, packedFloats values: [Float]) {
        guard !values.isEmpty else { return }
        var packed: [UInt8] = []
        packed.reserveCapacity(values.count * 4)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { packed.append(contentsOf: $0) } }
        field(number, bytes: packed)
    }
}
