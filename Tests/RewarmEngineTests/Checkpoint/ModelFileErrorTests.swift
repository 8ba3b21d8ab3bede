import Foundation
import Testing
@testable import RewarmEngine

/// A safetensors file built by hand: each tensor's dtype, shape and raw bytes, with optional
/// `lie` overriding a tensor's declared `data_offsets`.
private func craftedFile(_ tensors: [(name: String, dtype: String, shape: [Int], bytes: [UInt8])],
                         lie: (name: String, offsets: [Int])? = nil) -> Data {
    var fields: [String] = []
    var data: [UInt8] = []
    for t in tensors {
        var offsets = [data.count, data.count + t.bytes.count]
        if let lie, lie.name == t.name { offsets = lie.offsets }
        fields.append("\"\(t.name)\":{\"dtype\":\"\(t.dtype)\",\"shape\":\(t.shape),\"data_offsets\":\(offsets)}")
        data += t.bytes
    }
    let header = Array("{\(fields.joined(separator: ","))}".utf8)
    var out = Data()
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
    out.append(contentsOf: header)
    out.append(contentsOf: data)
    return out
}

/// The model's tensors as (name, F32, shape, bytes), in slab order.
private func modelTensors(_ model: LlamaModel) -> [(name: String, dtype: String, shape: [Int], bytes: [UInt8])] {
    model.weights.specs.map { s in
        (s.name, "F32", s.shape, Array(UnsafeRawBufferPointer(start: model.weights.base + s.offset, count: 4 * s.count)))
    }
}

/// Writes a Hugging Face folder whose model.safetensors is `file`, and tries to load it into a
/// slab filled with a sentinel: returns the error and whether the slab was left untouched.
private func load(_ file: Data, model: LlamaModel) throws -> (CheckpointError?, untouched: Bool, path: String) {
    let dir = temporaryFolder("bad-model")
    try HuggingFaceFolder.write(model, includeAdapter: false, to: dir)
    let path = dir.appendingPathComponent("model.safetensors").path
    try file.write(to: URL(fileURLWithPath: path))
    let slab = ParameterSlab(WeightNames.baseTensors(model.config))
    slab.buffer.update(repeating: 7)
    do {
        try ModelFolder.checkpoint(dir.path).loadMergedWeights(into: slab)
        return (nil, slab.snapshot().allSatisfy { $0 == 7 }, path)
    } catch {
        return (error, slab.snapshot().allSatisfy { $0 == 7 }, path)
    }
}

@Suite struct ModelFileErrorTests {
    let model = byteModel(lora: false)

    @Test("a truncated model file: one line naming the file and the tensor cut short, nothing loaded")
    func truncated() throws {
        let whole = craftedFile(modelTensors(model))
        let (error, untouched, path) = try load(whole.prefix(whole.count - 10), model: model)
        let line = try #require(error).description
        #expect(line.hasPrefix(path) && line.contains("truncated") && line.contains("'lm_head.weight'"))
        #expect(untouched && !line.contains("\n"))
    }

    @Test("a header that lies about a tensor's size: one line naming the file and the tensor, nothing loaded")
    func lyingHeader() throws {
        var tensors = modelTensors(model)
        let norm = tensors.firstIndex { $0.name == "model.norm.weight" }!
        tensors[norm].shape = [16]  // 16 floats declared, 8 stored
        let (error, untouched, path) = try load(craftedFile(tensors), model: model)
        let line = try #require(error).description
        #expect(line.hasPrefix(path) && line.contains("'model.norm.weight'"), "\(line)")
        #expect(untouched)
    }

    @Test("a missing tensor: one line naming the file and the tensor, nothing loaded (not even the tensors before it)")
    func missingTensor() throws {
        let tensors = modelTensors(model).filter { $0.name != WeightNames.lmHead }
        let (error, untouched, path) = try load(craftedFile(tensors), model: model)
        #expect(error == .missingTensor(path: path, tensor: "lm_head.weight"))
        #expect(untouched)
    }

    @Test("a tensor of a dtype Rewarm does not read: one line naming the file, the tensor and the dtype, nothing loaded")
    func unsupportedDtype() throws {
        var tensors = modelTensors(model)
        let last = tensors.count - 1
        tensors[last].dtype = "I32"  // same byte size, so the header is otherwise valid
        let (error, untouched, path) = try load(craftedFile(tensors), model: model)
        #expect(error == .unsupportedDtype(path: path, tensor: tensors[last].name, dtype: "I32"))
        #expect(error?.description == "\(path): tensor '\(tensors[last].name)': unsupported dtype I32 (Rewarm reads F32, F16 and BF16)")
        #expect(untouched)
    }

    @Test("a tensor of the wrong shape: named with both shapes, nothing loaded")
    func wrongShape() throws {
        var tensors = modelTensors(model)
        let last = tensors.count - 1
        tensors[last].shape = [tensors[last].shape[1], tensors[last].shape[0]]
        let (error, untouched, path) = try load(craftedFile(tensors), model: model)
        #expect(error == .invalidTensor(path: path, tensor: "lm_head.weight", detail: "shape [8, 256], expected [256, 8]"))
        #expect(untouched)
    }

    @Test("a well-formed crafted file loads (the crafting is not what the other tests detect)")
    func craftedLoads() throws {
        let (error, untouched, _) = try load(craftedFile(modelTensors(model)), model: model)
        #expect(error == nil && !untouched)
    }
}
