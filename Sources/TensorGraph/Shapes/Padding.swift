/// How a convolution or pooling window treats the border (TensorFlow's `padding` attribute).
public enum Padding: String, Sendable, CaseIterable {
    /// Pad so that the output has `ceil(input / stride)` positions.
    case same = "SAME"
    /// No padding: windows stay inside the input.
    case valid = "VALID"
    /// Pad by the amounts in `explicit_paddings`.
    case explicit = "EXPLICIT"
}

/// The data layout of a 4-D image tensor (TensorFlow's `data_format` attribute).
public enum DataFormat: String, Sendable, CaseIterable {
    /// Batch, height, width, channels (TensorFlow's default).
    case nhwc = "NHWC"
    /// Batch, channels, height, width.
    case nchw = "NCHW"

    /// The axes of batch, height, width and channels in this layout.
    var axes: (batch: Int, height: Int, width: Int, channels: Int) {
        switch self {
        case .nhwc: (0, 1, 2, 3)
        case .nchw: (0, 2, 3, 1)
        }
    }

    /// Builds a 4-vector (shape, strides, dilations) in this layout from its parts.
    func arrange<T>(batch: T, height: T, width: T, channels: T) -> [T] {
        switch self {
        case .nhwc: [batch, height, width, channels]
        case .nchw: [batch, channels, height, width]
        }
    }
}
