/// Writes IPFIX messages (RFC 7011) and NetFlow v9 datagrams (RFC 3954) for tests, samples and
/// benchmarks: templates, options templates and data records given as raw field bytes, so a
/// test controls every byte (reduced-size encodings, variable-length fields, padding).
public struct IPFIXWriter: Sendable {
    public struct Field: Sendable {
        public var element: UInt16
        public var length: UInt16
        public var enterprise: UInt32?
        public init(_ element: UInt16, _ length: UInt16, enterprise: UInt32? = nil) {
            self.element = element; self.length = length; self.enterprise = enterprise
        }
    }
    /// A set: ID and body bytes (the 4-byte set header is added).
    public struct Set: Sendable {
        public var id: UInt16
        public var body: [UInt8]
        public init(id: UInt16, body: [UInt8]) { self.id = id; self.body = body }
    }

    public static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }
    public static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)] }
    public static func be64(_ v: UInt64) -> [UInt8] { be32(UInt32(v >> 32)) + be32(UInt32(v & 0xffff_ffff)) }

    /// A template record (IPFIX layout; also v9's for plain templates, without enterprise fields).
    public static func templateRecord(id: UInt16, fields: [Field]) -> [UInt8] {
        var out = be16(id) + be16(UInt16(fields.count))
        for f in fields {
            out += be16(f.enterprise == nil ? f.element : f.element | 0x8000) + be16(f.length)
            if let pen = f.enterprise { out += be32(pen) }
        }
        return out
    }

    /// An IPFIX options template record: `scope` fields first.
    public static func optionsTemplateRecord(id: UInt16, scope: [Field], fields: [Field]) -> [UInt8] {
        var out = be16(id) + be16(UInt16(scope.count + fields.count)) + be16(UInt16(scope.count))
        for f in scope + fields { out += be16(f.element) + be16(f.length) }
        return out
    }

    /// A NetFlow v9 options template record (RFC 3954 §6.1: scope and option lengths in bytes).
    public static func v9OptionsTemplateRecord(id: UInt16, scope: [Field], fields: [Field]) -> [UInt8] {
        var out = be16(id) + be16(UInt16(scope.count * 4)) + be16(UInt16(fields.count * 4))
        for f in scope + fields { out += be16(f.element) + be16(f.length) }
        return out
    }

    /// One IPFIX message (version 10) holding `sets`.
    public static func ipfixMessage(domain: UInt32, sequence: UInt32 = 0, exportTime: UInt32 = 1_767_225_600, sets: [Set]) -> [UInt8] {
        let body = sets.flatMap { be16($0.id) + be16(UInt16(4 + $0.body.count)) + $0.body }
        return be16(10) + be16(UInt16(16 + body.count)) + be32(exportTime) + be32(sequence) + be32(domain) + body
    }

    /// One NetFlow v9 datagram (version 9) holding `sets` (flowsets), `count` records in all.
    public static func v9Message(sourceID: UInt32, count: UInt16, sequence: UInt32 = 0, unixSeconds: UInt32 = 1_767_225_600,
                                 sets: [Set]) -> [UInt8] {
        let body = sets.flatMap { be16($0.id) + be16(UInt16(4 + $0.body.count)) + $0.body }
        return be16(9) + be16(count) + be32(3_600_000) + be32(unixSeconds) + be32(sequence) + be32(sourceID) + body
    }
}
