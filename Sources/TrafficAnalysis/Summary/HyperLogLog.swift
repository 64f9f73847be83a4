#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A HyperLogLog cardinality sketch (Flajolet et al. 2007, with the small-range linear counting
/// correction of Heule et al. 2013 "HyperLogLog in Practice" (HLL++), without its bias tables):
/// 2^14 one-byte registers (16 KiB), standard error 1.04 / √16384 ≈ 0.81%.
///
/// Mergeable by register-wise maximum (associative, commutative, idempotent), which is what makes
/// it the fallback for distinct counts across files and shards. Hashes must be the same in every
/// process for merged sketches to agree, so keys are hashed with the fixed `sketchSeed`, not a
/// table's random seed. (A sender choosing keys can only inflate an estimate, not slow us down.)
public struct HyperLogLog: Sendable, Equatable, Codable {
    public static let precision = 14
    public static let registerCount = 1 << precision
    /// Relative standard error of an estimate (1.04 / √m).
    public static let relativeStandardError = 1.04 / Double(registerCount).squareRoot()
    /// The hash seed shared by every process (see the type's discussion).
    public static let sketchSeed: UInt64 = 0x6e65_7463_656e_7375   // "netcensu"

    /// The registers (2^14 bytes).
    public internal(set) var registers: [UInt8]

    public init() { registers = [UInt8](repeating: 0, count: Self.registerCount) }

    /// Adds an element by its 64-bit hash (already well mixed).
    public mutating func add(hash: UInt64) {
        let index = Int(hash >> UInt64(64 - Self.precision))
        let rest = hash << UInt64(Self.precision) | (1 << UInt64(Self.precision - 1))
        let rank = UInt8(rest.leadingZeroBitCount + 1)
        if rank > registers[index] { registers[index] = rank }
    }

    /// Register-wise maximum.
    public mutating func merge(_ other: HyperLogLog) {
        for i in 0..<Self.registerCount where other.registers[i] > registers[i] { registers[i] = other.registers[i] }
    }

    /// The cardinality estimate (HLL raw estimate; linear counting while it is below 2.5 m and
    /// some register is still zero).
    public var estimate: Int {
        let m = Double(Self.registerCount)
        var sum = 0.0
        var zeros = 0
        for r in registers {
            sum += 1.0 / Double(UInt64(1) << UInt64(r))
            if r == 0 { zeros += 1 }
        }
        let alpha = 0.7213 / (1 + 1.079 / m)
        let raw = alpha * m * m / sum
        if raw <= 2.5 * m && zeros > 0 { return Int((m * log(m / Double(zeros))).rounded()) }
        return Int(raw.rounded())
    }

    // Codable as base64 text of the registers (16 KiB -> ~22 KB of text).
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let bytes = Base64.decode(text), bytes.count == Self.registerCount,
              bytes.allSatisfy({ $0 <= 64 - UInt8(Self.precision) + 1 }) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad HyperLogLog registers"))
        }
        registers = bytes
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(Base64.encode(registers))
    }
}

/// RFC 4648 base64 (standard alphabet, padded), for compact sketch state in JSON.
enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let b0 = UInt32(bytes[i]), b1 = i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0, b2 = i + 2 < bytes.count ? UInt32(bytes[i + 2]) : 0
            let v = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(i + 1 < bytes.count ? alphabet[Int(v >> 6 & 63)] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.count ? alphabet[Int(v & 63)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        var table = [Int](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = i }
        let chars = Array(text.utf8)
        guard chars.count % 4 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 4 * 3)
        var i = 0
        while i < chars.count {
            var v = 0, pad = 0
            for k in 0..<4 {
                let c = chars[i + k]
                if c == UInt8(ascii: "=") { guard i + 4 == chars.count, k >= 2 else { return nil }; pad += 1; v <<= 6; continue }
                guard pad == 0 else { return nil }
                let d = table[Int(c)]
                guard d >= 0 else { return nil }
                v = v << 6 | d
            }
            out.append(UInt8(v >> 16 & 0xff))
            if pad < 2 { out.append(UInt8(v >> 8 & 0xff)) }
            if pad < 1 { out.append(UInt8(v & 0xff)) }
            i += 4
        }
        return out
    }
}
