/// Medium and flag parsing shared by the importers, so every format infers media the same way.
/// Every rule here is listed in `Topologies/README.md` ("Inferences").
extension Medium {
    /// The one keyword table every importer infers media from (CSV `medium`, GeoJSON
    /// `medium`/`technology`/`type`/`infrastructure_type`/`type_infr`, GraphML `LinkType` and
    /// `LinkLabel`), checked in this order; a label matches a row when one of its words (runs of
    /// letters and digits, lowercased) equals one of the row's keywords.
    ///
    /// "cable" alone means coax (cable TV), not a fibre cable: the CSV/GeoJSON writers say "fiber".
    /// Compounds seen in Topology Zoo labels ("darkfiber", "fiberoptic") are listed as words.
    public static let keywordTable: [(medium: Medium, keywords: [String])] = [
        (.fiber, ["fiber", "fibre", "optical", "optic", "fiberoptic", "fibreoptic", "darkfiber", "darkfibre",
                  "fttx", "ftth", "fttb", "fttp", "pon", "gpon", "epon", "xgs", "xgpon", "dwdm", "cwdm",
                  "wdm", "sdh", "otn", "wavelength", "wavelengths"]),
        (.copper, ["copper", "dsl", "adsl", "adsl2", "vdsl", "vdsl2", "xdsl", "hdsl", "sdsl", "shdsl", "twisted", "gfast"]),
        (.coax, ["coax", "coaxial", "hfc", "docsis", "cable", "catv"]),
        (.microwave, ["microwave", "mw"]),
        (.cellular, ["lte", "4g", "5g", "3g", "cellular", "mobile", "nr"]),
        (.satellite, ["satellite", "vsat", "leo", "geo", "meo"]),
        (.wireless, ["wireless", "wifi", "fwa", "radio", "wimax", "ptp", "ptmp"]),
    ]

    private static let keywordLookup: [Substring: Medium] = {
        var m: [Substring: Medium] = [:]
        for row in keywordTable { for k in row.keywords where m[Substring(k)] == nil { m[Substring(k)] = row.medium } }
        return m
    }()

    private static let keywordRank: [Medium: Int] = Dictionary(
        uniqueKeysWithValues: keywordTable.enumerated().map { ($0.element.medium, $0.offset) })

    /// Medium named or implied by a free-text label, or nil when nothing matches: a `Medium`
    /// name (any case), else the first row of ``keywordTable`` with a keyword among the label's
    /// words (e.g. "Fibre ottica (Dark Fibre)" → fiber, "ADSL2+" → copper, "Microwave radio"
    /// → microwave, "DS-3" → nil).
    public init?(label: String) {
        let lower = label.lowercased()
        if let exact = Medium(rawValue: lower.trimmingSpaces) { self = exact; return }
        var best: Medium?
        var start = lower.startIndex
        func consider(_ w: Substring) {
            guard let m = Medium.keywordLookup[w] else { return }
            if best == nil || Medium.keywordRank[m]! < Medium.keywordRank[best!]! { best = m }
        }
        for i in lower.indices where !(lower[i].isLetter || lower[i].isNumber) {
            if start < i { consider(lower[start..<i]) }
            start = lower.index(after: i)
        }
        if start < lower.endIndex { consider(lower[start...]) }
        guard let best else { return nil }
        self = best
    }
}

extension String {
    var trimmingSpaces: String {
        // Fast path: most fields have no surrounding blanks, so no copy is made.
        func blank(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\r" || c == "\n" }
        guard let f = first, let l = last, blank(f) || blank(l) else { return self }
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" || f == "\n" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s.removeLast() }
        return String(s)
    }
}

/// A yes/no flag as written in inputs: 1/0, true/false, yes/no, y/n (any case); nil when empty
/// or anything else (unknown stays unknown, it is never guessed).
func parseFlag(_ s: String) -> Bool? {
    if s == "1" { return true }       // fast path for the common 1/0 columns
    if s == "0" { return false }
    switch s.trimmingSpaces.lowercased() {
    case "1", "true", "yes", "y", "t": return true
    case "0", "false", "no", "n", "f": return false
    default: return nil
    }
}

/// Tier from a label (backbone/core, metro/aggregation/regional, county, township/town,
/// village/access); nil when unrecognised.
func parseTier(_ s: String) -> Tier? {
    if let t = Tier(rawValue: s) { return t }
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
