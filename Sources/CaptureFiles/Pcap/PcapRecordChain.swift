import CaptureCore

/// What a plausible classic pcap record header looks like, and the search for the next chain of
/// them after damage (the resynchronisation of `PcapReader`).
///
/// A pcap file has no record marker: records simply follow one another (pcap-savefile(5)), so a
/// position is believed to start a record only when a *chain* of records starting there holds
/// up. Each record of the chain must be plausible:
/// * the timestamp fraction is below one second (10^6 µs or 10^9 ns: draft-ietf-opsawg-pcap
///   section 5 defines it as the fraction of the second);
/// * 0 < len <= 16 MiB, caplen <= len, caplen <= max(snaplen, 262144) (libpcap's checks in
///   sf-pcap.c; no real frame is near 16 MiB, an IPv6 jumbogram in the corpus has 65,590);
/// * the first record is not more than a week earlier than the last good record (merged
///   captures jump forward by months, as two public captures do, so later is allowed), and
///   each next record is within a week of the one before.
/// The "not earlier" rule is what defeats the phantom chain four bytes into every record of a
/// file whose caplen equals len: read there, seconds = the real fraction (< 10^6 µs, so
/// January 1970), fraction = caplen, caplen = len, len = the first packet bytes: plausible
/// otherwise, and chained (found by the random-damage test on the public corpus). For random
/// bytes one header passes with probability about 10^-9, and four chained never do.
struct PcapRecordChain {
    let big: Bool
    let swapBelow23: Bool
    let swapIf23: Bool
    let snaplen: Int
    /// max(snaplen, 262144): libpcap's bound on caplen.
    let caplenLimit: Int
    /// 10^6 for microsecond files, 10^9 for nanosecond files.
    let unitsPerSecond: UInt32
    /// Records in a chain that confirms a resynchronisation point.
    static let chainLength = 4
    /// Largest timestamp step between neighbouring records before a header counts as odd.
    static let timestampWindowSeconds: Int64 = 7 * 86_400

    struct Header {
        var seconds: UInt32, fraction: UInt32, caplen: Int, length: Int
    }

    init(header: PcapFileHeader) {
        big = header.byteOrder == .big
        swapBelow23 = header.versionMinor < 3
        swapIf23 = header.versionMinor == 3
        snaplen = Int(header.snaplen)
        caplenLimit = max(Int(header.snaplen), PcapReader.maximumSnaplen)
        unitsPerSecond = header.timestampResolution.exponent == 9 ? 1_000_000_000 : 1_000_000
    }

    /// The 16-byte record header at the start of `h`, caplen and len swapped back for old versions.
    @inline(__always)
    func decode(_ h: UnsafeRawBufferPointer) -> Header {
        var caplen = Int(h.u32(8, big))
        var length = Int(h.u32(12, big))
        if swapBelow23 || (swapIf23 && caplen > length) { swap(&caplen, &length) }
        return Header(seconds: h.u32(0, big), fraction: h.u32(4, big), caplen: caplen, length: length)
    }

    /// Largest plausible original length (16 MiB).
    static let maximumOriginalLength = 1 << 24

    @inline(__always)
    static func near(_ a: UInt32, _ b: UInt32?) -> Bool {
        guard let b else { return true }
        let d = Int64(a) - Int64(b)
        return d <= timestampWindowSeconds && d >= -timestampWindowSeconds
    }

    /// A header the normal path accepts only if the next header checks out (see `PcapReader`).
    @inline(__always)
    func isOdd(_ r: Header, after last: UInt32?) -> Bool {
        r.fraction >= unitsPerSecond || r.caplen > r.length || (snaplen > 0 && r.caplen > snaplen) || !Self.near(r.seconds, last)
    }

    /// Every rule of the type comment, against the previous record's seconds.
    @inline(__always)
    func isPlausible(_ r: Header, after previous: UInt32?) -> Bool {
        r.fraction < unitsPerSecond && r.length > 0 && r.length <= Self.maximumOriginalLength
            && r.caplen <= r.length && r.caplen <= caplenLimit
            && r.caplen <= CaptureByteWindow.maximumRequestBytes - 16 && Self.near(r.seconds, previous)
    }

    /// True when `chainLength` plausible records start at `position`, each where the previous
    /// one ends, or at least one that ends exactly at the end of the input. `lastGood`: seconds
    /// of the last record delivered before the damage (nil: none).
    func chainStarts(at position: Int, in window: inout CaptureByteWindow, lastGood: UInt32?) -> Bool {
        var q = position, previous: UInt32? = nil
        for n in 0..<Self.chainLength {
            guard let h = window.bytes(at: q, count: 16, keeping: position) else {
                return n > 0 && window.bytesUpTo(at: q, count: 1, keeping: position).isEmpty
            }
            let r = decode(h)
            if n == 0, let lastGood, Int64(r.seconds) < Int64(lastGood) - Self.timestampWindowSeconds { return false }
            guard isPlausible(r, after: previous),
                  window.bytes(at: q, count: 16 + r.caplen, keeping: position) != nil else { return false }
            previous = r.seconds
            q += 16 + r.caplen
        }
        return true
    }

    /// The first offset at or after `from` where a chain starts; nil when none does before the end.
    /// Linear in the bytes scanned (each candidate fails on its first header almost always).
    func resynchronize(_ window: inout CaptureByteWindow, from: Int, lastGood: UInt32?) -> Int? {
        var p = from
        while let h = window.bytes(at: p, count: 16, keeping: p) {
            if isPlausible(decode(h), after: nil), chainStarts(at: p, in: &window, lastGood: lastGood) { return p }
            p += 1
        }
        return nil
    }
}
