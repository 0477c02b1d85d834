/// The arithmetic of one spatial dimension of a windowed op (convolution, pooling, transposed
/// convolution): the one place these rules live, used by shape inference at build time, by the
/// run-time checks and by the kernels.
///
/// With input size I, kernel k, stride s, dilation d and effective kernel K = (k-1)·d + 1, the
/// forward op has output size
/// - SAME: ceil(I / s), padded by max(0, (out-1)·s + K - I) split low-half-first;
/// - VALID: floor((I - K) / s) + 1;
/// - EXPLICIT: floor((I + before + after - K) / s) + 1.
struct WindowGeometry: Sendable, Equatable {
    var kernel: Int
    var stride: Int
    var dilation: Int
    var padding: Padding
    /// Padding before and after, for EXPLICIT.
    var explicitPadding: (before: Int, after: Int) = (0, 0)

    static func == (a: WindowGeometry, b: WindowGeometry) -> Bool {
        a.kernel == b.kernel && a.stride == b.stride && a.dilation == b.dilation && a.padding == b.padding
            && a.explicitPadding == b.explicitPadding
    }

    /// The kernel's extent once dilated.
    var effectiveKernel: Int { (kernel - 1) * dilation + 1 }

    /// The forward output size for input size `input`, or `nil` when the window does not fit.
    func outputSize(input: Int) -> Int? {
        switch padding {
        case .same:
            return (input + stride - 1) / stride
        case .valid:
            guard input >= effectiveKernel else { return nil }
            return (input - effectiveKernel) / stride + 1
        case .explicit:
            let padded = input + explicitPadding.before + explicitPadding.after
            guard padded >= effectiveKernel else { return nil }
            return (padded - effectiveKernel) / stride + 1
        }
    }

    /// The padding added before the first input position for an input of size `input`.
    func paddingBefore(input: Int) -> Int {
        switch padding {
        case .valid: return 0
        case .explicit: return explicitPadding.before
        case .same:
            let output = (input + stride - 1) / stride
            return max(0, (output - 1) * stride + effectiveKernel - input) / 2
        }
    }

    /// The transposed-convolution output sizes that give back `input` under the forward op:
    /// - SAME: [(I-1)·s + 1, I·s]
    /// - VALID: [(I-1)·s + K, (I-1)·s + K + s - 1]
    /// - EXPLICIT: [(I-1)·s + K - before - after, ... + s - 1]
    /// Negative sizes are left out; the range may then be empty. 0 stays in when it qualifies (only
    /// EXPLICIT padding of at least the kernel can make the forward convolution of nothing give 1 or
    /// more), and TensorFlow then returns an empty tensor.
    func transposedOutputRange(input: Int) -> ClosedRange<Int>? {
        let low: Int
        switch padding {
        case .same: low = (input - 1) * stride + 1
        case .valid: low = (input - 1) * stride + effectiveKernel
        case .explicit: low = (input - 1) * stride + effectiveKernel - explicitPadding.before - explicitPadding.after
        }
        let high = low + stride - 1
        guard input >= 1, high >= 0 else { return nil }
        return max(low, 0)...high
    }

    /// The output size a transposed convolution picks when none is given, as Keras'
    /// `deconv_output_length` does (SAME: I·s; VALID: I·s + max(K - s, 0), which is
    /// (I-1)·s + K when the kernel is at least the stride; EXPLICIT: the smallest valid size), or
    /// with an output padding p the smallest valid size + p, as PyTorch defines it.
    func defaultTransposedOutput(input: Int, outputPadding: Int?) -> Int? {
        guard let range = transposedOutputRange(input: input) else { return nil }
        if let outputPadding { return range.lowerBound + outputPadding }
        switch padding {
        case .same: return input * stride
        case .valid: return input * stride + Swift.max(effectiveKernel - stride, 0)
        case .explicit: return range.lowerBound
        }
    }

    /// "stride 2, padding SAME" plus kernel and dilation, for messages.
    var summary: String {
        var parts = ["kernel \(kernel)", "stride \(stride)"]
        if dilation != 1 { parts.append("dilation \(dilation)") }
        switch padding {
        case .explicit: parts.append("padding EXPLICIT (\(explicitPadding.before), \(explicitPadding.after))")
        default: parts.append("padding \(padding.rawValue)")
        }
        return parts.joined(separator: ", ")
    }
}

/// "5 and 6", "7, 8 and 9", "5 through 12": a range of sizes in words.
func describeSizes(_ range: ClosedRange<Int>) -> String {
    switch range.count {
    case 1: return "\(range.lowerBound)"
    case 2: return "\(range.lowerBound) and \(range.upperBound)"
    case 3: return "\(range.lowerBound), \(range.lowerBound + 1) and \(range.upperBound)"
    default: return "\(range.lowerBound) through \(range.upperBound)"
    }
}
