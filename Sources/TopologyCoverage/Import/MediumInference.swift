/// Medium and flag parsing shared by the importers, so every format infers media the same way.
/// Every rule here is listed in `Topologies/README.md` ("Inferences").
extension Medium {
    /// Medium named or implied by a free-text label, or nil when nothing matches.
    ///
    /// Matching is case-insensitive on words: fiber/fibre/optical/FTTx/PON/GPON/XGS → fiber;
    /// copper/DSL/ADSL/VDSL/xDSL/twisted → copper; coax/HFC/DOCSIS/cable(-TV) → coax;
    /// wireless/WiFi/FWA/radio/WiMAX → wireless; microwave/MW → microwave;
    /// LTE/4G/5G/cellular/mobile/3G → cellular; satellite/VSAT/LEO/GEO → satellite.
    /// "cable" alone means coax (cable TV), not a fibre cable: the CSV/GeoJSON writers say "fiber".
    public init?(label: String) {
        let lower = label.lowercased()
        if let exact = Medium(rawValue: lower.trimmingSpaces) { self = exact; return }
        var words: [Substring] = []
        var start = lower.startIndex
        for i in lower.indices where !(lower[i].isLetter || lower[i].isNumber) {
            if start < i { words.append(lower[start..<i]) }
            start = lower.index(after: i)
        }
        if start < lower.endIndex { words.append(lower[start...]) }
        func any(_ set: Set<Substring>) -> Bool { words.contains { set.contains($0) } }
        if any(["fiber", "fibre", "optical", "optic", "fttx", "ftth", "fttb", "fttp", "pon", "gpon", "epon", "xgs", "xgpon", "dwdm", "sdh", "otn"]) { self = .fiber }
        else if any(["copper", "dsl", "adsl", "adsl2", "vdsl", "vdsl2", "xdsl", "twisted", "gfast"]) { self = .copper }
        else if any(["coax", "coaxial", "hfc", "docsis", "cable", "catv"]) { self = .coax }
        else if any(["microwave", "mw"]) { self = .microwave }
        else if any(["lte", "4g", "5g", "3g", "cellular", "mobile", "nr"]) { self = .cellular }
        else if any(["satellite", "vsat", "leo", "geo", "meo"]) { self = .satellite }
        else if any(["wireless", "wifi", "fwa", "radio", "wimax", "ptp", "ptmp"]) { self = .wireless }
        else { return nil }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" || f == "\n" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s.removeLast() }
        return String(s)
    }
}

/// A yes/no flag as written in inputs: 1/0, true/false, yes/no, y/n (any case); nil when empty
/// or anything else (unknown stays unknown, it is never guessed).
func parseFlag(_ s: String) -> Bool? {
    switch s.trimmingSpaces.lowercased() {
    case "1", "true", "yes", "y", "t": return true
    case "0", "false", "no", "n", "f": return false
    default: return nil
    }
}

/// Tier from a label (backbone/core, metro/aggregation/regional, county, township/town,
/// village/access); nil when unrecognised.
func parseTier(_ s: String) -> Tier? {
    let l = s.trimmingSpaces.lowercased()
    if let t = Tier(rawValue: l) { return t }
    switch l {
    case "core", "national", "backbone node": return .backbone
    case "aggregation", "regional", "metro/aggregation", "prefecture", "city": return .metro
    case "town", "towns", "township office": return .township
    case "access", "administrative village", "hamlet": return .village
    case "": return nil
    default: return nil
    }
}
