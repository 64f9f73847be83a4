/// A template (RFC 7011 §3.4.1, RFC 3954 §5.2) or options template (RFC 7011 §3.4.2, RFC 3954
/// §6.1): the field layout of the data records of one set ID.
public struct FlowTemplate: Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        /// Information Element number (enterprise bit cleared).
        public var element: UInt16
        /// Field length in bytes; 65535 = variable length (RFC 7011 §7).
        public var length: UInt16
        /// Private Enterprise Number for enterprise-specific fields (skipped by length).
        public var enterprise: UInt32?
        public var isVariableLength: Bool { length == 0xffff }
    }
    public var id: UInt16
    public var fields: [Field]
    /// Scope fields at the front (options templates only).
    public var scopeFieldCount: Int
    public var isOptions: Bool { scopeFieldCount > 0 }

    /// Bytes of the smallest record (variable-length fields count 1, their shortest prefix).
    public var minimumRecordLength: Int { fields.reduce(0) { $0 + ($1.isVariableLength ? 1 : Int($1.length)) } }
}
