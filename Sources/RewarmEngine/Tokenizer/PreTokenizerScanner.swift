/// The scalars of a UTF-8 text as the pre-tokenizer scanners see them: a class byte
/// (`ScalarClass`) and a byte offset per scalar.
///
/// Scalar indices run over `0..<count`; `offsets[count]` is the end of the text, so scalar `i`
/// is the bytes `offsets[i]..<offsets[i + 1]`. An ill-formed UTF-8 byte (the input is meant to be
/// valid UTF-8; `Corpus` checks its files) counts as one scalar of no class, so nothing traps.
struct ScalarText {
    /// (count) class bits per scalar.
    var classes: [UInt8] = []
    /// (count + 1) byte offset of each scalar, then of the end.
    var offsets: [Int32] = []

    var count: Int { classes.count }

    /// Decodes `bytes[range]`; offsets are positions in `bytes`.
    mutating func load(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        classes.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        ScalarClass.basicPlane.withUnsafeBufferPointer { plane in
            var i = range.lowerBound
            let end = range.upperBound
            while i < end {
                let b0 = bytes[i]
                offsets.append(Int32(i))
                if b0 < 0x80 {
                    classes.append(plane[Int(b0)])
                    i += 1
                    continue
                }
                let length = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 1
                guard length > 1, i + length <= end else {
                    classes.append(0)
                    i += 1
                    continue
                }
                var value = UInt32(b0) & (0xFF >> (length + 1))
                var valid = true
                for k in 1..<length {
                    let b = bytes[i + k]
                    if b & 0xC0 != 0x80 { valid = false; break }
                    value = value << 6 | UInt32(b & 0x3F)
                }
                if valid {
                    classes.append(value < 0x10000 ? plane[Int(value)] : ScalarClass.compute(value))
                    i += length
                } else {
                    classes.append(0)
                    i += 1
                }
            }
        }
        offsets.append(Int32(range.upperBound))
    }
}

/// Hand-written scanners equivalent to the pre-tokenizer regexes of `PreTokenizer.SplitRegex`
/// and to the `Digits` pre-tokenizer, over one piece `lo..<hi` of scalar indices.
///
/// Each appends to `cuts` the end index of every split it finds, in order, the last being `hi`:
/// the regexes match every scalar (each alternative set covers letters, numbers, whitespace and
/// the rest), so the pieces tile the input as `tokenizers`' `Isolated` behaviour makes them.
/// At each position the regex alternatives are tried in their written order, as Oniguruma does;
/// the comments quote the alternative each branch implements.
struct PreTokenizerScanner {
    let classes: UnsafeBufferPointer<UInt8>
    let offsets: UnsafeBufferPointer<Int32>
    let bytes: UnsafeBufferPointer<UInt8>

    typealias C = ScalarClass

    /// GPT-2: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
    func gpt2(_ lo: Int, _ hi: Int, into cuts: inout [Int32]) {
        var i = lo
        while i < hi {
            let c = classes[i]
            let next: UInt8 = i + 1 < hi ? classes[i + 1] : 0
            var j: Int
            if c & C.apostrophe != 0, let n = contraction(i, hi, caseInsensitive: false) {
                j = i + n  // 's|'t|'re|'ve|'m|'ll|'d
            } else if c & C.space != 0, next & C.letter != 0 {
                j = run(i + 2, hi, C.letter)  //  ?\p{L}+ with the space
            } else if c & C.space != 0, next & C.number != 0 {
                j = run(i + 2, hi, C.number)  //  ?\p{N}+ with the space
            } else if c & C.space != 0, i + 1 < hi, C.isOther(next) {
                j = runOther(i + 2, hi)  //  ?[^\s\p{L}\p{N}]+ with the space
            } else if c & C.letter != 0 {
                j = run(i + 1, hi, C.letter)
            } else if c & C.number != 0 {
                j = run(i + 1, hi, C.number)
            } else if C.isOther(c) {
                j = runOther(i + 1, hi)
            } else {
                j = whitespace(i, hi)
            }
            cuts.append(Int32(j))
            i = j
        }
    }

    /// Llama 3 (`maxDigits` 3) and Qwen2 (`maxDigits` 1):
    /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*`
    /// `|\s*[\r\n]+|\s+(?!\S)|\s+` (one pattern, shown on two lines).
    func llama3(_ lo: Int, _ hi: Int, maxDigits: Int, into cuts: inout [Int32]) {
        var i = lo
        while i < hi {
            let c = classes[i]
            let next: UInt8 = i + 1 < hi ? classes[i + 1] : 0
            var j: Int
            if c & C.apostrophe != 0, let n = contraction(i, hi, caseInsensitive: true) {
                j = i + n  // (?i:'s|'t|'re|'ve|'m|'ll|'d)
            } else if c & (C.newline | C.letter | C.number) == 0, next & C.letter != 0 {
                j = run(i + 2, hi, C.letter)  // [^\r\n\p{L}\p{N}]?\p{L}+ with the prefix
            } else if c & C.letter != 0 {
                j = run(i + 1, hi, C.letter)
            } else if c & C.number != 0 {
                j = min(run(i + 1, hi, C.number), i + maxDigits)  // \p{N}{1,3}
            } else if c & C.space != 0, i + 1 < hi, C.isOther(next) {
                j = run(runOther(i + 2, hi), hi, C.newline)  //  ?[^\s\p{L}\p{N}]+[\r\n]*
            } else if C.isOther(c) {
                j = run(runOther(i + 1, hi), hi, C.newline)
            } else {
                // \s*[\r\n]+ : the whitespace run up to its last line break, if it has one.
                let end = run(i + 1, hi, C.whitespace)
                var lastBreak = -1
                for k in stride(from: end - 1, through: i, by: -1) where classes[k] & C.newline != 0 {
                    lastBreak = k
                    break
                }
                j = lastBreak >= 0 ? lastBreak + 1 : whitespace(i, hi)
            }
            cuts.append(Int32(j))
            i = j
        }
    }

    /// `Digits`: each number scalar alone (`individual`) or each run of them as one piece, and the
    /// text between them as pieces.
    func digits(_ lo: Int, _ hi: Int, individual: Bool, into cuts: inout [Int32]) {
        var i = lo
        while i < hi {
            var j: Int
            if classes[i] & C.number != 0 {
                j = individual ? i + 1 : run(i + 1, hi, C.number)
            } else {
                j = i + 1
                while j < hi, classes[j] & C.number == 0 { j += 1 }
            }
            cuts.append(Int32(j))
            i = j
        }
    }

    /// `\s+(?!\S)|\s+` at a whitespace scalar `i`: the whole run if it reaches the end of the
    /// piece or is one scalar long, else the run but its last scalar (which then starts the
    /// next piece, joining the word after it when it is a space).
    @inline(__always)
    func whitespace(_ i: Int, _ hi: Int) -> Int {
        let end = run(i + 1, hi, C.whitespace)
        return end == hi || end - i == 1 ? end : end - 1
    }

    /// The first index at or after `i` (up to `hi`) whose class lacks all of `bits`.
    @inline(__always)
    func run(_ i: Int, _ hi: Int, _ bits: UInt8) -> Int {
        var j = i
        while j < hi, classes[j] & bits != 0 { j += 1 }
        return j
    }

    /// The first index at or after `i` (up to `hi`) that is a letter, number or whitespace.
    @inline(__always)
    func runOther(_ i: Int, _ hi: Int) -> Int {
        var j = i
        while j < hi, C.isOther(classes[j]) { j += 1 }
        return j
    }

    /// The length in scalars (2 or 3) of a contraction `'s 't 're 've 'm 'll 'd` starting at the
    /// apostrophe `i`, or nil. Case-insensitive as Oniguruma's `(?i:...)`: ASCII either case, and
    /// U+017F (long s) for s, as `tokenizers` matches it.
    func contraction(_ i: Int, _ hi: Int, caseInsensitive: Bool) -> Int? {
        guard i + 1 < hi, let a = letter(at: i + 1, caseInsensitive) else { return nil }
        switch a {
        case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d"): return 2
        case UInt8(ascii: "r"), UInt8(ascii: "v"):
            return i + 2 < hi && letter(at: i + 2, caseInsensitive) == UInt8(ascii: "e") ? 3 : nil
        case UInt8(ascii: "l"):
            return i + 2 < hi && letter(at: i + 2, caseInsensitive) == UInt8(ascii: "l") ? 3 : nil
        default: return nil
        }
    }

    /// The ASCII letter scalar `k` is (lower-cased and with long s as "s" when case-insensitive),
    /// or nil.
    @inline(__always)
    func letter(at k: Int, _ caseInsensitive: Bool) -> UInt8? {
        let start = Int(offsets[k])
        let length = Int(offsets[k + 1]) - start
        let b = bytes[start]
        if length == 1 {
            guard caseInsensitive, b >= UInt8(ascii: "A"), b <= UInt8(ascii: "Z") else { return b }
            return b | 0x20
        }
        if caseInsensitive, length == 2, b == 0xC5, bytes[start + 1] == 0xBF { return UInt8(ascii: "s") }
        return nil
    }
}
