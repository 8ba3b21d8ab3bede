/// A token matched whole in the text before pre-tokenization: an entry of `tokenizer.json`'s
/// `added_tokens` (e.g. `<|endoftext|>`, `<|im_start|>`), or a GGUF token whose
/// `tokenizer.ggml.token_type` is CONTROL (3, special) or USER_DEFINED (4, not special).
///
/// Matching follows `tokenizers`' `AddedVocabulary`: every added token, special or not, is
/// matched (leftmost, then longest) before the pre-tokenizer runs, so a pre-tokenizer split never
/// crosses one and text such as "<|im_end|>" inside a document becomes that token. Tokens with
/// `normalized: false` are matched first on the raw text, those with `normalized: true` then on
/// the pieces left (Rewarm runs no normalizer, so both match raw text, only in two passes).
public struct AddedToken: Equatable, Sendable {
    public var id: Int32
    public var content: String
    /// Special tokens are dropped by `decode(_:skipSpecialTokens: true)`.
    public var special: Bool
    public var normalized: Bool
    /// Matched only with no word character (`\w`) right before or after it.
    public var singleWord: Bool
    /// The whitespace before the match belongs to the token (`lstrip`).
    public var leftStrip: Bool
    /// The whitespace after the match belongs to the token (`rstrip`).
    public var rightStrip: Bool

    /// `normalized` defaults to `!special`, as in `tokenizers`' `AddedToken::from`.
    public init(
        id: Int32, content: String, special: Bool, normalized: Bool? = nil,
        singleWord: Bool = false, leftStrip: Bool = false, rightStrip: Bool = false
    ) {
        self.id = id
        self.content = content
        self.special = special
        self.normalized = normalized ?? !special
        self.singleWord = singleWord
        self.leftStrip = leftStrip
        self.rightStrip = rightStrip
    }
}

/// A piece of text after added-token matching: text for the pre-tokenizer, or an added token.
enum AddedTokenSegment: Equatable {
    case text(Range<Int>)
    case token(Int32)
}

/// Finds added tokens in UTF-8 text: for each possible first byte, the tokens starting with it,
/// longest first, compared byte for byte (the few dozen added tokens of real models make this
/// as fast as an Aho-Corasick automaton and much simpler).
struct AddedTokenMatcher: Sendable {
    private struct Entry: Sendable {
        var bytes: [UInt8]
        var token: AddedToken
    }

    /// (256) indices into `entries` of the tokens starting with each byte, longest first.
    private var byFirstByte: [[Int]] = Array(repeating: [], count: 256)
    /// (256) whether any token starts with the byte: the fast test run at every position.
    private var isFirstByte = [Bool](repeating: false, count: 256)
    private var entries: [Entry] = []

    var isEmpty: Bool { entries.isEmpty }

    /// Empty contents are ignored, as `tokenizers` ignores them.
    init(_ tokens: [AddedToken]) {
        for token in tokens where !token.content.isEmpty {
            entries.append(Entry(bytes: Array(token.content.utf8), token: token))
        }
        for (i, entry) in entries.enumerated() {
            byFirstByte[Int(entry.bytes[0])].append(i)
            isFirstByte[Int(entry.bytes[0])] = true
        }
        for b in 0..<256 {
            byFirstByte[b].sort { entries[$0].bytes.count > entries[$1].bytes.count }
        }
    }

    /// `find_matches` of `tokenizers`' `AddedVocabulary` over `bytes[range]`: the text between
    /// matches and the matches, in order.
    func split(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ emit: (AddedTokenSegment) -> Void) {
        let lo = range.lowerBound
        let hi = range.upperBound
        var startOffset = lo
        var pos = lo
        while pos < hi {
            guard isFirstByte[Int(bytes[pos])], let e = longestMatch(bytes, at: pos, end: hi) else {
                pos += 1
                continue
            }
            let token = entries[e].token
            var start = pos
            let matchEnd = pos + entries[e].bytes.count
            var stop = matchEnd
            pos = matchEnd
            if token.singleWord {
                let spaceBefore = start == lo
                    || !WordCharacter.isWord(WordCharacter.scalar(before: start, in: bytes, from: lo))
                let spaceAfter = stop == hi || !WordCharacter.isWord(WordCharacter.scalar(at: stop, in: bytes, end: hi))
                if !spaceBefore || !spaceAfter { continue }
            }
            if token.leftStrip {
                start = max(WordCharacter.whitespaceStart(before: start, in: bytes, from: lo), startOffset)
            }
            if token.rightStrip {
                stop = WordCharacter.whitespaceEnd(from: stop, in: bytes, end: hi)
            }
            if startOffset < start { emit(.text(startOffset..<start)) }
            emit(.token(token.id))
            startOffset = stop
        }
        if startOffset != hi { emit(.text(startOffset..<hi)) }
    }

    /// Splits in two passes, non-normalized tokens first, then normalized ones in what is left.
    static func split(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, raw: AddedTokenMatcher,
        normalized: AddedTokenMatcher, _ emit: (AddedTokenSegment) -> Void
    ) {
        if raw.isEmpty && normalized.isEmpty {
            if !range.isEmpty { emit(.text(range)) }
            return
        }
        raw.split(bytes, range) { segment in
            switch segment {
            case .token: emit(segment)
            case let .text(r): normalized.split(bytes, r, emit)
            }
        }
    }

    private func longestMatch(_ bytes: UnsafeBufferPointer<UInt8>, at pos: Int, end: Int) -> Int? {
        for e in byFirstByte[Int(bytes[pos])] {
            let candidate = entries[e].bytes
            guard pos + candidate.count <= end else { continue }
            var k = 1
            while k < candidate.count, bytes[pos + k] == candidate[k] { k += 1 }
            if k == candidate.count { return e }
        }
        return nil
    }
}

/// The Rust `regex` crate's Unicode `\w` and `\s`, which `AddedVocabulary` uses for
/// `single_word`, `lstrip` and `rstrip`, over UTF-8 bytes.
enum WordCharacter {
    /// `\w`: Alphabetic, a mark (M), a decimal digit (Nd), connector punctuation (Pc) or
    /// Join_Control.
    static func isWord(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        let p = scalar.properties
        if p.isAlphabetic || p.isJoinControl { return true }
        switch p.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }

    /// The scalar starting at byte `i` (before `end`), or nil if ill-formed.
    static func scalar(at i: Int, in bytes: UnsafeBufferPointer<UInt8>, end: Int) -> Unicode.Scalar? {
        var iterator = bytes[i..<end].makeIterator()
        var decoder = UTF8()
        if case let .scalarValue(s) = decoder.decode(&iterator) { return s }
        return nil
    }

    /// The scalar ending just before byte `i` (not before `from`), or nil.
    static func scalar(before i: Int, in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Unicode.Scalar? {
        var start = i - 1
        while start > from, bytes[start] & 0xC0 == 0x80 { start -= 1 }
        return scalar(at: start, in: bytes, end: i)
    }

    /// The start of the whitespace (White_Space) run that ends at byte `i`, searching back to `from`.
    static func whitespaceStart(before i: Int, in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        var start = i
        while start > from, let s = scalar(before: start, in: bytes, from: from), s.properties.isWhitespace {
            start -= String(s).utf8.count
        }
        return start
    }

    /// The end of the whitespace run that starts at byte `i`, searching up to `end`.
    static func whitespaceEnd(from i: Int, in bytes: UnsafeBufferPointer<UInt8>, end: Int) -> Int {
        var stop = i
        while stop < end, let s = scalar(at: stop, in: bytes, end: end), s.properties.isWhitespace {
            stop += String(s).utf8.count
        }
        return stop
    }
}
