/// Text for untrusted bytes that must stay apart when used as a key (SNI, HTTP Host): valid
/// UTF-8 (Unicode section 3.9, table 3-7: no overlong forms, no surrogates, nothing above
/// U+10FFFF) passes through unchanged; every byte that does not begin a valid sequence is
/// written `\xNN` (two lower-case hex digits), and a backslash itself `\x5c`, so the mapping is
/// one-to-one. Decoding with U+FFFD replacement, as `String(decoding:as:)` does, made
/// `bad\xff.example` and `bad\xfe.example` one name.
///
/// `\xNN` is the form the renderers already use for control bytes (`Escaping.terminal`, the
/// TSV record logs), so a reader sees the same notation everywhere. The result is still
/// untrusted (it may hold controls, bidi marks...): renderers escape it as any other text.
public enum UntrustedText {
    /// The text of `bytes` (see the type's rules). ASCII without a backslash, the usual case,
    /// is decoded directly; otherwise at most 4 bytes are written per input byte.
    public static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        var plain = true
        for b in bytes where b >= 0x80 || b == 0x5c { plain = false; break }
        if plain { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        var i = 0
        while i < bytes.count {
            let n = validSequenceLength(bytes, at: i)
            if n > 0 && bytes[i] != 0x5c {
                for k in 0..<n { out.append(bytes[i + k]) }
                i += n
            } else {
                out += [0x5c, 0x78, hexDigit(bytes[i] >> 4), hexDigit(bytes[i] & 0xf)]  // \xNN
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `string` over an array of bytes.
    public static func string(_ bytes: [UInt8]) -> String { bytes.withUnsafeBytes { string($0) } }

    @inline(__always) static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 0x30 + v : 0x57 + v }

    /// Length of the well-formed UTF-8 sequence starting at `i` (1-4), or 0 when the byte there
    /// does not start one (Unicode table 3-7).
    static func validSequenceLength(_ b: UnsafeRawBufferPointer, at i: Int) -> Int {
        let c0 = b[i]
        if c0 < 0x80 { return 1 }
        func cont(_ k: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xbf) -> Bool { i + k < b.count && b[i + k] >= lo && b[i + k] <= hi }
        switch c0 {
        case 0xc2...0xdf: return cont(1) ? 2 : 0
        case 0xe0: return cont(1, 0xa0) && cont(2) ? 3 : 0
        case 0xe1...0xec, 0xee...0xef: return cont(1) && cont(2) ? 3 : 0
        case 0xed: return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0
        case 0xf0: return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0
        case 0xf1...0xf3: return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xf4: return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0
        default: return 0
        }
    }
}
