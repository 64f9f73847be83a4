import CaptureCore

/// Parses a whole DNS message (header, question section, answer section) into a reusable
/// `DNSMessage` (RFC 1035 section 4.1; AAAA RFC 3596; SVCB/HTTPS RFC 9460). The authority and
/// additional sections are only counted (their header counts are kept, their records not read).
///
/// ```
/// header (12 bytes, RFC 1035 section 4.1.1)
///   0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15
/// |                      ID                       |
/// |QR|   Opcode  |AA|TC|RD|RA| Z|AD|CD|   RCODE   |
/// |          QDCOUNT / ANCOUNT / NSCOUNT / ARCOUNT |
/// question: QNAME  QTYPE(2) QCLASS(2)
/// record:   NAME   TYPE(2) CLASS(2) TTL(4) RDLENGTH(2) RDATA
/// ```
///
/// **Names** (RFC 1035 sections 3.1 and 4.1.4) are decoded with compression. A pointer must
/// point strictly before every byte read so far for this name (the start of the name, then each
/// earlier pointer's target): a compressor only ever points at a *prior* occurrence, and this
/// rule makes targets strictly decrease, so a loop or a forward pointer stops parsing
/// (`badPointer`) instead of looping. Names are at most 255 octets in wire form and
/// `maxLabels` labels (`nameTooLong`).
///
/// **Presentation form**: labels joined by ".", no trailing dot, "." for the root; ASCII upper
/// case is lowered (names compare case-insensitively, RFC 4343 section 3); a "." or "\" inside a
/// label is written `\.` / `\\`, and every byte outside 0x21-0x7E as `\DDD` (three decimal
/// digits, RFC 4343 section 2.1 / RFC 1035 section 5.1). The result is pure ASCII with no
/// control bytes, safe to store; a rendering layer still escapes for its own medium.
///
/// Never traps: every read goes through the bounds-checked `readBigEndian`; the work per
/// message is bounded by the counts in `DNSParseOptions`. Over TCP, strip the 2-byte length
/// prefix first (`DNSTCPStream` does).
public struct DNSMessageParser: Sendable {
    public var options: DNSParseOptions
    /// Presentation bytes of the name being decoded (reused, so steady state allocates only the
    /// stored strings, and none for names of up to 15 bytes, which Swift keeps inline).
    private var scratch: [UInt8] = []
    /// Names of the current message already decoded, by the offset they start at (at most
    /// `maxCachedNames`), with the pointer hops their decoding took. A name that is a single
    /// compression pointer to one of them (the usual owner name `c0 0c` of an answer) reuses its
    /// string instead of decoding and allocating it again.
    private var names: [(offset: Int, name: String, hops: Int)] = []
    static let maxCachedNames = 32

    public init(options: DNSParseOptions = DNSParseOptions()) {
        self.options = options
        scratch.reserveCapacity(256)
        names.reserveCapacity(Self.maxCachedNames)
    }

    enum Field {
        static let id = 0
        static let flags = 2
        static let questionCount = 4
        static let answerCount = 6
        static let authorityCount = 8
        static let additionalCount = 10
        static let headerLength = 12
    }
    enum RRType {
        static let a: UInt16 = 1, cname: UInt16 = 5, ptr: UInt16 = 12, aaaa: UInt16 = 28
        static let svcb: UInt16 = 64, https: UInt16 = 65
    }
    /// SvcParamKey registry (RFC 9460 section 14.3.2).
    enum SvcParamKey {
        static let alpn: UInt16 = 1, ipv4hint: UInt16 = 4, ipv6hint: UInt16 = 6
    }
    static let maxNameOctets = 255
    /// Pointer hops per name. Strictly decreasing targets already guarantee termination; this
    /// caps the work at a constant (a real name needs at most one pointer per label).
    static let maxPointerHops = 128

    /// Parses `bytes` (one DNS message, no TCP length prefix) into `message`, which is reset
    /// first. Returns nil when the header, every question and every answer were read, or why and
    /// where (offset from the start of `bytes`) parsing stopped; the same value is stored in
    /// `message.stop`, and everything read before the stop stays in `message`.
    @discardableResult
    public mutating func parse(_ bytes: UnsafeRawBufferPointer, into message: inout DNSMessage) -> DNSParseStop? {
        message.reset()
        names.removeAll(keepingCapacity: true)
        let stop = parseSections(bytes, &message)
        message.stop = stop
        return stop
    }

    private mutating func parseSections(_ bytes: UnsafeRawBufferPointer, _ m: inout DNSMessage) -> DNSParseStop? {
        guard bytes.count >= Field.headerLength else { return DNSParseStop(offset: 0, reason: .truncatedHeader) }
        m.id = bytes.uncheckedBigEndian(at: Field.id)
        let flags: UInt16 = bytes.uncheckedBigEndian(at: Field.flags)
        m.isResponse = flags & 0x8000 != 0
        m.opcode = UInt8((flags >> 11) & 0x0f)
        m.authoritative = flags & 0x0400 != 0
        m.truncated = flags & 0x0200 != 0
        m.recursionDesired = flags & 0x0100 != 0
        m.recursionAvailable = flags & 0x0080 != 0
        m.authenticData = flags & 0x0020 != 0
        m.checkingDisabled = flags & 0x0010 != 0
        m.rcode = UInt8(flags & 0x000f)
        m.questionCount = bytes.uncheckedBigEndian(at: Field.questionCount)
        m.answerCount = bytes.uncheckedBigEndian(at: Field.answerCount)
        m.authorityCount = bytes.uncheckedBigEndian(at: Field.authorityCount)
        m.additionalCount = bytes.uncheckedBigEndian(at: Field.additionalCount)

        var offset = Field.headerLength
        for _ in 0..<Int(m.questionCount) {
            guard m.questions.count < options.maxQuestions else { return DNSParseStop(offset: offset, reason: .recordLimit) }
            let name: String
            switch readName(bytes, at: offset, end: bytes.count, compression: true) {
            case .success(let n): name = n.name; offset = n.next
            case .failure(let stop): return stop
            }
            guard let type: UInt16 = bytes.readBigEndian(at: offset),
                  let qclass: UInt16 = bytes.readBigEndian(at: offset + 2) else {
                return DNSParseStop(offset: offset, reason: .truncated)
            }
            m.questions.append(DNSQuestion(name: name, type: type, qclass: qclass))
            offset += 4
        }
        for _ in 0..<Int(m.answerCount) {
            guard m.answers.count < options.maxAnswers else { return DNSParseStop(offset: offset, reason: .recordLimit) }
            switch readRecord(bytes, at: offset, &m) {
            case .success(let next): offset = next
            case .failure(let stop): return stop
            }
        }
        return nil
    }

    /// One resource record at `start`; appends it and returns the offset after it.
    private mutating func readRecord(_ bytes: UnsafeRawBufferPointer, at start: Int,
                                     _ m: inout DNSMessage) -> Result<Int, DNSParseStop> {
        let owner: String
        var offset = start
        switch readName(bytes, at: offset, end: bytes.count, compression: true) {
        case .success(let n): owner = n.name; offset = n.next
        case .failure(let stop): return .failure(stop)
        }
        guard offset + 10 <= bytes.count else { return .failure(DNSParseStop(offset: offset, reason: .truncated)) }
        let type: UInt16 = bytes.uncheckedBigEndian(at: offset)
        let rrclass: UInt16 = bytes.uncheckedBigEndian(at: offset + 2)
        let ttl: UInt32 = bytes.uncheckedBigEndian(at: offset + 4)
        let rdLength = Int(bytes.uncheckedBigEndian(UInt16.self, at: offset + 8))
        let rdStart = offset + 10
        let rdEnd = rdStart + rdLength
        guard rdEnd <= bytes.count else { return .failure(DNSParseStop(offset: offset + 8, reason: .truncated)) }
        let badRData = DNSParseStop(offset: rdStart, reason: .badRData)

        let data: DNSRecordData
        switch type {
        case RRType.a:
            guard rdLength == 4, let a = IPAddress(.v4, from: bytes, at: rdStart) else { return .failure(badRData) }
            data = .a(a)
        case RRType.aaaa:
            guard rdLength == 16, let a = IPAddress(.v6, from: bytes, at: rdStart) else { return .failure(badRData) }
            data = .aaaa(a)
        case RRType.cname, RRType.ptr:
            // RFC 1035 section 4.1.4 allows compression in these well-known types.
            switch readName(bytes, at: rdStart, end: rdEnd, compression: true) {
            case .success(let n):
                guard n.next == rdEnd else { return .failure(badRData) }
                data = type == RRType.cname ? .cname(n.name) : .ptr(n.name)
            case .failure(let stop):
                return .failure(stop.reason == .truncated ? badRData : stop)
            }
        case RRType.svcb, RRType.https:
            switch readServiceBinding(bytes, from: rdStart, to: rdEnd, &m) {
            case .success(let binding): data = type == RRType.svcb ? .svcb(binding) : .https(binding)
            case .failure(let stop): return .failure(stop)
            }
        default:
            data = .other(type: type)
        }
        m.answers.append(DNSResourceRecord(name: owner, type: type, rrclass: rrclass, ttl: ttl, data: data))
        return .success(rdEnd)
    }

    /// SVCB/HTTPS RDATA (RFC 9460 section 2.2): SvcPriority (2), TargetName (uncompressed:
    /// "MUST NOT be compressed"), then SvcParams as key (2) / length (2) / value, keys in
    /// strictly increasing order ("clients MUST consider an RR malformed if" not). Unknown keys
    /// are skipped by their length.
    private mutating func readServiceBinding(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int,
                                             _ m: inout DNSMessage) -> Result<DNSServiceBinding, DNSParseStop> {
        let bad = DNSParseStop(offset: start, reason: .badRData)
        guard start + 2 <= end, let priority: UInt16 = bytes.readBigEndian(at: start) else { return .failure(bad) }
        var binding = DNSServiceBinding(priority: priority, target: ".")
        var offset = start + 2
        switch readName(bytes, at: offset, end: end, compression: false) {
        case .success(let n): binding.target = n.name; offset = n.next
        case .failure(let stop): return .failure(DNSParseStop(offset: stop.offset, reason: .badRData))
        }
        var previousKey: Int = -1
        while offset < end {
            guard offset + 4 <= end, let key: UInt16 = bytes.readBigEndian(at: offset),
                  let length16: UInt16 = bytes.readBigEndian(at: offset + 2) else {
                return .failure(DNSParseStop(offset: offset, reason: .badRData))
            }
            let length = Int(length16)
            let valueStart = offset + 4
            let valueEnd = valueStart + length
            guard Int(key) > previousKey, valueEnd <= end else {
                return .failure(DNSParseStop(offset: offset, reason: .badRData))
            }
            previousKey = Int(key)
            let badValue = DNSParseStop(offset: valueStart, reason: .badRData)
            switch key {
            case SvcParamKey.alpn:
                // A non-empty sequence of alpn-ids, each a length octet (1-255) and its bytes.
                guard length > 0 else { return .failure(badValue) }
                var p = valueStart
                while p < valueEnd {
                    guard let idLength8: UInt8 = bytes.readBigEndian(at: p), idLength8 > 0,
                          p + 1 + Int(idLength8) <= valueEnd else { return .failure(badValue) }
                    if binding.alpn.count < options.maxServiceValues {
                        binding.alpn.append(escapedText(bytes, from: p + 1, count: Int(idLength8)))
                    } else {
                        m.omittedValues += 1
                    }
                    p += 1 + Int(idLength8)
                }
            case SvcParamKey.ipv4hint, SvcParamKey.ipv6hint:
                let family: IPFamily = key == SvcParamKey.ipv4hint ? .v4 : .v6
                let size = family == .v4 ? 4 : 16
                guard length > 0, length % size == 0 else { return .failure(badValue) }
                var p = valueStart
                while p < valueEnd {
                    guard let address = IPAddress(family, from: bytes, at: p) else { return .failure(badValue) }
                    if family == .v4 {
                        if binding.ipv4Hints.count < options.maxServiceValues { binding.ipv4Hints.append(address) } else { m.omittedValues += 1 }
                    } else {
                        if binding.ipv6Hints.count < options.maxServiceValues { binding.ipv6Hints.append(address) } else { m.omittedValues += 1 }
                    }
                    p += size
                }
            default:
                break
            }
            offset = valueEnd
        }
        return .success(binding)
    }

    /// Decodes the name at `start` whose in-place bytes must end by `end`; returns its
    /// presentation form and the offset just after its in-place bytes (after the zero octet or
    /// the first pointer).
    ///
    /// A name that is only a pointer to the start of a name decoded earlier in this message
    /// gives that name's string: decoding from the pointer's target is exactly what decoding
    /// that earlier name did (same `lowest` bound, the whole message readable after a pointer,
    /// pointers add no wire octets), one hop more, so the cached result stands when that hop
    /// stays within `maxPointerHops`.
    mutating func readName(_ bytes: UnsafeRawBufferPointer, at start: Int, end: Int,
                           compression: Bool) -> Result<(name: String, next: Int), DNSParseStop> {
        if compression, !names.isEmpty, start + 2 <= min(end, bytes.count),
           let pointer: UInt16 = bytes.readBigEndian(at: start), pointer >> 14 == 3 {
            let target = Int(pointer & 0x3fff)
            if target < start {
                for n in names where n.offset == target && n.hops < Self.maxPointerHops {
                    return .success((n.name, start + 2))
                }
            }
        }
        let result = decodeName(bytes, at: start, end: end, compression: compression)
        if case .success(let n) = result, names.count < Self.maxCachedNames {
            names.append((start, n.name, n.hops))
        }
        return result.map { ($0.name, $0.next) }
    }

    /// `readName` without the cache; also returns the pointer hops taken.
    private mutating func decodeName(_ bytes: UnsafeRawBufferPointer, at start: Int, end: Int,
                                     compression: Bool) -> Result<(name: String, next: Int, hops: Int), DNSParseStop> {
        scratch.removeAll(keepingCapacity: true)
        var position = start
        // Bytes may be read up to `readLimit`: `end` in place, the whole message after a pointer.
        var readLimit = min(end, bytes.count)
        var next: Int? = nil
        // Every pointer must target strictly below this (the lowest offset this name has used).
        var lowest = start
        var wireOctets = 0
        var labels = 0
        var hops = 0
        while true {
            guard position < readLimit, let length: UInt8 = bytes.readBigEndian(at: position) else {
                return .failure(DNSParseStop(offset: position, reason: .truncated))
            }
            switch length >> 6 {
            case 0:
                wireOctets += 1 + Int(length)
                guard wireOctets <= Self.maxNameOctets else {
                    return .failure(DNSParseStop(offset: position, reason: .nameTooLong))
                }
                if length == 0 {
                    let name = scratch.isEmpty ? "." : String(decoding: scratch, as: UTF8.self)
                    return .success((name, next ?? position + 1, hops))
                }
                labels += 1
                guard labels <= options.maxLabels else { return .failure(DNSParseStop(offset: position, reason: .nameTooLong)) }
                let labelStart = position + 1
                guard labelStart + Int(length) <= readLimit else {
                    return .failure(DNSParseStop(offset: position, reason: .truncated))
                }
                if !scratch.isEmpty { scratch.append(UInt8(ascii: ".")) }
                appendEscaped(bytes, from: labelStart, count: Int(length))
                position = labelStart + Int(length)
            case 3:
                guard compression else { return .failure(DNSParseStop(offset: position, reason: .badPointer)) }
                guard position + 2 <= readLimit, let pointer: UInt16 = bytes.readBigEndian(at: position) else {
                    return .failure(DNSParseStop(offset: position, reason: .truncated))
                }
                let target = Int(pointer & 0x3fff)
                hops += 1
                guard target < lowest, hops <= Self.maxPointerHops else {
                    return .failure(DNSParseStop(offset: position, reason: .badPointer))
                }
                if next == nil { next = position + 2 }
                lowest = target
                position = target
                readLimit = bytes.count
            default:
                return .failure(DNSParseStop(offset: position, reason: .badLabelType))
            }
        }
    }

    /// Appends one label's bytes in presentation form (see the type's documentation).
    private mutating func appendEscaped(_ bytes: UnsafeRawBufferPointer, from start: Int, count: Int) {
        for i in start..<(start + count) {
            guard let b: UInt8 = bytes.readBigEndian(at: i) else { return }
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): scratch.append(b | 0x20)
            case UInt8(ascii: "."), UInt8(ascii: "\\"): scratch.append(UInt8(ascii: "\\")); scratch.append(b)
            case 0x21...0x7e: scratch.append(b)
            default:
                scratch.append(UInt8(ascii: "\\"))
                scratch.append(UInt8(ascii: "0") + b / 100)
                scratch.append(UInt8(ascii: "0") + (b / 10) % 10)
                scratch.append(UInt8(ascii: "0") + b % 10)
            }
        }
    }

    /// A character-string (alpn id) as text: printable ASCII kept as is (case too); `\`, `,`
    /// (the list separator of RFC 9460 section 7.1.1's presentation form) and every other byte
    /// `\DDD`-escaped, so ids can be joined with "," unambiguously.
    private func escapedText(_ bytes: UnsafeRawBufferPointer, from start: Int, count: Int) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        for i in start..<(start + count) {
            guard let b: UInt8 = bytes.readBigEndian(at: i) else { break }
            if b >= 0x21 && b <= 0x7e && b != UInt8(ascii: "\\") && b != UInt8(ascii: ",") {
                out.append(b)
            } else {
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "0") + b / 100)
                out.append(UInt8(ascii: "0") + (b / 10) % 10)
                out.append(UInt8(ascii: "0") + b % 10)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
