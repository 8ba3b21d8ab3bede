extension BPETokenizer {
    /// FNV-1a (`FNV1a.hex`) of a line-oriented description of every input that decides the ids.
    /// Field order and separators are fixed; a token's text is escaped by its UTF-8 byte count
    /// so no two different inputs describe alike.
    static func fingerprint(
        texts: [String], addedOnly: Set<Int32>, merges: [BPEMerge], addedTokens: [AddedToken],
        preTokenizer: PreTokenizer, template: SpecialTokenTemplate, specialTokens: SpecialTokenIDs,
        options: BPEModelOptions
    ) -> String {
        var d = "bpe-v1\n"
        for (id, text) in texts.enumerated() {
            d += "t\(text.utf8.count):\(text)\(addedOnly.contains(Int32(id)) ? "+" : "")\n"
        }
        for m in merges { d += "m\(m.left.utf8.count):\(m.left)\(m.right.utf8.count):\(m.right)\n" }
        for a in addedTokens {
            d += "a\(a.id):\(a.content.utf8.count):\(a.content):\(a.special):\(a.normalized):\(a.singleWord)"
                + ":\(a.leftStrip):\(a.rightStrip)\n"
        }
        d += "p\(preTokenizer.steps)\n"
        d += "s\(template.prefix)|\(template.suffix)|\(specialTokens.bos.map(String.init) ?? "-")"
            + "|\(specialTokens.eos.map(String.init) ?? "-")|\(specialTokens.pad.map(String.init) ?? "-")\n"
        d += "o\(options.unknownTokenID.map(String.init) ?? "-")|\(options.fuseUnknown)|\(options.ignoreMerges)\n"
        return FNV1a.hex(d)
    }
}
