/// The character classes the pre-tokenizer regexes of byte-level BPE models use, as bits of one
/// byte per Unicode scalar, exactly as Hugging Face `tokenizers` (Oniguruma) matches them.
///
/// - `letter`: `\p{L}`, general category Lu, Ll, Lt, Lm or Lo. Combining marks (Mn, Mc, Me) are
///   not letters: "é" written as e + U+0301 splits after the "e".
/// - `number`: `\p{N}`, general category Nd, Nl or No (Rust's `char::is_numeric`, which the
///   `Digits` pre-tokenizer uses, is the same set): "٣", "²", "Ⅻ" are numbers.
/// - `whitespace`: `\s`, the 25 scalars with the Unicode White_Space property (tab, LF, VT, FF,
///   CR, space, U+0085, NBSP, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
///   U+200B (zero width space) and U+FEFF are not whitespace.
/// - `newline` (CR or LF), `space` (U+0020 only) and `apostrophe` (U+0027 only) for the
///   literal parts of the regexes.
///
/// Unicode version: `tokenizers` 0.22.1's Oniguruma knows Unicode 16.0, Swift 6.3's standard
/// library Unicode 17.0. Scalars first assigned after 16.0 (4,657 of them, e.g. U+088F) are
/// unassigned (Cn) to Oniguruma, so they are classed as neither letter nor number here, and the
/// splits match `tokenizers` scalar for scalar (checked over all 1,112,064 scalars against
/// `tokenizers` 0.22.1; see `scripts/check-tokenizer`).
enum ScalarClass {
    static let letter: UInt8 = 1
    static let number: UInt8 = 2
    static let whitespace: UInt8 = 4
    static let newline: UInt8 = 8
    static let space: UInt8 = 16
    static let apostrophe: UInt8 = 32

    /// True when the class is none of letter, number, whitespace (`[^\s\p{L}\p{N}]`).
    @inline(__always)
    static func isOther(_ c: UInt8) -> Bool { c & (letter | number | whitespace) == 0 }

    /// The class bits of `scalar` (a scalar value; surrogates and values past U+10FFFF get 0).
    @inline(__always)
    static func of(_ scalar: UInt32) -> UInt8 {
        scalar < 0x10000 ? basicPlane[Int(scalar)] : compute(scalar)
    }

    /// (65536) the classes of the Basic Multilingual Plane, computed once.
    static let basicPlane: [UInt8] = (0..<0x10000).map { compute(UInt32($0)) }

    /// The newest Unicode version whose assignments count (Oniguruma's in `tokenizers` 0.22.1).
    static let unicodeVersion = (major: 16, minor: 0)

    static func compute(_ value: UInt32) -> UInt8 {
        guard let scalar = Unicode.Scalar(value) else { return 0 }
        var c: UInt8 = 0
        let properties = scalar.properties
        if properties.isWhitespace { c |= whitespace }
        switch value {
        case 0x0A, 0x0D: c |= newline
        case 0x20: c |= space
        case 0x27: c |= apostrophe
        default: break
        }
        guard let age = properties.age,
              age.major < unicodeVersion.major
                || (age.major == unicodeVersion.major && age.minor <= unicodeVersion.minor)
        else { return c }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: c |= letter
        case .decimalNumber, .letterNumber, .otherNumber: c |= number
        default: break
        }
        return c
    }
}
