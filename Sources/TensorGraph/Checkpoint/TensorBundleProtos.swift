/// The two messages of a tensor bundle's index (`tensorflow/core/protobuf/tensor_bundle.proto`):
/// `BundleHeaderProto` under the empty key and one `BundleEntryProto` per tensor, decoded with
/// ``ProtobufReader`` and encoded as TensorFlow's `SerializeAsString` does (proto3: zero fields
/// left out, the shape always present).
enum TensorBundleProtos {
    /// The bundle format version TensorFlow writes and reads (`kTensorBundleVersion`).
    static let version = 1

    struct Header: Equatable {
        var shardCount = 1
        /// `endianness`: 0 is LITTLE, 1 BIG.
        var bigEndian = false
        var producer = version, minimumConsumer = 0, badConsumers: [Int] = []
    }

    struct Entry: Equatable {
        /// TensorFlow's `DataType` number, kept even when TensorGraph has no such dtype.
        var dtype = 0
        var shape: [Int] = []
        var shard = 0, offset = 0, size = 0
        /// The masked CRC-32C of the data, as stored.
        var crc: UInt32 = 0
        /// Whether the entry lists slices (a partitioned variable saved in parts).
        var isSliced = false
    }

    static func decodeHeader(_ reader: inout ProtobufReader) throws -> Header {
        var header = Header()
        while let (number, type) = try reader.nextField() {
            switch number {
            case 1: header.shardCount = Int(Int32(truncatingIfNeeded: try reader.varint("num_shards", type)))
            case 2: header.bigEndian = try reader.varint("endianness", type) == 1
            case 3:
                var version = try reader.message("version", type)
                while let (field, type) = try version.nextField() {
                    switch field {
                    case 1: header.producer = Int(Int32(truncatingIfNeeded: try version.varint("producer", type)))
                    case 2: header.minimumConsumer =
                        Int(Int32(truncatingIfNeeded: try version.varint("min_consumer", type)))
                    case 3: header.badConsumers += try version.repeated(type, element: .varint) {
                        Int(Int32(truncatingIfNeeded: try $0.varint()))
                    }
                    default: try version.skip(type)
                    }
                }
            default: try reader.skip(type)
            }
        }
        return header
    }

    static func decodeEntry(_ reader: inout ProtobufReader) throws -> Entry {
        var entry = Entry()
        while let (number, type) = try reader.nextField() {
            switch number {
            case 1: entry.dtype = Int(Int32(truncatingIfNeeded: try reader.varint("dtype", type)))
            case 2:
                var message = try reader.message("shape", type)
                let shape = try GraphDefProtobuf.shape(&message)
                guard let dims = shape.concrete else { throw message.error("has a shape \(shape) that is not known") }
                entry.shape = dims
            case 3: entry.shard = Int(Int32(truncatingIfNeeded: try reader.varint("shard_id", type)))
            case 4: entry.offset = Int(Int64(bitPattern: try reader.varint("offset", type)))
            case 5: entry.size = Int(Int64(bitPattern: try reader.varint("size", type)))
            case 6:
                try reader.expect(type, .fixed32, field: "crc32c")
                entry.crc = try reader.fixed32()
            case 7:
                entry.isSliced = true
                try reader.skip(type)
            default: try reader.skip(type)
            }
        }
        return entry
    }

    static func encode(_ header: Header) -> [UInt8] {
        var writer = ProtobufWriter()
        writer.field(1, integer: header.shardCount)
        if header.bigEndian { writer.field(2, integer: 1) }
        writer.field(3) { version in
            version.field(1, integer: header.producer)
            if header.minimumConsumer != 0 { version.field(2, integer: header.minimumConsumer) }
        }
        return writer.bytes
    }

    static func encode(_ entry: Entry) -> [UInt8] {
        var writer = ProtobufWriter()
        if entry.dtype != 0 { writer.field(1, integer: entry.dtype) }
        writer.field(2) { shape in
            for size in entry.shape { shape.field(2) { dim in if size != 0 { dim.field(1, integer: size) } } }
        }
        if entry.shard != 0 { writer.field(3, integer: entry.shard) }
        if entry.offset != 0 { writer.field(4, integer: entry.offset) }
        if entry.size != 0 { writer.field(5, integer: entry.size) }
        if entry.crc != 0 { writer.field(6, fixed32: entry.crc) }
        return writer.bytes
    }

    /// TensorFlow's name for a `DataType` number (`DT_FLOAT`), as `inspect_checkpoint` prints it.
    static func dtypeName(_ number: Int) -> String { DataTypeNames.name(of: number) ?? "DataType \(number)" }
}
