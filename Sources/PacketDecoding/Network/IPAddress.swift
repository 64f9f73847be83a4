import CaptureCore

/// IP version of a network-layer header.
public enum IPFamily: UInt8, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case v4 = 4
    case v6 = 6
    public var description: String { self == .v4 ? "IPv4" : "IPv6" }
}

/// An IPv4 or IPv6 address held inline (16 bytes + family tag), so flow and host tables hash
/// it without allocating (gopacket `flows.go` style).
///
/// IPv4 addresses sit in the low 32 bits of `low` with `high == 0`.
public struct IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64
    public var family: IPFamily

    @inlinable public init(v4 value: UInt32) {
        self.high = 0; self.low = UInt64(value); self.family = .v4
    }

    @inlinable public init(v6High high: UInt64, low: UInt64) {
        self.high = high; self.low = low; self.family = .v6
    }

    /// Reads an address of `family` at `offset` (network byte order); nil if not fully captured.
    @inlinable public init?(_ family: IPFamily, from bytes: UnsafeRawBufferPointer, at offset: Int) {
        switch family {
        case .v4:
            guard let v: UInt32 = bytes.readBigEndian(at: offset) else { return nil }
            self.init(v4: v)
        case .v6:
            guard let h: UInt64 = bytes.readBigEndian(at: offset),
                  let l: UInt64 = bytes.readBigEndian(at: offset + 8) else { return nil }
            self.init(v6High: h, low: l)
        }
    }

    /// The IPv4 address as a 32-bit value (meaningful when `family == .v4`).
    @inlinable public var v4Value: UInt32 { UInt32(truncatingIfNeeded: low) }

    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        (a.family.rawValue, a.high, a.low) < (b.family.rawValue, b.high, b.low)
    }

    /// Dotted quad for IPv4; RFC 5952 canonical text for IPv6 (lower case, longest zero run
    /// of two or more groups compressed, first such run on ties).
    public var description: String {
        if family == .v4 {
            let v = v4Value
            return "\(v >> 24).\((v >> 16) & 0xff).\((v >> 8) & 0xff).\(v & 0xff)"
        }
        var groups = [UInt16](repeating: 0, count: 8)
        for i in 0..<4 {
            groups[i] = UInt16(truncatingIfNeeded: high >> (48 - 16 * UInt64(i)))
            groups[i + 4] = UInt16(truncatingIfNeeded: low >> (48 - 16 * UInt64(i)))
        }
        var bestStart = -1, bestLen = 0, i = 0
        while i < 8 {
            if groups[i] == 0 {
                var j = i
                while j < 8 && groups[j] == 0 { j += 1 }
                if j - i > bestLen && j - i >= 2 { bestStart = i; bestLen = j - i }
                i = j
            } else { i += 1 }
        }
        func hex(_ r: Range<Int>) -> String { r.map { String(groups[$0], radix: 16) }.joined(separator: ":") }
        if bestStart < 0 { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLen)..<8)
    }
}
