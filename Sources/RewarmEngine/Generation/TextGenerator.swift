/// Continues a prompt: each new token is sampled from the logits of the last position, the
/// context being the last `maxPositionEmbeddings` tokens (no KV cache: the models are small and
/// the prompt is re-read each step).
///
/// Token ids work with any vocabulary (`generateTokens`, `nextTokenLogits`): turning ids into
/// text is the tokenizer's business. Byte-level models (V = 256, token = UTF-8 byte) and models
/// with a byte-level BPE (`generate(prompt:tokenizer:...)`) also get text out directly.
public struct TextGenerator {
    public let model: LlamaModel

    public init(model: LlamaModel) { self.model = model }

    /// The logits (T, V) of every position of `tokens` (T >= 1, T <= max_position_embeddings).
    public func logits(_ tokens: [Int32]) -> [Float] {
        run(tokens)
        return model.logits(B: 1, T: tokens.count)
    }

    /// The logits (V) of the token after `tokens` (1 ... max_position_embeddings ids).
    public func nextTokenLogits(_ tokens: [Int32]) -> [Float] {
        run(tokens)
        return model.lastLogits(B: 1, T: tokens.count)
    }

    /// Samples `maxNewTokens` token ids after `prompt` (at least one id, each in 0 ..< V), calling
    /// `onToken` with each as it comes; returns them.
    @discardableResult
    public func generateTokens(
        prompt: [Int32], maxNewTokens: Int, sampling: SamplingSettings, onToken: (Int32) -> Void = { _ in }
    ) -> [Int32] {
        precondition(!prompt.isEmpty, "generation needs a prompt of at least one token")
        return sample(after: prompt, sampling: sampling, while: { $0.count < maxNewTokens }, onToken: onToken)
    }

    /// For a byte-level model (V = 256): samples `maxNewTokens` bytes after `prompt` (an empty
    /// prompt starts a document: it reads as the separator "\n\n"), then up to 3 more if the
    /// output would otherwise end inside a UTF-8 character. `onText` receives the text as
    /// complete characters appear; returns the new bytes.
    @discardableResult
    public func generate(
        prompt: [Int32], maxNewTokens: Int, sampling: SamplingSettings, onText: (String) -> Void = { _ in }
    ) -> [Int32] {
        precondition(model.config.vocabSize == ByteTokenizer.vocabularySize,
                     "text generation reads tokens as bytes: use generateTokens for a vocabulary of "
                        + "\(model.config.vocabSize)")
        var decoder = UTF8StreamDecoder()
        let context = prompt.isEmpty ? ByteTokenizer.encode("\n\n") : prompt
        let generated = sample(
            after: context, sampling: sampling,
            while: { $0.count < maxNewTokens || (decoder.isInsideCharacter && $0.count < maxNewTokens + 3) },
            onToken: { token in
                let text = decoder.push(UInt8(truncatingIfNeeded: token))
                if !text.isEmpty { onText(text) }
            })
        decoder.finish()
        return generated
    }

    /// For a model with a byte-level BPE tokenizer: samples up to `maxNewTokens` tokens after
    /// `prompt` (an empty prompt starts a document: the tokenizer's BOS, else its EOS), stopping
    /// after the EOS token, as `transformers`' `generate` does. `onText` receives the text as
    /// complete characters appear (a token may end inside a UTF-8 character); EOS prints nothing.
    /// Returns the new ids, EOS included.
    @discardableResult
    public func generate(
        prompt: [Int32], tokenizer: BPETokenizer, maxNewTokens: Int, sampling: SamplingSettings,
        onText: (String) -> Void = { _ in }
    ) -> [Int32] {
        let start = tokenizer.specialTokens.bos ?? tokenizer.specialTokens.eos
        let context = prompt.isEmpty ? start.map { [$0] } ?? [] : prompt
        precondition(!context.isEmpty, "an empty prompt needs a tokenizer with a BOS or EOS token")
        var decoder = UTF8StreamDecoder()
        var ended = false
        let generated = sample(
            after: context, sampling: sampling, while: { $0.count < maxNewTokens && !ended },
            onToken: { token in
                if token == tokenizer.specialTokens.eos {
                    ended = true
                    return
                }
                for byte in tokenizer.decodeUTF8([token]) {
                    let text = decoder.push(byte)
                    if !text.isEmpty { onText(text) }
                }
            })
        decoder.finish()
        return generated
    }

    /// Samples tokens after `prompt` while `keepGoing(generated so far)` holds.
    private func sample(
        after prompt: [Int32], sampling: SamplingSettings, while keepGoing: ([Int32]) -> Bool,
        onToken: (Int32) -> Void
    ) -> [Int32] {
        var context = prompt
        var sampler = TokenSampler(sampling)
        var generated: [Int32] = []
        let window = model.config.maxPositionEmbeddings
        while keepGoing(generated) {
            let token = sampler.next(nextTokenLogits(Array(context.suffix(window))))
            generated.append(token)
            context.append(token)
            onToken(token)
        }
        return generated
    }

    /// The forward pass over one sequence, no targets.
    private func run(_ tokens: [Int32]) {
        precondition(!tokens.isEmpty && tokens.count <= model.config.maxPositionEmbeddings)
        _ = tokens.withUnsafeBufferPointer {
            model.forward(inputs: $0.baseAddress!, targets: nil, B: 1, T: tokens.count)
        }
    }
}
