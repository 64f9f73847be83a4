/// A link type is encoded as its LINKTYPE_ number (e.g. `1`, `276`), the stable form for JSON
/// reports; decoding maps unknown numbers to `.unknown(n)`.
extension LinkType: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(UInt16.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}
