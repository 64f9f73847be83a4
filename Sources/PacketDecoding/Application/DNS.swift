import CaptureCore

/// DNS message header and the parts of the question and answer sections the analyses need
/// (RFC 1035 section 4.1).
///
/// ```
///                                 1  1  1  1  1  1
///   0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
/// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// |                      ID                       |
/// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// |QR|   Opcode  |AA|TC|RD|RA|   Z    |   RCODE   |
/// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// |                    QDCOUNT                    |
/// |                    ANCOUNT                    |
/// |                    NSCOUNT                    |
/// |                    ARCOUNT                    |
/// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// ```
/// Question: QNAME, QTYPE (2), QCLASS (2). Resource record: NAME, TYPE (2), CLASS (2), TTL (4),
/// RDLENGTH (2), RDATA. A name is a sequence of labels (length octet 1-63) ending in a zero
/// octet or in a 2-octet compression pointer (top bits 11, section 4.1.4). Names are skipped in
/// place and pointers are never followed, so a pointer loop cannot make the decoder loop.
/// Over TCP each message has a 2-octet length prefix (RFC 1035 section 4.2.2, RFC 7766).
struct DNSHeader {
    enum Field {
        static let id = 0
        static let flags = 2
        static let questionCount = 4
        static let answerCount = 6
        static let authorityCount = 8
        static let additionalCount = 10
        static let questions = 12
    }
    static let length = Field.questions
    static let responseFlag: UInt16 = 0x8000
    static let typeA: UInt16 = 1
    static let typeAAAA: UInt16 = 28
    static let questionFixedLength = 4
    static let recordFixedLength = 10
    static let rdLengthOffsetInRecord = 8
    static let tcpLengthPrefix = 2
    /// RFC 1035 section 2.3.4: names are at most 255 octets, so at most 127 labels.
    static let maxLabels = 127
    /// Length-prefixed messages looked at in one TCP segment.
    static let maxMessagesPerSegment = 16
}

/// Why a DNS walk stopped early.
enum DNSWalkStop {
    case endOfBytes
    case malformed
}

extension PacketDecoder {
    /// One DNS message over UDP. `complete`: the bytes are the whole message (not cut by the
    /// capture or by fragmentation), so running out of them is malformation.
    func decodeDNSMessage(_ bytes: UnsafeRawBufferPointer, complete: Bool, _ context: DecodeContext,
                          _ packet: inout DecodedPacket) {
        guard packet.dns == nil else { return }
        // When the message is not complete (capture cut or fragment), the IP layer has already
        // said so; running out of bytes here is then no fault of the message.
        guard bytes.count >= DNSHeader.length else {
            if complete { packet.note(.dnsMalformed) }
            return
        }
        var info = DNSMessageInfo()
        if let stop = walkDNS(bytes, into: &info, &packet), stop == .malformed || complete {
            packet.note(.dnsMalformed)
        }
        packet.dns = info
    }

    /// DNS over TCP when whole messages sit in this segment: the first message's QR bit and ID
    /// decide; question and answer facts of every message are merged (HOW_EXPECTED_WAS_MADE.md:
    /// DNS counts frames). A message continued in a later segment is not reassembled.
    func decodeDNSOverTCP(_ bytes: UnsafeRawBufferPointer, _ context: DecodeContext, _ packet: inout DecodedPacket) {
        guard packet.dns == nil else { return }
        var offset = 0
        var merged: DNSMessageInfo? = nil
        var messages = 0
        while messages < DNSHeader.maxMessagesPerSegment,
              let length: UInt16 = bytes.readBigEndian(at: offset) {
            let start = offset + DNSHeader.tcpLengthPrefix
            guard Int(length) >= DNSHeader.length, start + Int(length) <= bytes.count else { break }
            var info = DNSMessageInfo()
            if walkDNS(bytes.clampedSlice(from: start, length: Int(length)), into: &info, &packet) != nil {
                packet.note(.dnsMalformed)
            }
            if var m = merged {
                m.asksA = m.asksA || info.asksA
                m.asksAAAA = m.asksAAAA || info.asksAAAA
                m.answersA += info.answersA
                m.answersAAAA += info.answersAAAA
                merged = m
            } else {
                merged = info
            }
            messages += 1
            offset = start + Int(length)
        }
        if let merged { packet.dns = merged }
    }

    /// Reads header, questions and (for responses) answer types. Returns nil when the message
    /// was walked to its end, or why it stopped.
    func walkDNS(_ bytes: UnsafeRawBufferPointer, into info: inout DNSMessageInfo,
                 _ packet: inout DecodedPacket) -> DNSWalkStop? {
        guard bytes.count >= DNSHeader.length else { return .endOfBytes }
        info.transactionID = bytes.uncheckedBigEndian(at: DNSHeader.Field.id)
        let flags: UInt16 = bytes.uncheckedBigEndian(at: DNSHeader.Field.flags)
        info.isResponse = flags & DNSHeader.responseFlag != 0
        let questions = Int(bytes.uncheckedBigEndian(UInt16.self, at: DNSHeader.Field.questionCount))
        let answers = Int(bytes.uncheckedBigEndian(UInt16.self, at: DNSHeader.Field.answerCount))
        var offset = DNSHeader.Field.questions
        let limit = options.maxDNSRecords
        if questions > limit || (info.isResponse && answers > limit) { packet.note(.dnsTooManyRecords) }

        for _ in 0..<min(questions, limit) {
            switch skipDNSName(bytes, at: offset) {
            case .success(let end): offset = end
            case .failure(let stop): return stop
            }
            guard let qtype: UInt16 = bytes.readBigEndian(at: offset),
                  offset + DNSHeader.questionFixedLength <= bytes.count else { return .endOfBytes }
            if qtype == DNSHeader.typeA { info.asksA = true }
            if qtype == DNSHeader.typeAAAA { info.asksAAAA = true }
            offset += DNSHeader.questionFixedLength
        }
        guard info.isResponse else { return nil }
        for _ in 0..<min(answers, limit) {
            switch skipDNSName(bytes, at: offset) {
            case .success(let end): offset = end
            case .failure(let stop): return stop
            }
            guard offset + DNSHeader.recordFixedLength <= bytes.count else { return .endOfBytes }
            let type: UInt16 = bytes.uncheckedBigEndian(at: offset)
            let rdLength = Int(bytes.uncheckedBigEndian(UInt16.self, at: offset + DNSHeader.rdLengthOffsetInRecord))
            if type == DNSHeader.typeA { info.answersA += 1 }
            if type == DNSHeader.typeAAAA { info.answersAAAA += 1 }
            offset += DNSHeader.recordFixedLength + rdLength
            guard offset <= bytes.count else { return .endOfBytes }
        }
        return nil
    }

    /// Offset just past the name at `offset`, without following compression pointers.
    func skipDNSName(_ bytes: UnsafeRawBufferPointer, at start: Int) -> Result<Int, DNSWalkStop> {
        var offset = start
        for _ in 0...DNSHeader.maxLabels {
            guard let length: UInt8 = bytes.readBigEndian(at: offset) else { return .failure(.endOfBytes) }
            switch length >> 6 {
            case 0:
                if length == 0 { return .success(offset + 1) }
                offset += 1 + Int(length)
            case 3:
                // Compression pointer: the name ends here (section 4.1.4).
                guard offset + 2 <= bytes.count else { return .failure(.endOfBytes) }
                return .success(offset + 2)
            default:
                // 01 and 10 were extended label types (RFC 6891 section 5 deprecates them).
                return .failure(.malformed)
            }
        }
        return .failure(.malformed)
    }
}

extension DNSWalkStop: Error {}
