/// The window attributes shared by convolutions and pooling — `strides`, `padding`,
/// `explicit_paddings`, `dilations`, `data_format` — read and checked once.
struct ConvolutionAttributes {
    let format: DataFormat
    let strides: (height: Int, width: Int)
    let dilations: (height: Int, width: Int)
    let padding: Padding
    let explicitPadding: (top: Int, bottom: Int, left: Int, right: Int)

    /// Strides and dilations above this are refused, which keeps window arithmetic on any
    /// dimension that fits in memory far from overflow.
    static let largestStep = 1 << 16

    /// Reads the attributes, naming what is wrong with a message from `fail`.
    init(_ attributes: Attributes, fail: (String) -> GraphError) throws {
        guard let format = DataFormat(rawValue: try attributes.string("data_format")) else {
            throw fail("data_format must be \"NHWC\" or \"NCHW\"")
        }
        guard let padding = Padding(rawValue: try attributes.string("padding")) else {
            throw fail("padding must be \"SAME\", \"VALID\" or \"EXPLICIT\"")
        }
        let axes = format.axes
        let strides = try attributes.ints("strides")
        guard strides.count == 4 else {
            throw fail("strides must have 4 entries (one per dimension of \(format.rawValue)), but is \(strides)")
        }
        guard strides[axes.batch] == 1, strides[axes.channels] == 1 else {
            throw fail("strides \(strides) must be 1 along batch and channels")
        }
        guard (1...ConvolutionAttributes.largestStep).contains(strides[axes.height]),
              (1...ConvolutionAttributes.largestStep).contains(strides[axes.width]) else {
            throw fail("strides \(strides) must be between 1 and \(ConvolutionAttributes.largestStep)")
        }
        let dilations = attributes["dilations"] == nil ? [1, 1, 1, 1] : try attributes.ints("dilations")
        guard dilations.count == 4, dilations[axes.batch] == 1, dilations[axes.channels] == 1,
              (1...ConvolutionAttributes.largestStep).contains(dilations[axes.height]),
              (1...ConvolutionAttributes.largestStep).contains(dilations[axes.width]) else {
            throw fail("dilations must have 4 positive entries, 1 along batch and channels, but is \(dilations)")
        }
        var explicit = (top: 0, bottom: 0, left: 0, right: 0)
        let pads = attributes["explicit_paddings"] == nil ? [] : try attributes.ints("explicit_paddings")
        if padding == .explicit {
            guard pads.count == 8, pads.allSatisfy({ $0 >= 0 && $0 <= 1 << 40 }) else {
                throw fail(
                    "EXPLICIT padding needs explicit_paddings with 8 non-negative entries (before and after for each "
                        + "dimension), but it is \(pads)")
            }
            guard pads[2 * axes.batch] == 0, pads[2 * axes.batch + 1] == 0,
                  pads[2 * axes.channels] == 0, pads[2 * axes.channels + 1] == 0 else {
                throw fail("explicit_paddings \(pads) must be 0 along batch and channels")
            }
            explicit = (
                pads[2 * axes.height], pads[2 * axes.height + 1], pads[2 * axes.width], pads[2 * axes.width + 1]
            )
        } else if !pads.isEmpty {
            throw fail("explicit_paddings must be empty unless padding is EXPLICIT")
        }
        self.format = format
        self.strides = (strides[axes.height], strides[axes.width])
        self.dilations = (dilations[axes.height], dilations[axes.width])
        self.padding = padding
        self.explicitPadding = explicit
    }

    /// The geometry of the height dimension for a kernel `kernel` rows tall.
    func rows(kernel: Int) -> WindowGeometry {
        WindowGeometry(kernel: kernel, stride: strides.height, dilation: dilations.height, padding: padding,
                       explicitPadding: (explicitPadding.top, explicitPadding.bottom))
    }

    /// The geometry of the width dimension for a kernel `kernel` columns wide.
    func columns(kernel: Int) -> WindowGeometry {
        WindowGeometry(kernel: kernel, stride: strides.width, dilation: dilations.width, padding: padding,
                       explicitPadding: (explicitPadding.left, explicitPadding.right))
    }

    /// Batch, height, width and channels of a 4-D shape in this layout.
    func split(_ shape: [Int?]) -> (batch: Int?, height: Int?, width: Int?, channels: Int?) {
        let a = format.axes
        return (shape[a.batch], shape[a.height], shape[a.width], shape[a.channels])
    }

    /// Converts an NHWC-computed result back to this layout, and inputs to NHWC.
    func toNHWC(_ tensor: Tensor) -> Tensor { format == .nhwc ? tensor : Layout.transpose(tensor, [0, 2, 3, 1]) }
    func fromNHWC(_ tensor: Tensor) -> Tensor { format == .nhwc ? tensor : Layout.transpose(tensor, [0, 3, 1, 2]) }
}
