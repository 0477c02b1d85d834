import Foundation

/// A GraphDef in protobuf's text format (`.pbtxt`, what `tf.io.write_graph(..., as_text=True)`
/// writes): read by transcoding it to the wire format and decoding that as a binary GraphDef, so
/// both share one decoder; errors name the field path, line and column
/// (`pbtxt node.attr.value at line 12, column 7: ...`).
enum GraphDefText {
    static func decode(_ bytes: UnsafeRawBufferPointer, tensorByteLimit: Int) throws -> GraphDefModel {
        var reader = TextFormatReader(bytes)
        let (wire, sourceMap) = try reader.transcode(GraphDefSchema.graphDef)
        return try wire.withUnsafeBytes {
            try GraphDefProtobuf.decode($0, tensorByteLimit: tensorByteLimit, sourceMap: sourceMap)
        }
    }

    /// `graph` in the text format, nodes in the graph's order, attributes sorted by name, tensors
    /// as `tensor_content`.
    static func encode(_ graph: Graph) -> String {
        // The printer reads only what the encoder wrote, so it cannot fail.
        (try? TextFormatPrinter.print(GraphDefProtobuf.encode(graph), as: GraphDefSchema.graphDef)) ?? ""
    }
}
