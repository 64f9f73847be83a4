import Crypto
import _CryptoExtras
import PacketDecoding

/// Prefix-preserving address anonymization, Crypto-PAn (J. Xu, J. Fan, M. Ammar, S. Moon,
/// "Prefix-Preserving IP Address Anonymization", ICNP 2002), with AES-128 from swift-crypto.
///
/// Key: 32 bytes; the first 16 are the AES key, the second 16 are encrypted once to give the
/// pad. Output bit i is input bit i XOR the first bit of AES(first i bits of the address
/// followed by the pad's remaining bits): two addresses sharing a k-bit prefix share a k-bit
/// prefix after anonymization, and nothing else is revealed without the key. IPv4 uses 32
/// rounds over the pad's first 32 bits (the reference implementation); IPv6 uses 128 rounds over
/// all 128 bits of the pad (the usual extension).
public struct CryptoPAn: Sendable {
    // Raw key bytes (SymmetricKey is not Sendable); a SymmetricKey is made per call.
    let keyBytes: [UInt8]
    let pad: [UInt8]

    /// - Parameter key: exactly 32 bytes.
    public init?(key: [UInt8]) {
        guard key.count == 32 else { return nil }
        keyBytes = Array(key[0..<16])
        var p = Array(key[16..<32])
        do { try AES.permute(&p, key: SymmetricKey(data: keyBytes)) } catch { return nil }
        pad = p
    }

    /// A random key for one run (the command's default without `--anonymize-key`).
    public static func randomKey() -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) }
    }

    /// Reads a key file: 32 raw bytes, or 64 hexadecimal digits (surrounding whitespace ignored).
    public static func key(fromFile bytes: [UInt8]) -> [UInt8]? {
        if bytes.count == 32 { return bytes }
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        var text = Substring(String(decoding: bytes, as: UTF8.self))
        while let c = text.first, isSpace(c) { text.removeFirst() }
        while let c = text.last, isSpace(c) { text.removeLast() }
        guard text.utf8.count == 64, text.allSatisfy(\.isHexDigit) else { return nil }
        var out: [UInt8] = []
        var i = text.startIndex
        while i < text.endIndex {
            let j = text.index(i, offsetBy: 2)
            guard let b = UInt8(text[i..<j], radix: 16) else { return nil }
            out.append(b)
            i = j
        }
        return out
    }

    /// The anonymized form of `a` (same family).
    public func anonymize(_ a: IPAddress) -> IPAddress {
        let bits = a.family == .v4 ? 32 : 128
        // The address as 128 bits, left aligned (IPv4 in the top 32).
        let (ah, al): (UInt64, UInt64) = a.family == .v4 ? (UInt64(a.v4Value) << 32, 0) : (a.high, a.low)
        var ph: UInt64 = 0, pl: UInt64 = 0
        for i in 0..<8 { ph = ph << 8 | UInt64(pad[i]); pl = pl << 8 | UInt64(pad[8 + i]) }
        var otpH: UInt64 = 0, otpL: UInt64 = 0
        var block = [UInt8](repeating: 0, count: 16)
        let key = SymmetricKey(data: keyBytes)
        for pos in 0..<bits {
            // First `pos` bits of the address, the rest from the pad (IPv4: only the first 32
            // bits of the block vary; bytes 4-15 stay the pad's).
            let (mh, ml) = Self.mask(pos)
            var ih = (ah & mh) | (ph & ~mh), il = (al & ml) | (pl & ~ml)
            if a.family == .v4 { ih = (ih & 0xffff_ffff_0000_0000) | (ph & 0xffff_ffff); il = pl }
            for i in 0..<8 { block[i] = UInt8(truncatingIfNeeded: ih >> UInt64(56 - 8 * i)); block[8 + i] = UInt8(truncatingIfNeeded: il >> UInt64(56 - 8 * i)) }
            try? AES.permute(&block, key: key)
            let bit = UInt64(block[0] >> 7)
            if pos < 64 { otpH |= bit << UInt64(63 - pos) } else { otpL |= bit << UInt64(127 - pos) }
        }
        if a.family == .v4 { return IPAddress(v4: a.v4Value ^ UInt32(truncatingIfNeeded: otpH >> 32)) }
        return IPAddress(v6High: a.high ^ otpH, low: a.low ^ otpL)
    }

    /// Masks keeping the first `pos` bits of a 128-bit value.
    static func mask(_ pos: Int) -> (UInt64, UInt64) {
        if pos == 0 { return (0, 0) }
        if pos < 64 { return (~UInt64(0) << UInt64(64 - pos), 0) }
        if pos == 64 { return (~0, 0) }
        return (~0, ~UInt64(0) << UInt64(128 - pos))
    }
}
