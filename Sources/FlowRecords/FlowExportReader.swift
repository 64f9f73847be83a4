import CaptureCore
import PacketDecoding

/// Reads flow export messages: IPFIX (RFC 7011; a file is a sequence of messages, RFC 5655) and
/// NetFlow v9 (RFC 3954), one message per datagram or back to back in a file.
///
/// Templates are kept per exporter and observation domain (IPFIX) or source ID (v9), as the
/// RFCs scope them; a template record with no fields withdraws its template (RFC 7011 §8.1).
/// Options data records carrying a sampling interval (IE 34, 50, or 305 with 306) set the
/// domain's sampling rate, which multiplies the bytes and packets of its later data records
/// (the summary says so). Enterprise-specific fields are skipped by their length; variable-length
/// fields by their 1- or 3-byte prefix (RFC 7011 §7).
///
/// Bad input never stops the read silently: a malformed set is skipped with a warning naming the
/// source, the byte offset and the reason, and reading continues at the next set (its length is
/// known) or message; data records of an unknown template are counted (and warned once per
/// template ID). State is bounded: at most `maxTemplates` templates and `maxDomains` sampling
/// entries; beyond, new ones are refused and counted.
public struct FlowExportReader: Sendable {
    public struct Counters: Sendable, Equatable, Codable {
        public var ipfixMessages = 0
        public var netflowV9Messages = 0
        public var templates = 0
        public var optionsTemplates = 0
        public var templateWithdrawals = 0
        public var dataRecords = 0
        public var optionsRecords = 0
        /// Data records whose template was never seen (or was withdrawn): not decoded.
        public var recordsWithoutTemplate = 0
        public var malformedSets = 0
        public var malformedMessages = 0
        /// Templates not stored because `maxTemplates` was reached.
        public var templatesRefused = 0
        /// Data records scaled by a sampling rate above 1.
        public var sampledRecords = 0
        public init() {}
        enum CodingKeys: String, CodingKey {
            case ipfixMessages = "ipfix_messages", netflowV9Messages = "netflow_v9_messages", templates
            case optionsTemplates = "options_templates", templateWithdrawals = "template_withdrawals"
            case dataRecords = "data_records", optionsRecords = "options_records"
            case recordsWithoutTemplate = "records_without_template", malformedSets = "malformed_sets"
            case malformedMessages = "malformed_messages", templatesRefused = "templates_refused"
            case sampledRecords = "sampled_records"
        }
    }

    struct TemplateKey: Hashable, Sendable { var exporter: UInt64; var domain: UInt32; var id: UInt16; var version: UInt16 }
    struct DomainKey: Hashable, Sendable { var exporter: UInt64; var domain: UInt32 }

    public let source: String
    public private(set) var counters = Counters()
    public private(set) var warnings: [CaptureWarning] = []
    /// Warnings beyond the first `maxWarnings` of the reader's life are counted, not kept
    /// (`takeWarnings` hands kept ones on; the cap counts every warning ever kept).
    public private(set) var warningsDropped = 0
    private var warningsKept = 0
    public static let maxWarnings = 1000
    /// Sampling rate per domain (domain -> rate), for the summary.
    public private(set) var samplingRates: [UInt32: UInt64] = [:]
    var templates: [TemplateKey: FlowTemplate] = [:]
    var sampling: [DomainKey: UInt64] = [:]
    var warnedMissing = Set<TemplateKey>()
    public let maxTemplates: Int
    public let maxDomains: Int

    public init(source: String, maxTemplates: Int = 65_536, maxDomains: Int = 65_536) {
        self.source = source
        self.maxTemplates = maxTemplates
        self.maxDomains = maxDomains
    }

    mutating func warn(_ offset: Int, _ code: String, _ reason: String) {
        if warningsKept < Self.maxWarnings {
            warningsKept += 1
            warnings.append(CaptureWarning(file: source, byteOffset: offset, code: code, reason: reason))
        } else { warningsDropped += 1 }
    }

    /// Reads a file of back-to-back messages (RFC 5655 for IPFIX). A message whose header is
    /// not IPFIX/v9 or whose length runs past the end ends the read with a warning.
    public mutating func readStream(_ bytes: UnsafeRawBufferPointer, exporter: UInt64 = 0, _ body: (FlowRecord) -> Void) {
        var at = 0
        while at < bytes.count {
            guard let used = readMessage(bytes, at: at, exporter: exporter, body) else { return }
            at += used
        }
    }

    /// Reads one message (one datagram). Returns the bytes it spans, or nil when it cannot be
    /// framed (the rest of a stream is then unreadable).
    @discardableResult
    public mutating func readMessage(_ bytes: UnsafeRawBufferPointer, at start: Int = 0, exporter: UInt64 = 0,
                                     _ body: (FlowRecord) -> Void) -> Int? {
        guard let version: UInt16 = bytes.readBigEndian(at: start) else {
            counters.malformedMessages += 1
            warn(start, "truncated_message", "\(bytes.count - start) byte(s) left, too short for a message header")
            return nil
        }
        switch version {
        case 10: return readIPFIX(bytes, at: start, exporter: exporter, body)
        case 9: return readV9(bytes, at: start, exporter: exporter, body)
        default:
            counters.malformedMessages += 1
            warn(start, "unknown_version", "message version \(version) is neither IPFIX (10) nor NetFlow v9 (9)")
            return nil
        }
    }

    // MARK: - IPFIX (RFC 7011 §3)

    mutating func readIPFIX(_ b: UnsafeRawBufferPointer, at start: Int, exporter: UInt64, _ body: (FlowRecord) -> Void) -> Int? {
        guard let length: UInt16 = b.readBigEndian(at: start + 2), let domain: UInt32 = b.readBigEndian(at: start + 12) else {
            counters.malformedMessages += 1
            warn(start, "truncated_message", "IPFIX message header cut short (16 bytes needed)")
            return nil
        }
        let end = start + Int(length)
        guard length >= 16, end <= b.count else {
            counters.malformedMessages += 1
            warn(start, "bad_message_length", "IPFIX message length \(length) \(length < 16 ? "is below the 16-byte header" : "runs past the end (\(b.count - start) bytes left)")")
            return nil
        }
        counters.ipfixMessages += 1
        let at = readSets(b, from: start + 16, to: end, exporter: exporter, domain: domain, version: 10, body)
        if at < end && end - at < 4 && at != end {
            warn(at, "set_padding", "\(end - at) trailing byte(s) after the last set")
        }
        return Int(length)
    }

    /// The sets of one message (IPFIX: template 2, options template 3; v9 flowsets: 0 and 1;
    /// data from 256). Returns where reading stopped (the end, or a set whose length is bad).
    mutating func readSets(_ b: UnsafeRawBufferPointer, from start: Int, to end: Int, exporter: UInt64, domain: UInt32,
                           version: UInt16, _ body: (FlowRecord) -> Void) -> Int {
        let (templateSet, optionsSet): (UInt16, UInt16) = version == 10 ? (2, 3) : (0, 1)
        let kind = version == 10 ? "set" : "flowset", container = version == 10 ? "message" : "datagram"
        var at = start
        while at + 4 <= end {
            let setID: UInt16 = b.readBigEndian(at: at)!
            let setLength = Int(b.readBigEndian(at: at + 2) as UInt16? ?? 0)
            guard setLength >= 4, at + setLength <= end else {
                counters.malformedSets += 1
                warn(at, "bad_set_length", "\(kind) \(setID) length \(setLength) \(setLength < 4 ? "is below its 4-byte header" : "runs past the \(container) end")")
                break
            }
            let setEnd = at + setLength
            switch setID {
            case templateSet: readTemplates(b, at + 4, setEnd, exporter: exporter, domain: domain, version: version, options: false)
            case optionsSet: readTemplates(b, at + 4, setEnd, exporter: exporter, domain: domain, version: version, options: true)
            case 256...: readData(b, at + 4, setEnd, setID: setID, exporter: exporter, domain: domain, version: version, body)
            default:
                counters.malformedSets += 1
                warn(at, "reserved_set_id", "\(kind) ID \(setID) is reserved (\(version == 10 ? "RFC 7011 §3.3.2" : "RFC 3954 §5.3")); skipped")
            }
            at = setEnd
        }
        return at
    }

    /// Template or options-template records of one set (IPFIX or v9 layout).
    mutating func readTemplates(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int, exporter: UInt64, domain: UInt32,
                                version: UInt16, options: Bool) {
        var at = start
        while at + 4 <= end {
            let id: UInt16 = b.readBigEndian(at: at)!
            let key = TemplateKey(exporter: exporter, domain: domain, id: id, version: version)
            var fieldCount: Int, scopeCount = 0
            var fieldsAt: Int
            if version == 9 && options {
                // RFC 3954 §6.1: option scope length and option length in bytes, 4 per field.
                guard let scopeBytes: UInt16 = b.readBigEndian(at: at + 2), let optionBytes: UInt16 = b.readBigEndian(at: at + 4) else { break }
                scopeCount = Int(scopeBytes) / 4
                fieldCount = scopeCount + Int(optionBytes) / 4
                fieldsAt = at + 6
            } else {
                fieldCount = Int(b.readBigEndian(at: at + 2) as UInt16? ?? 0)
                fieldsAt = at + 4
                if options && fieldCount > 0 {
                    guard let sc: UInt16 = b.readBigEndian(at: at + 4) else { break }
                    scopeCount = Int(sc)
                    fieldsAt = at + 6
                    guard scopeCount >= 1 && scopeCount <= fieldCount else {
                        counters.malformedSets += 1
                        warn(at, "bad_scope_count", "options template \(id): scope field count \(scopeCount) of \(fieldCount) fields")
                        return
                    }
                }
            }
            guard id >= 256 else {
                // IDs below 256 are set IDs; in a template record they end the set (RFC 7011 §3.4.1 padding rules).
                if id != 0 || fieldCount != 0 {
                    counters.malformedSets += 1
                    warn(at, "bad_template_id", "template ID \(id) is below 256; rest of the set skipped")
                }
                return
            }
            if fieldCount == 0 {
                // Withdrawal (IPFIX); in v9 a template without fields is malformed but means the same.
                if templates.removeValue(forKey: key) != nil || version == 10 { counters.templateWithdrawals += 1 }
                at = fieldsAt
                continue
            }
            var fields: [FlowTemplate.Field] = []
            fields.reserveCapacity(min(fieldCount, 512))
            var p = fieldsAt
            var bad = false
            for _ in 0..<fieldCount {
                guard let type: UInt16 = b.readBigEndian(at: p), let length: UInt16 = b.readBigEndian(at: p + 2), p + 4 <= end else { bad = true; break }
                p += 4
                var enterprise: UInt32? = nil
                if version == 10 && type & 0x8000 != 0 {
                    guard let pen: UInt32 = b.readBigEndian(at: p), p + 4 <= end else { bad = true; break }
                    enterprise = pen; p += 4
                }
                if version == 9 && length == 0xffff { bad = true; break }   // v9 has no variable-length fields
                fields.append(.init(element: type & 0x7fff, length: length, enterprise: enterprise))
            }
            if bad {
                counters.malformedSets += 1
                warn(at, "truncated_template", "template \(id) announces \(fieldCount) fields; the set ends first")
                return
            }
            let template = FlowTemplate(id: id, fields: fields, scopeFieldCount: scopeCount)
            if template.minimumRecordLength == 0 {
                counters.malformedSets += 1
                warn(at, "empty_template", "template \(id): every field has length 0; ignored")
            } else if templates[key] == nil && templates.count >= maxTemplates {
                counters.templatesRefused += 1
                warn(at, "too_many_templates", "template \(id) not kept: \(maxTemplates) templates already held")
            } else {
                templates[key] = template
                if options { counters.optionsTemplates += 1 } else { counters.templates += 1 }
                warnedMissing.remove(key)
            }
            at = p
        }
    }

    /// Data records of one set, decoded with the set's template.
    mutating func readData(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int, setID: UInt16, exporter: UInt64,
                           domain: UInt32, version: UInt16, _ body: (FlowRecord) -> Void) {
        let key = TemplateKey(exporter: exporter, domain: domain, id: setID, version: version)
        guard let template = templates[key] else {
            // Without the template the record boundaries are unknown: count the set once.
            counters.recordsWithoutTemplate += 1
            if warnedMissing.count < 4096, warnedMissing.insert(key).inserted {
                warn(start - 4, "unknown_template", "data set \(setID) of domain \(domain) before (or after withdrawal of) its template; skipped")
            }
            return
        }
        let minimum = template.minimumRecordLength
        var at = start
        let domainKey = DomainKey(exporter: exporter, domain: domain)
        while end - at >= minimum {
            var record = FlowRecord()
            record.domain = domain
            var sampleInterval: UInt64? = nil, sampleSpace: UInt64 = 0
            var p = at
            var ok = true
            for f in template.fields {
                var length = Int(f.length)
                if f.isVariableLength {
                    guard p < end else { ok = false; break }
                    length = Int(b[p]); p += 1
                    if length == 255 {
                        guard let l: UInt16 = b.readBigEndian(at: p), p + 2 <= end else { ok = false; break }
                        length = Int(l); p += 2
                    }
                }
                guard p + length <= end else { ok = false; break }
                if f.enterprise == nil {
                    let v = UnsafeRawBufferPointer(rebasing: b[p..<(p + length)])
                    switch f.element {
                    case InformationElement.octetDeltaCount, InformationElement.octetTotalCount: record.bytes = Self.unsigned(v)
                    case InformationElement.packetDeltaCount, InformationElement.packetTotalCount: record.packets = Self.unsigned(v)
                    case InformationElement.protocolIdentifier: if length >= 1 { record.protocolNumber = UInt8(truncatingIfNeeded: Self.unsigned(v)) }
                    case InformationElement.sourceTransportPort: if length >= 1 { record.sourcePort = UInt16(truncatingIfNeeded: Self.unsigned(v)) }
                    case InformationElement.destinationTransportPort: if length >= 1 { record.destinationPort = UInt16(truncatingIfNeeded: Self.unsigned(v)) }
                    case InformationElement.sourceIPv4Address: if length == 4 { record.source = IPAddress(.v4, from: v, at: 0) }
                    case InformationElement.destinationIPv4Address: if length == 4 { record.destination = IPAddress(.v4, from: v, at: 0) }
                    case InformationElement.sourceIPv6Address: if length == 16 { record.source = IPAddress(.v6, from: v, at: 0) }
                    case InformationElement.destinationIPv6Address: if length == 16 { record.destination = IPAddress(.v6, from: v, at: 0) }
                    case InformationElement.ingressInterface: if length >= 1 { record.ingressInterface = UInt32(truncatingIfNeeded: Self.unsigned(v)) }
                    case InformationElement.egressInterface: if length >= 1 { record.egressInterface = UInt32(truncatingIfNeeded: Self.unsigned(v)) }
                    case InformationElement.samplingInterval, InformationElement.samplerRandomInterval, InformationElement.samplingPacketInterval:
                        if template.isOptions && length >= 1 { sampleInterval = Self.unsigned(v) }
                    case InformationElement.samplingPacketSpace:
                        if template.isOptions && length >= 1 { sampleSpace = Self.unsigned(v) }
                    default: break
                    }
                }
                p += length
            }
            guard ok, p > at else {
                counters.malformedSets += 1
                warn(at, "truncated_record", "data record of template \(setID) runs past its set; rest of the set skipped")
                return
            }
            at = p
            if template.isOptions {
                counters.optionsRecords += 1
                if let interval = sampleInterval, interval > 0 {
                    // RFC 5477: systematic count-based sampling selects `interval` of every
                    // interval + space packets; v9's SAMPLING_INTERVAL is "1 of N" (space unused).
                    let rate = sampleSpace > 0 ? max(1, (interval + sampleSpace) / interval) : interval
                    if sampling[domainKey] != nil || sampling.count < maxDomains {
                        sampling[domainKey] = rate
                        samplingRates[domain] = rate
                    }
                }
                continue
            }
            counters.dataRecords += 1
            if let rate = sampling[domainKey], rate > 1 {
                record.samplingRate = rate
                record.bytes = record.bytes.multipliedReportingOverflow(by: rate).overflow ? .max : record.bytes * rate
                record.packets = record.packets.multipliedReportingOverflow(by: rate).overflow ? .max : record.packets * rate
                counters.sampledRecords += 1
            }
            body(record)
        }
    }

    /// An unsigned integer of 1 to 8 bytes, big-endian (reduced-size encoding, RFC 7011 §6.2);
    /// longer fields keep their last 8 bytes.
    @inline(__always) static func unsigned(_ v: UnsafeRawBufferPointer) -> UInt64 {
        var x: UInt64 = 0
        for byte in v.suffix(8) { x = x << 8 | UInt64(byte) }
        return x
    }

    // MARK: - NetFlow v9 (RFC 3954 §5)

    mutating func readV9(_ b: UnsafeRawBufferPointer, at start: Int, exporter: UInt64, _ body: (FlowRecord) -> Void) -> Int? {
        guard let sourceID: UInt32 = b.readBigEndian(at: start + 16) else {
            counters.malformedMessages += 1
            warn(start, "truncated_message", "NetFlow v9 header cut short (20 bytes needed)")
            return nil
        }
        counters.netflowV9Messages += 1
        // v9 has no message length: a datagram ends the message. In a stream, a message ends where
        // the next v9 header would start, which cannot be told apart from a flowset: read to the end.
        let end = b.count
        _ = readSets(b, from: start + 20, to: end, exporter: exporter, domain: sourceID, version: 9, body)
        return end - start
    }
}

extension FlowExportReader {
    /// The warnings gathered since the last call (their offsets are relative to the message).
    public mutating func takeWarnings() -> [CaptureWarning] {
        defer { warnings.removeAll(keepingCapacity: true) }
        return warnings
    }
}
