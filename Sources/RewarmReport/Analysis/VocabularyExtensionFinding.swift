import Foundation

extension Findings {
    /// F17 (Cui et al. 2023, arXiv 2304.08177, Chinese-LLaMA: adding about 20k Chinese tokens
    /// roughly halves the tokens per Chinese text and speeds learning). Continuations on shifted
    /// data that differ only in the `extend_vocabulary` keys, whose embeddings train (full, or
    /// `embed_tokens` in `modules_to_save` / `trainable_modules`): each extended condition E
    /// against each one without the extension P, at equal training tokens (the same steps,
    /// sequences and context), losses in bits per byte. Rule (v2): the tokens per byte of D1's
    /// validation text fall by >= 1.5x (P / E > 1.5, 95%); Ldown(T) E - P < 0 (a real
    /// difference); Lup(T) E - P equivalent or lower within 1% of P's Lup(T) (TOST's upper test).
    static func vocabularyExtension(_ set: ConditionSet) -> FindingResult? {
        let axis: Set<String> = [
            "extend_vocabulary_new_tokens", "extend_vocabulary_train_on", "extend_vocabulary_tokenizer", "extend_vocabulary_init",
        ]
        let members = set.conditions.filter { !$0.isScratch && !set.isSameData($0) && $0.trainsEmbeddings }
        let families = set.families(members, axis: axis).filter { f in
            f.conditions.contains(where: \.extendsVocabulary) && f.conditions.contains { !$0.extendsVocabulary }
        }
        guard !families.isEmpty else { return nil }
        var b = builder("F17")
        b.note("equal training tokens (the same steps, sequences and context); Lup and Ldown in bits per byte when "
            + "the tokenizers differ")
        let lup = { (s: TrialSeries) in s.value(.upstream, at: .end) }
        let ldown = { (s: TrialSeries) in s.value(.downstream, at: .end) }
        let tokensPerByte = { (s: TrialSeries) in s.downstreamTokensPerByte }
        for (family, tag) in zip(families, set.tags(families)) {
            let t = Fmt.tag(tag)
            b.note(t + set.heldFixed(family, axis: axis))
            for c in family.conditions {
                b.point(c, values("Lup(T)", c.measure(lup)).merging(values("Ldown(T)", c.measure(ldown))) { a, _ in a }
                    .merging(values("tokens per byte of D1", c.measure(tokensPerByte))) { a, _ in a })
            }
            let plain = family.conditions.filter { !$0.extendsVocabulary }
            for e in family.conditions.filter(\.extendsVocabulary) {
                for p in plain {
                    let pair = "\(e.label) - \(p.label)"
                    let pTPB = p.seedValues(tokensPerByte), eTPB = e.seedValues(tokensPerByte)
                    var ratios: [Int: Double] = [:]
                    for (seed, x) in pTPB { if let y = eTPB[seed], y > 0 { ratios[seed] = x / y } }
                    b.check(.change("\(t)tokens per byte of D1, \(p.label) / \(e.label)", perSeed: ratios, claim: .above(1.5)))
                    b.check(.difference("\(t)Ldown(T) \(pair)", e.seedValues(ldown), minus: p.seedValues(ldown),
                                        claim: .below(0)))
                    guard let reference = p.measure(lup) else {
                        b.unavailable("\(t)Lup(T) \(pair)", claim: .below(0), "no data for \(p.label)")
                        continue
                    }
                    b.check(.equivalentOrLower("\(t)Lup(T) \(pair)", e.seedValues(lup), minus: reference.bySeed,
                                               margin: reference.defaultMargin(named: "Lup(T) of \(p.label)")))
                }
            }
        }
        return b.result()
    }
}

extension Condition {
    /// Extends the vocabulary: learned tokens (`extend_vocabulary_new_tokens` > 0) or a given
    /// tokenizer (`extend_vocabulary_tokenizer`).
    var extendsVocabulary: Bool {
        (number("extend_vocabulary_new_tokens") ?? 0) > 0 || string("extend_vocabulary_tokenizer") != nil
    }

    /// The embedding table trains: full training, or `embed_tokens` among the whole modules
    /// (`modules_to_save` with LoRA, `trainable_modules` with freeze).
    var trainsEmbeddings: Bool {
        isFullTraining || [modulesToSave, string("trainable_modules")].contains { $0?.contains("embed_tokens") == true }
    }
}
