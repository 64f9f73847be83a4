extension JSONRenderer {
    /// One-line JSON like `renderCompact`, with every `.number` at full precision: the shortest
    /// decimal that reads back as the same Double (Swift's `description`, a trailing ".0"
    /// dropped: `126`, `32.478734`, `0.08878572022640732`, `1e-05`); a non-finite number is
    /// `null`. For figures a program reads back (GeoJSON coordinates and properties), where the
    /// six decimals of `render` would change the value.
    public static func renderCompactExact(_ value: ReportValue) -> String {
        var out = ""
        writeCompact(value, exact: true, into: &out)
        return out
    }

    /// The shortest round-trip decimal of `d` (integral values without ".0"); `null` when not finite.
    static func exactNumber(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        let s = d.description
        return s.hasSuffix(".0") ? String(s.dropLast(2)) : s
    }
}
