import Foundation
import Testing

import RewarmEngine

/// A fresh empty folder under the system temporary directory.
private func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("rewarm-safetensors-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Crafted file bytes: the 8-byte little-endian header length (`declaredLength` or the header's
/// length), the header text, then `data`.
private func craft(_ header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> Data {
    var bytes = Data()
    withUnsafeBytes(of: (declaredLength ?? UInt64(header.utf8.count)).littleEndian) { bytes.append(contentsOf: $0) }
    bytes.append(contentsOf: Array(header.utf8))
    bytes.append(contentsOf: data)
    return bytes
}

private func floatBytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
}

private func halfBytes(_ bits: [UInt16]) -> [UInt8] {
    bits.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
}

/// The error `body` throws, or nil.
private func checkpointError(_ body: () throws(CheckpointError) -> Void) -> CheckpointError? {
    do throws(CheckpointError) {
        try body()
        return nil
    } catch {
        return error
    }
}

@Suite struct SafetensorsTests {
    @Test("tensors and metadata survive a write and a read, bit for bit")
    func roundTrip() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.safetensors")
        let special: [Float] = [-0.0, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1 / 3]
        let tensors = [
            SafetensorsTensor(name: "model.norm.weight", shape: [3], values: [1, 2, 3]),
            SafetensorsTensor(name: "lm_head.weight", shape: [2, 3], values: special),
            SafetensorsTensor(name: "step", shape: [], values: [42]),
            SafetensorsTensor(name: "empty", shape: [0, 4], values: []),
        ]
        let metadata = ["format": "pt", "config": "{\"a\": 1}\nline \"two\"\t\\", "ünï": "cödé"]
        try SafetensorsWriter.write(tensors, metadata: metadata, to: url)

        let file = try SafetensorsFile(contentsOf: url)
        #expect(file.names == ["empty", "lm_head.weight", "model.norm.weight", "step"])
        #expect(file.metadata == metadata)
        for tensor in tensors {
            let read = try file.tensor(named: tensor.name)
            #expect(read.shape == tensor.shape, "\(tensor.name)")
            #expect(read.values.map(\.bitPattern) == tensor.values.map(\.bitPattern), "\(tensor.name)")
        }
        let info = try file.info(named: "lm_head.weight")
        #expect(info.dtype == .f32 && info.shape == [2, 3] && info.dataOffsets == 0..<24)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.safetensors"])
    }

    @Test("views into caller memory write the same file as arrays, and a write replaces the old file")
    func viewsAndReplace() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fromArrays = folder.appendingPathComponent("a.safetensors")
        let fromViews = folder.appendingPathComponent("b.safetensors")
        let slab: [Float] = [1, 2, 3, 4, 5, 6, 7]
        try SafetensorsWriter.write(
            [.init(name: "w", shape: [2, 2], values: [1, 2, 3, 4]), .init(name: "g", shape: [3], values: [5, 6, 7])],
            to: fromArrays)
        try SafetensorsWriter.write([.init(name: "old", shape: [1], values: [9])], to: fromViews)
        try slab.withUnsafeBufferPointer { all throws(CheckpointError) in
            try SafetensorsWriter.write(
                views: [
                    .init(name: "w", shape: [2, 2], values: UnsafeBufferPointer(rebasing: all[0..<4])),
                    .init(name: "g", shape: [3], values: UnsafeBufferPointer(rebasing: all[4..<7])),
                ], to: fromViews)
        }
        #expect(try Data(contentsOf: fromViews) == Data(contentsOf: fromArrays))
        #expect(try SafetensorsFile(contentsOf: fromViews).names == ["g", "w"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["a.safetensors", "b.safetensors"])
    }

    @Test("the layout is byte for byte the Python library's: length, compact JSON, space padding to 8, data")
    func headerLayout() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // The huggingface/safetensors test vector `test_serialization_forced_alignement`.
        let url = folder.appendingPathComponent("attn.safetensors")
        try SafetensorsWriter.write([.init(name: "attn0", shape: [1, 1, 2, 3], values: [0, 1, 2, 3, 4, 5])], to: url)
        let header = #"{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}"# + String(repeating: " ", count: 7)
        #expect(try Data(contentsOf: url) == craft(header, data: floatBytes([0, 1, 2, 3, 4, 5])))
        #expect(header.utf8.count == 72)

        // `__metadata__` comes first; tensors follow in name order with contiguous offsets.
        try SafetensorsWriter.write(
            [.init(name: "b", shape: [1], values: [2]), .init(name: "a", shape: [2], values: [0, 1])],
            metadata: ["framework": "pt"], to: url)
        let bytes = try Data(contentsOf: url)
        let length = Int(bytes[0..<8].reversed().reduce(0) { $0 << 8 | UInt64($1) })
        #expect(length % 8 == 0)
        let text = String(decoding: bytes[8..<8 + length], as: UTF8.self)
        let expected = #"{"__metadata__":{"framework":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
            + #""b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        #expect(text == expected + String(repeating: " ", count: length - expected.utf8.count))
        #expect(length - expected.utf8.count < 8)
        #expect(Array(bytes[(8 + length)...]) == floatBytes([0, 1, 2]))
    }

    @Test("F16 and BF16 tensors are read as the Float values they encode")
    func halfPrecision() throws {
        // Bit patterns and their values from numpy (float16 view, and uint32(bits << 16) view as float32).
        let f16: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x03FF, 0x0400, 0x3555, 0x8000, 0x7C00, 0xFC00]
        let f16Values: [Float] = [
            1, -2, 65504, 5.960464477539063e-08, 6.097555160522461e-05, 6.103515625e-05, 0.333251953125, -0.0,
            .infinity, -.infinity,
        ]
        let bf16: [UInt16] = [0x3F80, 0xC040, 0x3EAB, 0x7F80, 0x4049]
        let bf16Values: [Float] = [1, -3, 0.333984375, .infinity, 3.140625]
        let header = #"{"h":{"dtype":"F16","shape":[10],"data_offsets":[0,20]},"#
            + #""b":{"dtype":"BF16","shape":[5],"data_offsets":[20,30]}}"#
        let file = try SafetensorsFile(bytes: craft(header, data: halfBytes(f16) + halfBytes(bf16)), path: "half.safetensors")
        #expect(try file.tensor(named: "h").values.map(\.bitPattern) == f16Values.map(\.bitPattern))
        #expect(try file.tensor(named: "b").values == bf16Values)
        #expect(try file.tensor(named: "h").shape == [10])
        #expect(floatFromHalfBits(0x7E00).isNaN)
    }

    #if !(os(macOS) && arch(x86_64))
    @Test("F16 decoding agrees with Swift's Float16 on all 65536 bit patterns")
    func halfAgreesWithFloat16() {
        var mismatches: [UInt16] = []
        for bits in 0...UInt16.max {
            let expected = Float(Float16(bitPattern: bits))
            let actual = floatFromHalfBits(bits)
            if !(actual.bitPattern == expected.bitPattern || (actual.isNaN && expected.isNaN)) { mismatches.append(bits) }
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5))")
    }
    #endif

    @Test("copyTensor fills a caller buffer and refuses one of the wrong size")
    func copyIntoBuffer() throws {
        let file = try SafetensorsFile(
            bytes: craft(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: floatBytes([1.5, -2])),
            path: "w.safetensors")
        var two = [Float](repeating: 0, count: 2)
        try two.withUnsafeMutableBufferPointer { buffer throws(CheckpointError) in try file.copyTensor(named: "w", into: buffer) }
        #expect(two == [1.5, -2])
        var three = [Float](repeating: 0, count: 3)
        let error = three.withUnsafeMutableBufferPointer { buffer in
            checkpointError { () throws(CheckpointError) in try file.copyTensor(named: "w", into: buffer) }
        }
        #expect(error?.description == "w.safetensors: tensor 'w': has 2 elements, destination holds 3")
    }

    @Test("a missing file is an error naming the path")
    func missingFile() {
        let url = URL(fileURLWithPath: "/nonexistent/rewarm/model.safetensors")
        let error = checkpointError { () throws(CheckpointError) in _ = try SafetensorsFile(contentsOf: url) }
        #expect(error == .fileMissing(path: url.path))
        #expect(error?.description == "/nonexistent/rewarm/model.safetensors: no such file")
    }

    @Test("malformed files fail with one-line errors naming the file and the tensor")
    func malformed() {
        let ok = #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        let data = floatBytes([1, 2])
        let cases: [(String, Data, String)] = [
            ("shorter than the length field", Data([1, 2, 3]),
             "x.st: truncated file: 3 bytes, shorter than the 8-byte header length"),
            ("shorter than the header", craft(ok, declaredLength: 200),
             "x.st: truncated file: header length is 200 bytes but only 54 follow"),
            ("shorter than the data", craft(ok, data: Array(data[0..<6])),
             "x.st: truncated file: tensor 'w' ends at data byte 8 but only 6 follow the header"),
            ("trailing bytes after the data", craft(ok, data: data + [0, 0, 0, 0]),
             "x.st: invalid safetensors header: tensors cover 8 data bytes but 12 follow the header"),
            ("header not JSON", craft("{\"w\": [1, 2", data: data), "x.st: header is not JSON:"),
            ("header not an object", craft("[1, 2]"), "x.st: invalid safetensors header: the top level is not a JSON object"),
            ("a field missing", craft(#"{"w":{"dtype":"F32","shape":[2]}}"#, data: data),
             #"x.st: invalid safetensors header: at .w: missing "data_offsets""#),
            ("a shape that is not integers", craft(#"{"w":{"dtype":"F32","shape":["2"],"data_offsets":[0,8]}}"#, data: data),
             "x.st: invalid safetensors header: at .w.shape[0]:"),
            ("metadata that is not strings", craft(#"{"__metadata__":{"step":3}}"#),
             "x.st: invalid safetensors header: at .__metadata__.step:"),
            ("offsets not matching the shape", craft(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: data),
             "x.st: tensor 'w': invalid data_offsets: [0, 8] spans 8 bytes, shape [3] of F32 needs 12"),
            ("offsets reversed", craft(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, data: data),
             "x.st: tensor 'w': invalid data_offsets: [8, 0] is not a valid range"),
            ("offsets not a pair", craft(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0]}}"#, data: data),
             "x.st: tensor 'w': invalid data_offsets: [0] is not [begin, end]"),
            ("overlapping tensors",
             craft(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: data),
             "x.st: tensor 'b': invalid data_offsets: [4, 8] overlaps tensor 'a', which ends at 8"),
            ("a gap between tensors",
             craft(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#, data: data + data),
             "x.st: tensor 'b': invalid data_offsets: [8, 12] leaves a gap after tensor 'a', which ends at 4"),
            ("a dtype safetensors does not define", craft(#"{"w":{"dtype":"F12","shape":[2],"data_offsets":[0,8]}}"#, data: data),
             "x.st: tensor 'w': unsupported dtype F12 (Rewarm reads F32, F16 and BF16)"),
        ]
        for (situation, bytes, expected) in cases {
            let error = checkpointError { () throws(CheckpointError) in _ = try SafetensorsFile(bytes: bytes, path: "x.st") }
            let description = error?.description ?? "no error"
            #expect(description.hasPrefix(expected), "\(situation): \(description)")
            #expect(!description.contains("\n"), "\(situation): \(description)")
        }
    }

    @Test("tensors in the file are read in any header order, and unsorted offsets are accepted")
    func unsortedHeader() throws {
        let header = #"{"late":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"early":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        let file = try SafetensorsFile(bytes: craft(header, data: floatBytes([7, 8])), path: "u.st")
        #expect(try file.tensor(named: "early").values == [7])
        #expect(try file.tensor(named: "late").values == [8])
    }

    @Test("asking for a missing tensor or one of an unsupported dtype names it")
    func lookupErrors() throws {
        let header = #"{"ids":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        let file = try SafetensorsFile(bytes: craft(header, data: [UInt8](repeating: 0, count: 12)), path: "m.st")
        #expect(try file.tensor(named: "w").values == [0])
        let unsupported = checkpointError { () throws(CheckpointError) in _ = try file.tensor(named: "ids") }
        #expect(unsupported == .unsupportedDtype(path: "m.st", tensor: "ids", dtype: "I64"))
        let missing = checkpointError { () throws(CheckpointError) in _ = try file.tensor(named: "model.embed_tokens.weight") }
        #expect(missing?.description == "m.st: no tensor named 'model.embed_tokens.weight'")
    }

    @Test("the writer refuses a shape that does not match the values, and a duplicate name, leaving no file")
    func writerErrors() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("bad.safetensors")
        let mismatch = checkpointError { () throws(CheckpointError) in
            try SafetensorsWriter.write([.init(name: "w", shape: [2, 2], values: [1, 2, 3])], to: url)
        }
        #expect(mismatch?.description == "\(url.path): tensor 'w': shape [2, 2] does not match 3 values")
        let duplicate = checkpointError { () throws(CheckpointError) in
            try SafetensorsWriter.write([.init(name: "w", shape: [1], values: [1]), .init(name: "w", shape: [1], values: [2])], to: url)
        }
        #expect(duplicate == .invalidTensor(path: url.path, tensor: "w", detail: "name appears twice"))
        let noFolder = folder.appendingPathComponent("missing/bad.safetensors")
        let io = checkpointError { () throws(CheckpointError) in
            try SafetensorsWriter.write([.init(name: "w", shape: [1], values: [1])], to: noFolder)
        }
        #expect(io?.description.hasPrefix("\(noFolder.path): cannot create a temporary file") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
