import CaptureCore

// The full DNS message model the DNS analyses keep (RFC 1035 section 4.1, RFC 3596, RFC 9460).
// `DNSMessageParser` fills one reusable `DNSMessage` per message; arrays keep their capacity
// between messages. Names are stored in presentation form (see `DNSMessageParser`), so they are
// safe to keep and compare; renderers still escape them for their own medium.

/// One entry of the question section (RFC 1035 section 4.1.2).
public struct DNSQuestion: Sendable, Equatable {
    /// QNAME in lower-cased presentation form, `\DDD`-escaped ("." for the root).
    public var name: String
    /// QTYPE (1 A, 28 AAAA, 12 PTR, 64 SVCB, 65 HTTPS, ...).
    public var type: UInt16
    /// QCLASS (1 IN). For mDNS the top bit is the unicast-response bit (RFC 6762 section 5.4),
    /// kept as received.
    public var qclass: UInt16

    public init(name: String, type: UInt16, qclass: UInt16) {
        self.name = name; self.type = type; self.qclass = qclass
    }
}

/// SVCB / HTTPS record data (RFC 9460 section 2.2): the parameters the analyses use.
public struct DNSServiceBinding: Sendable, Equatable {
    /// SvcPriority: 0 = AliasMode, otherwise ServiceMode (RFC 9460 section 2.4).
    public var priority: UInt16
    /// TargetName in presentation form; "." means the owner name (section 2.5).
    public var target: String
    /// `alpn` (key 1, section 7.1.1): protocol ids in wire order, printable ASCII kept,
    /// other bytes `\DDD`-escaped.
    public var alpn: [String]
    /// `ipv4hint` (key 4) and `ipv6hint` (key 6) addresses (section 7.3), in wire order.
    public var ipv4Hints: [IPAddress]
    public var ipv6Hints: [IPAddress]

    public init(priority: UInt16, target: String, alpn: [String] = [], ipv4Hints: [IPAddress] = [], ipv6Hints: [IPAddress] = []) {
        self.priority = priority; self.target = target; self.alpn = alpn
        self.ipv4Hints = ipv4Hints; self.ipv6Hints = ipv6Hints
    }
}

/// Decoded RDATA of an answer record.
public enum DNSRecordData: Sendable, Equatable {
    /// Type 1 (RFC 1035 section 3.4.1), RDLENGTH 4.
    case a(IPAddress)
    /// Type 28 (RFC 3596 section 2.2), RDLENGTH 16.
    case aaaa(IPAddress)
    /// Type 5 (RFC 1035 section 3.3.1): the canonical name, presentation form.
    case cname(String)
    /// Type 12 (RFC 1035 section 3.3.12): the pointed-to name, presentation form.
    case ptr(String)
    /// Type 64 (RFC 9460).
    case svcb(DNSServiceBinding)
    /// Type 65 (RFC 9460 section 9).
    case https(DNSServiceBinding)
    /// Any other type: not decoded, the type is kept.
    case other(type: UInt16)
}

/// One resource record of the answer section (RFC 1035 section 4.1.3).
public struct DNSResourceRecord: Sendable, Equatable {
    /// Owner name, presentation form.
    public var name: String
    public var type: UInt16
    public var rrclass: UInt16
    /// TTL in seconds (the 32-bit field as sent; RFC 2181 section 8 reads values above 2^31 - 1
    /// as 0, which is left to the consumer).
    public var ttl: UInt32
    public var data: DNSRecordData

    public init(name: String, type: UInt16, rrclass: UInt16, ttl: UInt32, data: DNSRecordData) {
        self.name = name; self.type = type; self.rrclass = rrclass; self.ttl = ttl; self.data = data
    }
}

/// Why parsing of a message stopped before its end, with the byte offset (from the start of the
/// DNS message) where the problem was found.
public struct DNSParseStop: Sendable, Equatable, Error {
    public enum Reason: String, Sendable, Equatable, CaseIterable {
        /// Fewer than 12 bytes: no header.
        case truncatedHeader = "truncated_header"
        /// The bytes ended inside a name, question or record (capture cut, missing fragment,
        /// or a count larger than the message).
        case truncated = "truncated"
        /// Label type 01 or 10 (RFC 6891 section 5 deprecates extended label types).
        case badLabelType = "bad_label_type"
        /// A compression pointer that does not point strictly before the data read so far
        /// (forward pointer or loop; RFC 1035 section 4.1.4 pointers refer to a *prior* occurrence).
        case badPointer = "bad_pointer"
        /// The name is longer than 255 octets or has more labels than the options allow
        /// (RFC 1035 section 2.3.4).
        case nameTooLong = "name_too_long"
        /// RDATA inconsistent with its type: A not 4 bytes, AAAA not 16, a name or SVCB
        /// parameter running past RDLENGTH, SvcParamKeys out of order (RFC 9460 section 2.2).
        case badRData = "bad_rdata"
        /// More questions or answers than `DNSParseOptions` allows; the rest were not read.
        case recordLimit = "record_limit"
    }
    public var offset: Int
    public var reason: Reason

    public init(offset: Int, reason: Reason) { self.offset = offset; self.reason = reason }
}

/// Limits on the work spent on one message (a hostile message cannot make parsing slow).
public struct DNSParseOptions: Sendable, Equatable {
    /// Questions decoded per message; real messages carry one (RFC 9619).
    public var maxQuestions: Int = 8
    /// Answer records decoded per message. A 64 KiB message holds at most ~5,000 minimal
    /// records; 1,024 keeps the worst case small while covering any real answer section.
    public var maxAnswers: Int = 1024
    /// Labels per name (255 octets allow at most 127 non-empty labels).
    public var maxLabels: Int = 127
    /// `alpn` ids and hints kept per SVCB/HTTPS record; extra values are counted in
    /// `DNSMessage.omittedValues`, not stored.
    public var maxServiceValues: Int = 16

    public init() {}
}

/// A parsed DNS message. Reusable: `DNSMessageParser.parse` resets it, keeping array capacity.
/// After a stop (`stop != nil`) everything read before the stop is kept.
public struct DNSMessage: Sendable, Equatable {
    public var id: UInt16 = 0
    /// QR: false query, true response.
    public var isResponse: Bool = false
    /// OPCODE (0 QUERY, 4 NOTIFY, 5 UPDATE).
    public var opcode: UInt8 = 0
    /// AA, TC, RD, RA (RFC 1035 section 4.1.1), AD, CD (RFC 4035 section 3.2).
    public var authoritative: Bool = false
    public var truncated: Bool = false
    public var recursionDesired: Bool = false
    public var recursionAvailable: Bool = false
    public var authenticData: Bool = false
    public var checkingDisabled: Bool = false
    /// The 4-bit header RCODE (0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN); EDNS extended bits not added.
    public var rcode: UInt8 = 0
    /// Section counts as the header announces them (not what was parsed).
    public var questionCount: UInt16 = 0
    public var answerCount: UInt16 = 0
    public var authorityCount: UInt16 = 0
    public var additionalCount: UInt16 = 0
    public var questions: [DNSQuestion] = []
    public var answers: [DNSResourceRecord] = []
    /// SVCB values beyond `DNSParseOptions.maxServiceValues`, not stored.
    public var omittedValues: Int = 0
    /// Why parsing stopped early; nil when the question and answer sections were read whole.
    public var stop: DNSParseStop? = nil

    public init() {}

    /// Clears every field, keeping array capacity.
    public mutating func reset() {
        id = 0; isResponse = false; opcode = 0
        authoritative = false; truncated = false; recursionDesired = false; recursionAvailable = false
        authenticData = false; checkingDisabled = false; rcode = 0
        questionCount = 0; answerCount = 0; authorityCount = 0; additionalCount = 0
        questions.removeAll(keepingCapacity: true); answers.removeAll(keepingCapacity: true)
        omittedValues = 0; stop = nil
    }

    /// The first question, if one was read.
    @inlinable public var firstQuestion: DNSQuestion? { questions.first }
}
