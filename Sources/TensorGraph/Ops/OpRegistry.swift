/// Every op TensorGraph knows, by TensorFlow name. Each family file declares its definitions;
/// this list only gathers the families.
enum OpRegistry {
    static let definitions: [String: OpDefinition] = {
        let families: [[OpDefinition]] = [
            GraphOps.definitions,
            ControlFlowOps.definitions,
            ArrayOps.definitions,
            SlicingOps.definitions,
            IndexingOps.definitions,
            MathOps.definitions,
            ReductionOps.definitions,
            MatMulOps.definitions,
            BatchMatMulOps.definitions,
            EinsumOps.definitions,
            NeuralNetworkOps.definitions,
            ConvolutionOps.definitions,
            FusedOps.definitions,
            DepthwiseConvolutionOps.definitions,
            BlockRearrangeOps.definitions,
            SpaceBatchOps.definitions,
            SplitOps.definitions,
            PowerAndClipOps.definitions,
            LogicalOps.definitions,
            SequenceOps.definitions,
            SortingOps.definitions,
            NdIndexingOps.definitions,
            ImageOps.definitions,
            MirrorPadOps.definitions,
            LocalResponseNormalizationOps.definitions,
            PoolingOps.definitions,
            StateOps.definitions,
            RandomOps.definitions,
            TrainingOps.definitions,
            LoggingOps.definitions,
            TensorArrayOps.definitions,
            TensorListOps.definitions,
            StackOps.definitions,
        ]
        var table: [String: OpDefinition] = [:]
        for definition in families.joined() {
            precondition(table[definition.name] == nil, "op \(definition.name) is defined twice")
            table[definition.name] = definition
        }
        return table
    }()

    /// The definition of TensorFlow op `name`, if TensorGraph supports it.
    static func definition(named name: String) -> OpDefinition? { definitions[name] }

    /// The supported op names, sorted.
    static var names: [String] { definitions.keys.sorted() }
}

extension Graph {
    /// The TensorFlow op names TensorGraph supports, sorted.
    public static var supportedOps: [String] { OpRegistry.names }
}
