/// The channel groups of a grouped convolution: a tensor's last axis cut into equal, consecutive
/// parts, and parts joined back along it.
enum ChannelGroups {
    /// The `groups` tensors holding consecutive equal parts of `tensor`'s last axis.
    static func split(_ tensor: Tensor, groups: Int) -> [Tensor] {
        guard groups > 1 else { return [tensor] }
        let channels = tensor.shape.last ?? 1, part = channels / groups
        let rows = channels == 0 ? 0 : tensor.elementCount / channels
        // [rows, groups, part] → [groups, rows, part]: each group's elements then lie together.
        let byGroup = Layout.transpose(tensor.reshaped(to: [rows, groups, part]), [1, 0, 2])
        let shape = Array(tensor.shape.dropLast()) + [part]
        return (0..<groups).map { group in
            let start = group * rows * part
            return Tensor(shape: shape, storage: byGroup.storage.selecting(Array(start..<(start + rows * part))))
        }
    }

    /// `parts`, all of one shape, joined along their last axis.
    static func join(_ parts: [Tensor]) -> Tensor {
        guard parts.count > 1, let first = parts.first else { return parts[0] }
        let part = first.shape.last ?? 1, rows = part == 0 ? 0 : first.elementCount / part
        let stacked = Tensor(shape: [parts.count, rows, part],
                             storage: .concatenating(parts.map(\.storage), dtype: first.dtype))
        return Layout.transpose(stacked, [1, 0, 2]).reshaped(to: Array(first.shape.dropLast()) + [parts.count * part])
    }
}
