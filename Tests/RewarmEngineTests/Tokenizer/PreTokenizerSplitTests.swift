import Testing
@testable import RewarmEngine

/// Splits pinned from Hugging Face `tokenizers` 0.22.1 (Oniguruma regexes): each row is what
/// `Tokenizer.from_str(...).pre_tokenizer.pre_tokenize_str(input)` returned for the
/// `tokenizer.json` pre-tokenizers of `scripts/tokenizer_reference.py` (`PRE_TOKENIZERS`: gpt2,
/// smollm, llama3, qwen2), with each byte-level piece mapped back to its UTF-8 text.
@Suite("Tokenizer: pre-tokenizer splits match tokenizers")
struct PreTokenizerSplitTests {
    func check(_ pre: PreTokenizer, _ expected: [[String]]) throws {
        var encoder = try TokenizerFixtures.tokenizer(preTokenizer: pre).makeEncoder()
        for (input, pieces) in zip(Self.inputs, expected) {
            let got = encoder.preTokenize(input)
            #expect(got == TokenizerFixtures.bytes(pieces), "\(input.debugDescription): \(got.map { String(decoding: $0, as: UTF8.self) })")
        }
    }

    @Test("ByteLevel with the GPT-2 regex splits as tokenizers does")
    func gpt2() throws { try check(.gpt2, Self.gpt2) }

    @Test("Digits(individual_digits) then ByteLevel (SmolLM2) splits as tokenizers does")
    func smolLM() throws { try check(.smolLM, Self.smollm) }

    @Test("Split with the Llama 3 regex splits as tokenizers does")
    func llama3() throws { try check(.llama3, Self.llama3) }

    @Test("Split with the Qwen2 regex splits as tokenizers does")
    func qwen2() throws { try check(.qwen2, Self.qwen2) }

    @Test("add_prefix_space puts a space before every piece that lacks one, as tokenizers does")
    func prefixSpace() throws {
        // tokenizers: Sequence[Digits(individual_digits), ByteLevel(add_prefix_space)] on "ab12"
        // gives Ġab, Ġ1, Ġ2; "" gives nothing.
        let pre = PreTokenizer(steps: [.digits(individualDigits: true), .byteLevel(addPrefixSpace: true, useRegex: true)])
        var encoder = try TokenizerFixtures.tokenizer(preTokenizer: pre).makeEncoder()
        #expect(encoder.preTokenize("ab12") == TokenizerFixtures.bytes([" ab", " 1", " 2"]))
        #expect(encoder.preTokenize(" a") == TokenizerFixtures.bytes([" a"]))
        #expect(encoder.preTokenize("") == [])
    }

    @Test("Scalar classes: combining marks are not letters, other scripts' digits are numbers, Unicode 17 is unassigned")
    func scalarClasses() {
        typealias C = ScalarClass
        #expect(C.of(0x0301) == 0, "U+0301 combining acute is Mn")
        #expect(C.of(0x00E9) == C.letter)
        #expect(C.of(0x4E2D) == C.letter, "CJK ideograph")
        #expect(C.of(0x0663) == C.number && C.of(0x00B2) == C.number && C.of(0x216B) == C.number)
        #expect(C.of(0x00A0) == C.whitespace && C.of(0x3000) == C.whitespace)
        #expect(C.of(0x200B) == 0 && C.of(0xFEFF) == 0, "zero width space and BOM are not \\s")
        #expect(C.of(0x0A) == C.whitespace | C.newline && C.of(0x20) == C.whitespace | C.space)
        #expect(C.of(0x088F) == 0, "assigned in Unicode 17, after Oniguruma's 16.0")
        #expect(C.of(0x1F44B) == 0, "emoji are neither letters nor numbers")
        #expect(C.of(0x20000) == C.letter, "CJK extension B, outside the basic plane")
    }

    static let inputs: [String] = [
        "Hello world! It's 2024.",
        "  leading and trailing  ",
        "line1\r\nline2\n\n\tindented",
        "I'LL say we're done, they've 'sam's",
        "it'\u{17F} DON'T",
        "cafe\u{301} na\u{EF}ve",
        "\u{4F60}\u{597D}\u{FF0C}\u{4E16}\u{754C}\u{3002}\u{6570}\u{5B57}123",
        "hi \u{1F44B}\u{1F3FD} there \u{1F1E9}\u{1F1EA}!",
        "\u{663}\u{664}\u{665} and \u{B2}\u{B3} and \u{216B} x1 y22 z333 w4444",
        "a\u{A0}b  \u{A0}c\u{200B}d",
        "a\u{88F}b \u{88F}",
        "x\u{B}y\u{C} z",
        "$100.50 and 3.14159!!",
        "   \n  ",
        "(hello) [world]\n\n\n  foo",
        "ends with space ",
    ]
    static let gpt2: [[String]] = [
        ["Hello", " world", "!", " It", "'s", " 2024", "."],
        [" ", " leading", " and", " trailing", "  "],
        ["line", "1", "\r", "\n", "line", "2", "\n\n", "\t", "indented"],
        ["I", "'", "LL", " say", " we", "'re", " done", ",", " they", "'ve", " '", "sam", "'s"],
        ["it", "'", "\u{17F}", " DON", "'", "T"],
        ["cafe", "\u{301}", " na\u{EF}ve"],
        ["\u{4F60}\u{597D}", "\u{FF0C}", "\u{4E16}\u{754C}", "\u{3002}", "\u{6570}\u{5B57}", "123"],
        ["hi", " \u{1F44B}\u{1F3FD}", " there", " \u{1F1E9}\u{1F1EA}!"],
        ["\u{663}\u{664}\u{665}", " and", " \u{B2}\u{B3}", " and", " \u{216B}", " x", "1", " y", "22", " z", "333", " w", "4444"],
        ["a", "\u{A0}", "b", "  ", "\u{A0}", "c", "\u{200B}", "d"],
        ["a", "\u{88F}", "b", " \u{88F}"],
        ["x", "\u{B}", "y", "\u{C}", " z"],
        ["$", "100", ".", "50", " and", " 3", ".", "14159", "!!"],
        ["   \n  "],
        ["(", "hello", ")", " [", "world", "]", "\n\n\n ", " foo"],
        ["ends", " with", " space", " "],
    ]
    static let smollm: [[String]] = [
        ["Hello", " world", "!", " It", "'s", " ", "2", "0", "2", "4", "."],
        [" ", " leading", " and", " trailing", "  "],
        ["line", "1", "\r", "\n", "line", "2", "\n\n", "\t", "indented"],
        ["I", "'", "LL", " say", " we", "'re", " done", ",", " they", "'ve", " '", "sam", "'s"],
        ["it", "'", "\u{17F}", " DON", "'", "T"],
        ["cafe", "\u{301}", " na\u{EF}ve"],
        ["\u{4F60}\u{597D}", "\u{FF0C}", "\u{4E16}\u{754C}", "\u{3002}", "\u{6570}\u{5B57}", "1", "2", "3"],
        ["hi", " \u{1F44B}\u{1F3FD}", " there", " \u{1F1E9}\u{1F1EA}!"],
        ["\u{663}", "\u{664}", "\u{665}", " and", " ", "\u{B2}", "\u{B3}", " and", " ", "\u{216B}", " x", "1", " y", "2", "2", " z", "3", "3", "3", " w", "4", "4", "4", "4"],
        ["a", "\u{A0}", "b", "  ", "\u{A0}", "c", "\u{200B}", "d"],
        ["a", "\u{88F}", "b", " \u{88F}"],
        ["x", "\u{B}", "y", "\u{C}", " z"],
        ["$", "1", "0", "0", ".", "5", "0", " and", " ", "3", ".", "1", "4", "1", "5", "9", "!!"],
        ["   \n  "],
        ["(", "hello", ")", " [", "world", "]", "\n\n\n ", " foo"],
        ["ends", " with", " space", " "],
    ]
    static let llama3: [[String]] = [
        ["Hello", " world", "!", " It", "'s", " ", "202", "4", "."],
        [" ", " leading", " and", " trailing", "  "],
        ["line", "1", "\r\n", "line", "2", "\n\n", "\tindented"],
        ["I", "'LL", " say", " we", "'re", " done", ",", " they", "'ve", " '", "sam", "'s"],
        ["it", "'\u{17F}", " DON", "'T"],
        ["cafe", "\u{301}", " na\u{EF}ve"],
        ["\u{4F60}\u{597D}", "\u{FF0C}\u{4E16}\u{754C}", "\u{3002}\u{6570}\u{5B57}", "123"],
        ["hi", " \u{1F44B}\u{1F3FD}", " there", " \u{1F1E9}\u{1F1EA}!"],
        ["\u{663}\u{664}\u{665}", " and", " ", "\u{B2}\u{B3}", " and", " ", "\u{216B}", " x", "1", " y", "22", " z", "333", " w", "444", "4"],
        ["a", "\u{A0}b", "  ", "\u{A0}c", "\u{200B}d"],
        ["a", "\u{88F}b", " \u{88F}"],
        ["x", "\u{B}y", "\u{C}", " z"],
        ["$", "100", ".", "50", " and", " ", "3", ".", "141", "59", "!!"],
        ["   \n", "  "],
        ["(hello", ")", " [", "world", "]\n\n\n", " ", " foo"],
        ["ends", " with", " space", " "],
    ]
    static let qwen2: [[String]] = [
        ["Hello", " world", "!", " It", "'s", " ", "2", "0", "2", "4", "."],
        [" ", " leading", " and", " trailing", "  "],
        ["line", "1", "\r\n", "line", "2", "\n\n", "\tindented"],
        ["I", "'LL", " say", " we", "'re", " done", ",", " they", "'ve", " '", "sam", "'s"],
        ["it", "'\u{17F}", " DON", "'T"],
        ["cafe", "\u{301}", " na\u{EF}ve"],
        ["\u{4F60}\u{597D}", "\u{FF0C}\u{4E16}\u{754C}", "\u{3002}\u{6570}\u{5B57}", "1", "2", "3"],
        ["hi", " \u{1F44B}\u{1F3FD}", " there", " \u{1F1E9}\u{1F1EA}!"],
        ["\u{663}", "\u{664}", "\u{665}", " and", " ", "\u{B2}", "\u{B3}", " and", " ", "\u{216B}", " x", "1", " y", "2", "2", " z", "3", "3", "3", " w", "4", "4", "4", "4"],
        ["a", "\u{A0}b", "  ", "\u{A0}c", "\u{200B}d"],
        ["a", "\u{88F}b", " \u{88F}"],
        ["x", "\u{B}y", "\u{C}", " z"],
        ["$", "1", "0", "0", ".", "5", "0", " and", " ", "3", ".", "1", "4", "1", "5", "9", "!!"],
        ["   \n", "  "],
        ["(hello", ")", " [", "world", "]\n\n\n", " ", " foo"],
        ["ends", " with", " space", " "],
    ]
}
