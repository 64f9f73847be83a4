/// A connection's Zeek history as the connection table keeps it: the codes of the TCP flag
/// events (event + 1, +8 for the responder) in 4-bit nibbles in order of first appearance, how
/// many, and whether the direction was flipped (the capture started after the SYN). `text`
/// writes the letters. A record keeps this and writes the text only when asked
/// (`ConnectionRecord.history`): a connection log asks for every record, the CDN analysis
/// (the summary's only consumer of records) never, and building the string for every record
/// was a tenth of what the CDN analysis added to a summary (callgrind, issue 9).
public struct ConnectionHistory: Sendable, Hashable {
    /// Event codes, 4 bits each, first event in the low nibble (at most 16).
    public var codes: UInt64
    public var length: UInt8
    public var flipped: Bool

    @inlinable public init(codes: UInt64, length: UInt8, flipped: Bool) {
        self.codes = codes; self.length = length; self.flipped = flipped
    }

    /// The Zeek history letters: S h A D F R (originator upper case, responder lower case), `^`
    /// first when flipped. Written as bytes into the string's own storage (at most 17 ASCII
    /// bytes): building it from `Character`s and `lowercased()` cost ~2,000 instructions per
    /// record, more than the rest of the record (callgrind, issue 9).
    public var text: String {
        let letters: StaticString = "SHADFR"
        let count = Int(length) + (flipped ? 1 : 0)
        return String(unsafeUninitializedCapacity: count) { out in
            var k = 0
            if flipped { out[0] = UInt8(ascii: "^"); k = 1 }
            for i in 0..<Int(length) {
                let code = Int(codes >> (4 * UInt64(i)) & 0xf)
                let responder = code > 8
                let e = (responder ? code - 8 : code) - 1
                guard e >= 0 && e < 6 else { continue }
                let upper = letters.utf8Start[e]
                out[k] = responder ? upper | 0x20 : upper   // responder letters in lower case
                k += 1
            }
            return k
        }
    }
}
