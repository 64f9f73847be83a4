/// A calendar quarter, the unit a report and its stored figures belong to.
///
/// Text form `YYYYQn` (`2026Q4`; a lower-case `q` is accepted on input, the output is always
/// upper-case), four-digit year 1000...9999, quarter 1...4. Ordered by year, then quarter.
/// Codable as that string, so `"quarter": "2026Q4"` in report.json and the history JSON.
public struct QuarterID: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// Calendar year, 1000...9999.
    public let year: Int
    /// Quarter of the year, 1...4 (Q1 = January to March).
    public let quarter: Int

    /// Parses `2026Q4` or `2026q4`; nil for anything else (no spaces, signs or other widths).
    public init?(_ text: String) {
        let u = Array(text.utf8)
        guard u.count == 6, u[4] == UInt8(ascii: "Q") || u[4] == UInt8(ascii: "q"),
              u[0..<4].allSatisfy({ $0 >= 48 && $0 <= 57 }), u[0] != 48,
              u[5] >= UInt8(ascii: "1"), u[5] <= UInt8(ascii: "4") else { return nil }
        year = u[0..<4].reduce(0) { $0 * 10 + Int($1 - 48) }
        quarter = Int(u[5] - 48)
    }

    /// A quarter from numbers; nil outside year 1000...9999 or quarter 1...4.
    public init?(year: Int, quarter: Int) {
        guard (1000...9999).contains(year), (1...4).contains(quarter) else { return nil }
        self.year = year
        self.quarter = quarter
    }

    /// `2026Q4`.
    public var description: String { "\(year)Q\(quarter)" }

    /// The quarter before this one (`2026Q1.previous` is `2025Q4`). The year is not range-checked
    /// here: `1000Q1.previous` is `999Q4`, which sorts and prints but does not parse.
    public var previous: QuarterID {
        quarter == 1 ? QuarterID(unchecked: year - 1, 4) : QuarterID(unchecked: year, quarter - 1)
    }

    private init(unchecked year: Int, _ quarter: Int) {
        self.year = year
        self.quarter = quarter
    }

    public static func < (a: QuarterID, b: QuarterID) -> Bool {
        (a.year, a.quarter) < (b.year, b.quarter)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let q = QuarterID(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "not a quarter (expected YYYYQn, e.g. 2026Q4)"))
        }
        self = q
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
