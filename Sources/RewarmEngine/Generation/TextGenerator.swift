/// Continues a prompt with a byte-level model: each new byte is sampled from the logits of the
/// last position, the context being the last `maxPositionEmbeddings` bytes (no KV cache: the
/// models are small and the prompt is re-read each step).
public struct TextGenerator {
    public let model: LlamaModel

    public init(model: LlamaModel) { self.model = model }

    /// The logits (T, V) of every position of `tokens` (T >= 1, T <= max_position_embeddings).
    public func logits(_ tokens: [Int32]) -> [Float] {
        precondition(!tokens.isEmpty && tokens.count <= model.config.maxPositionEmbeddings)
        _ = tokens.withUnsafeBufferPointer {
            model.forward(inputs: $0.baseAddress!, targets: nil, B: 1, T: tokens.count)
        }
        return model.logits(B: 1, T: tokens.count)
    }

    /// Samples `maxNewTokens` bytes after `prompt` (an empty prompt starts a document: it reads
    /// as the separator "\n\n"), then up to 3 more if the output would otherwise end inside a
    /// UTF-8 character. `onText` receives the text as complete characters appear; returns the
    /// new bytes.
    @discardableResult
    public func generate(
        prompt: [Int32], maxNewTokens: Int, sampling: SamplingSettings, onText: (String) -> Void = { _ in }
    ) -> [Int32] {
        var context = prompt.isEmpty ? ByteTokenizer.encode("\n\n") : prompt
        var sampler = TokenSampler(sampling)
        var decoder = UTF8StreamDecoder()
        var generated: [Int32] = []
        let V = model.config.vocabSize, window = model.config.maxPositionEmbeddings
        while generated.count < maxNewTokens || (decoder.isInsideCharacter && generated.count < maxNewTokens + 3) {
            let input = Array(context.suffix(window))
            let all = logits(input)
            let token = sampler.next(Array(all[(input.count - 1) * V..<input.count * V]))
            generated.append(token)
            context.append(token)
            let text = decoder.push(UInt8(truncatingIfNeeded: token))
            if !text.isEmpty { onText(text) }
        }
        decoder.finish()
        return generated
    }
}
