import Foundation
import Testing

import RewarmEngine

@Suite struct GGUFHeaderTests {
    /// One value of every GGUF value type, arrays included (nested, and empty).
    static let everyType: [(String, GGUFValue)] = [
        ("t.uint8", .uint8(200)),
        ("t.int8", .int8(-100)),
        ("t.uint16", .uint16(60000)),
        ("t.int16", .int16(-30000)),
        ("t.uint32", .uint32(4_000_000_000)),
        ("t.int32", .int32(-2_000_000_000)),
        ("t.float32", .float32(0.1)),
        ("t.bool.true", .bool(true)),
        ("t.bool.false", .bool(false)),
        ("t.string", .string("héllo, 世界")),
        ("t.string.empty", .string("")),
        ("t.uint64", .uint64(.max)),
        ("t.int64", .int64(.min)),
        ("t.float64", .float64(-1e300)),
        ("t.array.strings", .array(elementType: .string, [.string("a"), .string(""), .string("Ġthe")])),
        ("t.array.int32", .array(elementType: .int32, [.int32(-1), .int32(0), .int32(7)])),
        ("t.array.float32", .array(elementType: .float32, [.float32(0.5), .float32(-2)])),
        ("t.array.empty", .array(elementType: .uint64, [])),
        ("t.array.nested", .array(elementType: .array, [
            .array(elementType: .uint8, [.uint8(1), .uint8(2)]),
            .array(elementType: .string, [.string("x")]),
        ])),
    ]

    @Test("the version, every value type and the key order are read as written")
    func everyValueType() throws {
        for version: UInt32 in [2, 3] {
            let file = try GGUFFile(bytes: ggufFile(version: version, metadata: Self.everyType), path: "all.gguf")
            #expect(file.version == version)
            #expect(file.metadataKeys == Self.everyType.map(\.0))
            for (key, value) in Self.everyType {
                #expect(file.metadata[key] == value, "\(key)")
                #expect(file.value(key)?.type == value.type, "\(key)")
            }
            #expect(file.tensors.isEmpty)
            #expect(file.alignment == 32)
        }
    }

    @Test("the typed accessors read strings, integers of any width, floats, bools and arrays")
    func typedAccessors() throws {
        let file = try GGUFFile(bytes: ggufFile(metadata: Self.everyType), path: "all.gguf")
        #expect(try file.string("t.string") == "héllo, 世界")
        #expect(try file.int("t.uint8") == 200)
        #expect(try file.int("t.int16") == -30000)
        #expect(try file.int("t.uint32") == 4_000_000_000)
        #expect(try file.int("t.int64") == Int.min)
        #expect(try file.float("t.float32") == Double(Float(0.1)))
        #expect(try file.float("t.float64") == -1e300)
        #expect(try file.float("t.int8") == -100)
        #expect(try file.bool("t.bool.true") && !(try file.bool("t.bool.false")))
        #expect(try file.strings("t.array.strings") == ["a", "", "Ġthe"])
        #expect(try file.ints("t.array.int32") == [-1, 0, 7])
        #expect(try file.floats("t.array.float32") == [0.5, -2])
        #expect(try file.floats("t.array.int32") == [-1, 0, 7])
        #expect(try file.ints("t.array.empty") == [])
        #expect(file.value("t.array.nested")?.typeDescription == "ARRAY[ARRAY[UINT8]]")
        #expect(file.value("absent") == nil)
    }

    @Test("an accessor of the wrong type, an integer too large, or a missing key names the file and the key")
    func accessorErrors() throws {
        let file = try GGUFFile(bytes: ggufFile(metadata: Self.everyType), path: "m.gguf")
        let cases: [(() throws(GGUFError) -> Void, String)] = [
            ({ () throws(GGUFError) in _ = try file.int("t.string") },
             #"m.gguf: metadata 't.string': expected an integer that fits in Int, found STRING "héllo, 世界""#),
            ({ () throws(GGUFError) in _ = try file.int("t.uint64") },
             "m.gguf: metadata 't.uint64': expected an integer that fits in Int, found UINT64 18446744073709551615"),
            ({ () throws(GGUFError) in _ = try file.string("t.uint8") },
             "m.gguf: metadata 't.uint8': expected STRING, found UINT8 200"),
            ({ () throws(GGUFError) in _ = try file.strings("t.array.int32") },
             "m.gguf: metadata 't.array.int32': expected ARRAY[STRING], found ARRAY[INT32] of 3 elements"),
            ({ () throws(GGUFError) in _ = try file.ints("t.array.strings") },
             "m.gguf: metadata 't.array.strings': expected an ARRAY of integers that fit in Int, found ARRAY[STRING] of 3 elements"),
            ({ () throws(GGUFError) in _ = try file.floats("t.array.nested") },
             "m.gguf: metadata 't.array.nested': expected an ARRAY of numbers, found ARRAY[ARRAY[UINT8]] of 2 elements"),
            ({ () throws(GGUFError) in _ = try file.bool("t.float32") },
             "m.gguf: metadata 't.float32': expected BOOL, found FLOAT32 0.1"),
            ({ () throws(GGUFError) in _ = try file.float("llama.rope.freq_base") },
             "m.gguf: no metadata key 'llama.rope.freq_base'"),
        ]
        for (body, expected) in cases {
            #expect(ggufError(body)?.description == expected)
        }
    }

    @Test("tensor infos keep their names, dims innermost first, types, offsets and sizes")
    func tensorInfos() throws {
        let tensors = [
            TestTensor("w", dims: [64, 3], type: .q4_1, data: [UInt8](repeating: 0, count: 3 * 2 * 20)),
            TestTensor("norm", dims: [5], type: .f32, data: float32Bytes([1, 2, 3, 4, 5])),
            TestTensor("scalar", dims: [], type: .f32, data: float32Bytes([9])),
            TestTensor("cube", dims: [2, 3, 4], type: .f16, data: [UInt8](repeating: 0, count: 48)),
        ]
        let file = try GGUFFile(bytes: ggufFile(tensors: tensors), path: "t.gguf")
        #expect(file.tensors.map(\.name) == ["w", "norm", "scalar", "cube"])
        let w = try file.tensor(named: "w")
        #expect(w.dimensions == [64, 3] && w.shape == [3, 64] && w.type == .q4_1)
        #expect(w.rowLength == 64 && w.rowCount == 3 && w.rowBytes == 40)
        #expect(w.elementCount == 192 && w.byteCount == 120 && w.offset == 0)
        #expect(try file.tensor(named: "norm").offset == 128)  // 120 rounded up to 32
        #expect(try file.tensor(named: "scalar").elementCount == 1)
        #expect(try file.tensor(named: "scalar").rowCount == 1)
        let cube = try file.tensor(named: "cube")
        #expect(cube.shape == [4, 3, 2] && cube.rowCount == 12 && cube.byteCount == 48)
        #expect(try file.dequantize(named: "norm") == [1, 2, 3, 4, 5])
        #expect(try file.dequantize(named: "scalar") == [9])
        #expect(ggufError { () throws(GGUFError) in _ = try file.tensor(named: "absent") }?.description
            == "t.gguf: no tensor named 'absent'")
    }

    @Test("the data section starts at the next multiple of the alignment: 32 by default, general.alignment when set")
    func alignment() throws {
        // Header bytes: 24 (magic, version, counts) + 35 ("general.name" = "abc") + 33 (the
        // alignment entry, when present) + 2 x 33 (tensor infos "a" and "b"): 125 or 158.
        // Tensor "a" takes 12 bytes, so "b" starts at 12 rounded up to the alignment.
        let cases: [(alignment: UInt32?, dataOffset: Int, offsetOfB: Int)] = [
            (nil, 128, 32), (32, 160, 32), (64, 192, 64), (1, 158, 12), (256, 256, 256),
        ]
        for (alignment, dataOffset, offsetOfB) in cases {
            var metadata: [(String, GGUFValue)] = [("general.name", .string("abc"))]
            if let alignment { metadata.append(("general.alignment", .uint32(alignment))) }
            let tensors = [
                TestTensor("a", dims: [3], type: .f32, data: float32Bytes([1, 2, 3])),
                TestTensor("b", dims: [2], type: .f32, data: float32Bytes([4, 5])),
            ]
            let file = try GGUFFile(bytes: ggufFile(metadata: metadata, tensors: tensors), path: "a.gguf")
            #expect(file.alignment == Int(alignment ?? 32))
            #expect(file.dataOffset == dataOffset, "alignment \(String(describing: alignment))")
            #expect(try file.tensor(named: "b").offset == offsetOfB)
            #expect(try file.dequantize(named: "a") == [1, 2, 3])
            #expect(try file.dequantize(named: "b") == [4, 5])
        }
    }

    @Test("a file opened from a path is read as from bytes, and a missing path is an error naming it")
    func openFromPath() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rewarm-gguf-\(UUID().uuidString).gguf")
        defer { try? FileManager.default.removeItem(at: url) }
        let bytes = ggufFile(
            metadata: [("general.architecture", .string("llama"))],
            tensors: [TestTensor("x", dims: [2], type: .f32, data: float32Bytes([0.25, -4]))])
        try bytes.write(to: url)
        let file = try GGUFFile(contentsOf: url)
        #expect(file.path == url.path)
        #expect(try file.string("general.architecture") == "llama")
        #expect(try file.dequantize(named: "x") == [0.25, -4])

        let missing = URL(fileURLWithPath: "/nonexistent/rewarm/model.gguf")
        let error = ggufError { () throws(GGUFError) in _ = try GGUFFile(contentsOf: missing) }
        #expect(error?.description == "/nonexistent/rewarm/model.gguf: no such file")
    }

    @Test("bytes that are a slice of a larger Data are read from their own start")
    func slicedData() throws {
        let inner = ggufFile(tensors: [TestTensor("x", dims: [1], type: .f32, data: float32Bytes([3]))])
        let outer = Data([7, 7, 7]) + inner + Data([9])
        let slice = outer[3..<3 + inner.count]
        #expect(slice.startIndex == 3)
        #expect(try GGUFFile(bytes: slice, path: "s.gguf").dequantize(named: "x") == [3])
    }
}
