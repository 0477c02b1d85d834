import Foundation
import Testing
@testable import TensorGraph

@Suite(".npy files")
struct NPYTests {
    @Test("every supported dtype round-trips")
    func roundTrip() throws {
        let tensors = [Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6] as [Float]), Tensor(shape: [], scalars: [2.5]),
                       Tensor([Int32(-1), 7]), Tensor(shape: [1, 1, 2], scalars: [Int64.max, Int64.min]),
                       Tensor([true, false, true]), Tensor(shape: [0, 4], scalars: [Float]())]
        for tensor in tensors { #expect(try NPY.decode(NPY.encode(tensor)) == tensor) }
    }

    @Test("reads numpy's own files (the committed fixtures)")
    func readsNumpy() throws {
        let weights = try Fixtures.npy("seed004/layer1_weights.npy")
        #expect(weights.shape == [5, 5, 1, 16] && weights.dtype == .float32)
    }

    @Test("rejects what it cannot read with a clear error")
    func rejects() throws {
        var data = NPY.encode(Tensor([Float(1), 2]))
        data.removeLast()
        #expect(errorText { try NPY.decode(data, source: "x.npy") }
                == "x.npy: shape [2] of float32 needs 8 bytes of data, but the file holds 7")
        func header(_ dict: String) -> Data {
            var text = dict
            text += String(repeating: " ", count: (64 - (10 + text.utf8.count + 1) % 64) % 64) + "\n"
            return Data([
                0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(text.utf8.count & 0xFF), UInt8(text.utf8.count >> 8)
            ]) + Data(text.utf8)
        }
        #expect(
            errorText {
                try NPY.decode(
                    header("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }") + Data(count: 4),
                    source: "b.npy")
            }?
            .hasPrefix("b.npy: big-endian data ('>f4') is not supported") == true)
        #expect(
            errorText {
                try NPY.decode(
                    header("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }") + Data(count: 4), source: "f.npy"
                )
            }
                == "f.npy: Fortran-order arrays are not supported; save with np.ascontiguousarray")
        #expect(
            errorText {
                try NPY.decode(
                    header("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }") + Data(count: 8), source: "o.npy"
                )
            }
                == "o.npy: object arrays are not supported")
        #expect(
            errorText { try NPY.decode(Data("hello".utf8), source: "t.npy") }
                == "t.npy: not a .npy file (no \\x93NUMPY magic)")
    }
}
