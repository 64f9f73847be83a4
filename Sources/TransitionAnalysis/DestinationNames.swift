import PacketDecoding

/// What the capture learnt about one looked-up name (A/AAAA questions to port 53).
public struct NameState: Sendable {
    public var aQueries = 0, aaaaQueries = 0
    /// A / AAAA addresses answered (at most 16 of each).
    public var aAddresses: [IPAddress] = []
    public var aaaaAddresses: [IPAddress] = []
    /// AAAA questions answered NOERROR with no AAAA record.
    public var aaaaEmptyAnswers = 0
    /// Connections (TCP/UDP, not port 53) from devices to an address answered for the name.
    public var connectionsV4 = 0, connectionsV6 = 0, connectionsTranslated = 0
}

/// Looked-up names, capped at `maxNames` (further names are counted in `droppedNames`).
public struct DestinationNames: Sendable {
    public private(set) var names: [String: NameState] = [:]
    public private(set) var droppedNames: UInt64 = 0
    public let maxNames: Int

    public init(maxNames: Int) { self.maxNames = maxNames }

    public subscript(name: String) -> NameState? { names[name] }

    /// Where `name` is, nil when it is not known: a DNS transaction hashes its name once, reads
    /// the state there (`subscript(at:)`) and updates it (`update(_:at:_:)`), as long as no name
    /// is added in between.
    public func index(of name: String) -> Dictionary<String, NameState>.Index? { names.index(forKey: name) }

    /// The state at `index` (from `index(of:)`, names unchanged since).
    public subscript(at index: Dictionary<String, NameState>.Index) -> NameState { names.values[index] }

    /// Updates `name`, creating it if there is room; false when it was dropped.
    @discardableResult
    public mutating func update(_ name: String, _ body: (inout NameState) -> Void) -> Bool {
        update(name, at: names.index(forKey: name), body)
    }

    /// `update` with the name's `index(of:)` (nil: not known), taken while no name was added.
    @discardableResult
    public mutating func update(_ name: String, at index: Dictionary<String, NameState>.Index?, _ body: (inout NameState) -> Void) -> Bool {
        // A known name is hashed once and updated in place (a test, then a second lookup for
        // the update, hashed it twice and copied its state out).
        if let i = index { body(&names.values[i]); return true }
        guard names.count < maxNames else { droppedNames &+= 1; return false }
        var n = NameState()
        body(&n)
        names[name] = n
        return true
    }
}
