/// What a `variant` tensor's element holds: a value TensorFlow passes between ops without computing
/// on it. TensorGraph's variants are TF2's tensor lists (`TensorListReserve` and the ops after it);
/// they are values, so setting an item of a list makes a new list and leaves the old one as it was.
public struct VariantValue: Sendable, Equatable, CustomStringConvertible {
    /// The value held.
    enum Payload: Sendable, Equatable {
        case tensorList(TensorList)
    }

    let payload: Payload

    init(_ list: TensorList) { payload = .tensorList(list) }

    /// TensorFlow's name of the variant's type, for messages (`TensorList`).
    public var typeName: String {
        switch payload {
        case .tensorList: "TensorList"
        }
    }

    /// `TensorList(float32, 3 elements of [2])`.
    public var description: String {
        switch payload {
        case .tensorList(let list): "TensorList(\(list.elementDtype), \(list.elements.count) elements of "
            + "\(list.elementShape))"
        }
    }
}

/// A TF2 tensor list: a sequence of tensors of one dtype, each of a shape compatible with
/// `elementShape`, some of which may not be set yet (TensorListReserve makes a list of unset items).
struct TensorList: Sendable, Equatable {
    /// The dtype of every item.
    var elementDtype: DType
    /// What is known of every item's shape.
    var elementShape: Shape
    /// The items in order; `nil` for an item not set yet.
    var elements: [Tensor?]
    /// The most items the list may hold, or -1 for no limit (TensorListReserve's `num_elements`
    /// fixes the count instead).
    var maximumCount = -1
}
