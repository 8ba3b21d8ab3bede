import Foundation
import Testing

import RewarmEngine

/// A file written field by field after "GGUF" and version 3: for headers no valid writer makes.
private func handMade(_ fields: (inout GGUFBytes) -> Void) -> Data {
    var out = GGUFBytes()
    out.bytes += Array("GGUF".utf8)
    out.append(UInt32(3))
    fields(&out)
    return Data(out.bytes)
}

/// The description of the error reading `bytes` as x.gguf throws, or "no error".
private func failure(_ bytes: Data) -> String {
    ggufError { () throws(GGUFError) in _ = try GGUFFile(bytes: bytes, path: "x.gguf") }?.description ?? "no error"
}

private let eightBytes = float32Bytes([1, 2])

/// `depth` arrays nested in one another around one UINT8.
private func nested(_ depth: Int) -> GGUFValue {
    (1..<depth).reduce(GGUFValue.array(elementType: .uint8, [.uint8(1)])) { inner, _ in
        .array(elementType: .array, [inner])
    }
}

@Suite struct GGUFErrorTests {
    @Test("a file that is not GGUF, or of another version, is refused by its first bytes")
    func magicAndVersion() {
        #expect(failure(ggufFile(magic: "GGML")) == #"x.gguf: not a GGUF file: starts with "GGML", not "GGUF""#)
        #expect(failure(Data([0x00, 0x01, 0xFF, 0x47, 0, 0, 0, 0])) == #"x.gguf: not a GGUF file: starts with 00 01 ff 47, not "GGUF""#)
        #expect(failure(Data("PK".utf8)) == #"x.gguf: not a GGUF file: starts with "PK", not "GGUF""#)
        #expect(failure(Data()) == "x.gguf: truncated GGUF file: the file ends at byte 0, inside the magic (4 bytes at byte 0)")
        #expect(failure(ggufFile(version: 1)) == "x.gguf: GGUF version 1 is not supported (Rewarm reads versions 2 and 3)")
        #expect(failure(ggufFile(version: 4)) == "x.gguf: GGUF version 4 is not supported (Rewarm reads versions 2 and 3)")
        // A big-endian version 3 file, read little-endian.
        #expect(failure(ggufFile(version: 0x0300_0000)).hasPrefix("x.gguf: GGUF version 50331648 is not supported"))
    }

    @Test("a file cut short inside its header says where it ends and what it was reading")
    func truncated() {
        let whole = ggufFile(
            metadata: [("general.name", .string("SmolLM2"))],
            tensors: [TestTensor("w", dims: [2], type: .f32, data: eightBytes)])
        // Layout: 24 header bytes; key length at 24, key at 32..<44, type at 44, string length at
        // 48, "SmolLM2" at 56..<63; tensor name length at 63, "w" at 71, n_dims at 72, ne[0] at 76.
        #expect(failure(whole.prefix(20))
            == "x.gguf: truncated GGUF file: the file ends at byte 20, inside the key/value count (8 bytes at byte 16)")
        #expect(failure(whole.prefix(52)) == "x.gguf: truncated GGUF file: the file ends at byte 52, "
            + "inside the length of the string 'general.name' (8 bytes at byte 48)")
        #expect(failure(whole.prefix(80)) == "x.gguf: truncated GGUF file: the file ends at byte 80, "
            + "inside dimension 0 of tensor 'w' (8 bytes at byte 76)")
        #expect(failure(whole.prefix(60)) == "x.gguf: GGUF header claims more than the file holds: "
            + "the string 'general.name' at byte 48 claims 7 bytes, but only 4 are left")
    }

    @Test("counts and lengths larger than the file fail at once, before anything is allocated")
    func headerLies() {
        let huge = UInt64(1) << 60
        let cases: [(String, Data, String)] = [
            ("2^60 tensor infos", handMade { $0.append(huge); $0.append(UInt64(0)) },
             "1152921504606846976 tensor infos at byte 8 need at least 2^64 or more bytes, but only 0 are left"),
            ("2^40 key/values", handMade { $0.append(UInt64(0)); $0.append(UInt64(1) << 40) },
             "1099511627776 metadata key/values at byte 16 need at least 14293651161088 bytes, but only 0 are left"),
            ("a key of 2^60 bytes", handMade { $0.append(UInt64(0)); $0.append(UInt64(1)); $0.append(huge); $0.bytes += [0, 0, 0, 0, 0] },
             "the key of key/value 0 at byte 24 claims 1152921504606846976 bytes, but only 5 are left"),
            ("2^60 strings", handMade {
                $0.append(UInt64(0)); $0.append(UInt64(1)); $0.string("tokens")
                $0.append(GGUFValueType.array.rawValue); $0.append(GGUFValueType.string.rawValue); $0.append(huge)
             }, "1152921504606846976 STRING elements of 'tokens' at byte 46 need at least 9223372036854775808 bytes, but only 0 are left"),
            ("2^62 UINT64s", handMade {
                $0.append(UInt64(0)); $0.append(UInt64(1)); $0.string("ids")
                $0.append(GGUFValueType.array.rawValue); $0.append(GGUFValueType.uint64.rawValue); $0.append(UInt64(1) << 62)
                $0.bytes += [UInt8](repeating: 0, count: 64)
             }, "4611686018427387904 UINT64 elements of 'ids' at byte 43 need at least 2^64 or more bytes, but only 64 are left"),
            ("a tensor name of 2^60 bytes", handMade { $0.append(UInt64(1)); $0.append(UInt64(0)); $0.append(huge); $0.bytes += [UInt8](repeating: 0, count: 20) },
             "the name of tensor info 0 of 1 at byte 24 claims 1152921504606846976 bytes, but only 20 are left"),
        ]
        for (situation, bytes, detail) in cases {
            #expect(failure(bytes) == "x.gguf: GGUF header claims more than the file holds: \(detail)", "\(situation)")
        }
    }

    @Test("tensor data that would end past the end of the file names the tensor")
    func dataPastEnd() {
        let whole = ggufFile(tensors: [TestTensor("w", dims: [2], type: .f32, data: eightBytes)])
        #expect(whole.count == 72)  // 24 + (8 + 1 + 4 + 8 + 4 + 8) = 57 header bytes, padded to 64, then 8 of data
        let short = whole.prefix(whole.count - 4)
        #expect(failure(short) == "x.gguf: tensor 'w': data past the end of the file: "
            + "8 bytes at data offset 0 end at file byte \(whole.count), but the file has \(whole.count - 4) bytes")
        let far = ggufFile(tensors: [TestTensor("w", dims: [2], type: .f32, data: [], offset: 1 << 40)])
        #expect(failure(far).hasPrefix("x.gguf: tensor 'w': data past the end of the file: 8 bytes at data offset 1099511627776"))
        let beyond = ggufFile(tensors: [TestTensor("w", dims: [2], type: .f32, data: [], offset: .max)])
        #expect(failure(beyond) == "x.gguf: tensor 'w': data past the end of the file: offset 18446744073709551615 is past the end of any file")
        let wraps = ggufFile(tensors: [TestTensor("w", dims: [64], type: .f32, data: [], offset: UInt64(Int.max) / 32 * 32)])
        #expect(failure(wraps).contains("end at file byte beyond 2^63"))
    }

    @Test("tensor types ggml does not define are refused, naming the tensor and the number")
    func unknownType() {
        for raw: UInt32 in [4, 5, 31, 1000] {
            let bytes = ggufFile(tensors: [TestTensor("blk.0.attn_q.weight", dims: [2], rawType: raw, data: eightBytes)])
            #expect(failure(bytes) == "x.gguf: tensor 'blk.0.attn_q.weight': unknown ggml type \(raw)")
        }
    }

    @Test("a tensor name or a metadata key that appears twice is refused")
    func duplicates() {
        let tensors = ggufFile(tensors: [
            TestTensor("w", dims: [2], type: .f32, data: eightBytes), TestTensor("w", dims: [2], type: .f32, data: eightBytes),
        ])
        #expect(failure(tensors) == "x.gguf: tensor 'w': name appears twice")
        let keys = ggufFile(metadata: [("general.name", .string("a")), ("general.name", .string("b"))])
        #expect(failure(keys) == "x.gguf: metadata 'general.name': key appears twice")
    }

    @Test("shapes whose size overflows, with too many dimensions, or rows not made of whole blocks are refused")
    func shapes() {
        let cases: [([UInt64], GGMLType, String)] = [
            ([1 << 32, 1 << 32], .f32, "the element count of ne = [4294967296, 4294967296] overflows 64 bits"),
            ([1 << 62], .f32, "the byte count of ne = [4611686018427387904] in F32 overflows 64 bits"),
            ([1 << 63], .f32, "ne[0] = 9223372036854775808 is larger than 2^63 - 1"),
            ([33], .q4_0, "ne[0] = 33 is not a multiple of Q4_0's block size 32"),
            ([16, 2], .q8_0, "ne[0] = 16 is not a multiple of Q8_0's block size 32"),
            ([], .q4_1, "ne[0] = 1 is not a multiple of Q4_1's block size 32"),
            ([2, 1, 1, 1, 1], .f32, "5 dimensions, more than 4"),
        ]
        for (dims, type, detail) in cases {
            let bytes = ggufFile(tensors: [TestTensor("w", dims: dims, type: type, data: eightBytes)])
            #expect(failure(bytes) == "x.gguf: tensor 'w': invalid shape: \(detail)")
        }
    }

    @Test("tensor data at an offset that is not aligned, or overlapping another tensor's, is refused")
    func offsets() {
        let misaligned = ggufFile(tensors: [
            TestTensor("a", dims: [1], type: .f32, data: float32Bytes([1])),
            TestTensor("b", dims: [1], type: .f32, data: float32Bytes([2]), offset: 4),
        ])
        #expect(failure(misaligned) == "x.gguf: tensor 'b': invalid data offset: 4 is not a multiple of the alignment 32")
        let overlapping = ggufFile(tensors: [
            TestTensor("a", dims: [16], type: .f32, data: [UInt8](repeating: 0, count: 64)),
            TestTensor("b", dims: [2], type: .f32, data: eightBytes, offset: 32),
        ])
        #expect(failure(overlapping) == "x.gguf: tensor 'b': invalid data offset: data at 32 overlaps tensor 'a', which ends at 64")
        let empty = ggufFile(tensors: [
            TestTensor("a", dims: [2], type: .f32, data: eightBytes), TestTensor("none", dims: [0], type: .f32, data: [], offset: 0),
        ])
        #expect(failure(empty) == "no error")
    }

    @Test("bad metadata: an unknown value type, arrays nested too deep, a bad alignment, a key that is not UTF-8")
    func badMetadata() {
        let unknownType = handMade {
            $0.append(UInt64(0)); $0.append(UInt64(1)); $0.string("k"); $0.append(UInt32(13)); $0.append(UInt64(0))
        }
        #expect(failure(unknownType) == "x.gguf: metadata 'k': unknown value type 13")
        let unknownElement = handMade {
            $0.append(UInt64(0)); $0.append(UInt64(1)); $0.string("k"); $0.append(UInt32(9)); $0.append(UInt32(99)); $0.append(UInt64(0))
        }
        #expect(failure(unknownElement) == "x.gguf: metadata 'k': unknown array element type 99")
        #expect(failure(ggufFile(metadata: [("deep", nested(8))])) == "no error")
        #expect(failure(ggufFile(metadata: [("deep", nested(9))])) == "x.gguf: metadata 'deep': arrays nested more than 8 deep")
        for (value, detail) in [
            (GGUFValue.uint32(48), "48 is not a power of two"), (.uint32(0), "0 is not a power of two"),
            (.uint64(32), "must be a UINT32, not UINT64"),
        ] {
            #expect(failure(ggufFile(metadata: [("general.alignment", value)])) == "x.gguf: metadata 'general.alignment': \(detail)")
        }
        let badKey = handMade {
            $0.append(UInt64(0)); $0.append(UInt64(1)); $0.rawString([0x66, 0xFF, 0xFE]); $0.append(UInt32(0)); $0.append(UInt8(1))
        }
        #expect(failure(badKey) == "x.gguf: metadata '#0': key at byte 24 is not valid UTF-8")
        let badName = handMade {
            $0.append(UInt64(1)); $0.append(UInt64(0)); $0.rawString([0xC3]); $0.append(UInt32(0)); $0.append(UInt32(0)); $0.append(UInt64(0))
        }
        #expect(failure(badName) == "x.gguf: tensor 0: name at byte 24 is not valid UTF-8")
    }

    @Test("a string value that is not UTF-8 is read with U+FFFD in place of the bad bytes")
    func lenientStrings() throws {
        let bytes = handMade {
            $0.append(UInt64(0)); $0.append(UInt64(1)); $0.string("k"); $0.append(GGUFValueType.string.rawValue)
            $0.rawString([0x61, 0xFF, 0x62])
        }
        #expect(try GGUFFile(bytes: bytes, path: "x.gguf").string("k") == "a\u{FFFD}b")
    }

    @Test("every error is one line that starts with the file's path")
    func oneLine() {
        let errors: [GGUFError] = [
            .fileMissing(path: "p"), .io(path: "p", reason: "a\nb"), .wrongMagic(path: "p", found: []),
            .unsupportedVersion(path: "p", version: 9), .truncated(path: "p", detail: "d"), .headerLies(path: "p", detail: "d"),
            .invalidMetadata(path: "p", key: "k\n", detail: "d"), .duplicateTensorName(path: "p", tensor: "t"),
            .invalidTensorName(path: "p", index: 0, detail: "d"), .unknownTensorType(path: "p", tensor: "t", rawType: 4),
            .unsupportedTensorType(path: "p", tensor: "t", type: "Q6_K", wanted: "w"), .invalidShape(path: "p", tensor: "t", detail: "d"),
            .invalidTensorOffset(path: "p", tensor: "t", detail: "d"), .tensorDataPastEnd(path: "p", tensor: "t", detail: "d"),
            .missingTensor(path: "p", tensor: "t"), .missingKey(path: "p", key: "k"),
            .wrongValueType(path: "p", key: "k", expected: "e", found: "f"), .invalidDestination(path: "p", tensor: "t", detail: "d"),
        ]
        for error in errors {
            #expect(error.description.hasPrefix("p: ") && !error.description.contains("\n"), "\(error)")
        }
        #expect(GGUFError.wrongMagic(path: "p", found: []).description == #"p: not a GGUF file: starts with nothing, not "GGUF""#)
    }
}
