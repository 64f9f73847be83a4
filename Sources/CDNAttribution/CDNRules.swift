import BundledResources
import Foundation
import PacketDecoding

// CDN provider rules: which names and addresses belong to which provider, each rule with the
// published source it was taken from and the date it was taken. Format: docs/cdn-rules.md.
// Everything is checked when the file loads (DESIGN practice 16): unknown keys, bad prefixes,
// bad names, missing sources -- the error names the file and the entry.

/// One published list a provider's rules come from.
public struct CDNRuleSource: Sendable, Equatable {
    /// Where the list is published (https URL).
    public var url: String
    /// When the entries were taken from it (YYYY-MM-DD).
    public var retrieved: String
    /// Free text: how the list was taken, caveats.
    public var note: String?
    /// Name suffixes, lower case, no trailing dot ("cloudfront.net").
    public var suffixes: [String]
    /// Address prefixes.
    public var prefixes: [IPPrefix]
}

/// One provider and its rules.
public struct CDNProvider: Sendable, Equatable {
    public var name: String
    public var sources: [CDNRuleSource]
}

/// A loaded, validated rules file.
public struct CDNRules: Sendable, Equatable {
    /// The only `format` value understood.
    public static let format = "netcensus-cdn-rules"
    /// The only `version` understood.
    public static let version = 1

    public var providers: [CDNProvider]

    public init(providers: [CDNProvider]) { self.providers = providers }

    /// The rules shipped with NetCensus (`Sources/CDNAttribution/Resources/cdn-rules.json`).
    /// - Throws: `CDNRulesError` if the shipped file is missing or invalid (a packaging bug).
    public static func bundled() throws -> CDNRules {
        // SwiftPM names the bundle <package>_<target>; BundledResource explains the first look.
        guard let path = BundledResource.besideExecutable(bundle: "NetCensus_CDNAttribution", "Resources/cdn-rules.json")
                ?? (Bundle.module.url(forResource: "cdn-rules", withExtension: "json", subdirectory: "Resources")
                    ?? Bundle.module.url(forResource: "cdn-rules", withExtension: "json"))?.path else {
            throw CDNRulesError(file: "cdn-rules.json", entry: "", reason: "not found in the CDNAttribution bundle")
        }
        return try load(path: path)
    }

    /// Loads and validates a rules file (the `--cdn-rules FILE` option).
    /// - Throws: `CDNRulesError` naming the file and the entry at fault.
    public static func load(path: String) throws -> CDNRules {
        let name = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CDNRulesError(file: name, entry: "", reason: "cannot be read")
        }
        return try load(data: data, fileName: name)
    }

    /// Validates rules from `data`; `fileName` is used in errors.
    /// - Throws: `CDNRulesError`.
    public static func load(data: Data, fileName: String) throws -> CDNRules {
        func fail(_ entry: String, _ reason: String) -> CDNRulesError { CDNRulesError(file: fileName, entry: entry, reason: reason) }
        guard data.count <= 4 << 20 else { throw fail("", "larger than 4 MiB") }
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data) } catch {
            throw fail("", "not valid JSON (\(error.localizedDescription))")
        }
        guard let top = root as? [String: Any] else { throw fail("", "the top level must be an object") }
        // What JSONSerialization lets through: a member given twice (one of them silently
        // kept) and `true` / `1.0` read as the number 1.
        let strict = JSONStrictScan(Array(data))
        if let d = strict.duplicate { throw fail(d.path, "key \(describe(d.key)) given twice") }
        if strict.tooDeep { throw fail("", "nested deeper than \(JSONStrictScan.maxDepth) levels") }
        try checkKeys(top, allowed: ["format", "version", "comment", "providers"], entry: "top level", fail)
        guard top["format"] as? String == format else { throw fail("format", "must be \"\(format)\"") }
        guard strict.topLevelScalars["version"] == String(version) else {
            throw fail("version", "must be the integer \(version)")
        }
        guard let list = top["providers"] as? [Any] else { throw fail("providers", "must be an array") }

        var providers: [CDNProvider] = []
        var names = Set<String>()
        var suffixOwner: [String: String] = [:]
        var prefixOwner: [IPPrefix: String] = [:]
        for (i, item) in list.enumerated() {
            var entry = "providers[\(i)]"
            guard let p = item as? [String: Any] else { throw fail(entry, "must be an object") }
            try checkKeys(p, allowed: ["name", "sources", "comment"], entry: entry, fail)
            guard let name = p["name"] as? String, !name.isEmpty, name.count <= 64,
                  name.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value < 0x7f }) else {
                throw fail(entry, "name must be 1-64 printable ASCII characters")
            }
            entry += " (\(name))"
            guard names.insert(name.lowercased()).inserted else { throw fail(entry, "provider listed twice") }
            guard let sources = p["sources"] as? [Any], !sources.isEmpty else { throw fail(entry, "sources must be a non-empty array") }
            var provider = CDNProvider(name: name, sources: [])
            for (j, s) in sources.enumerated() {
                let sEntry = "\(entry) sources[\(j)]"
                guard let src = s as? [String: Any] else { throw fail(sEntry, "must be an object") }
                try checkKeys(src, allowed: ["url", "retrieved", "note", "suffixes", "prefixes"], entry: sEntry, fail)
                guard let url = src["url"] as? String, url.hasPrefix("https://"), url.count > 8, url.count <= 512,
                      !url.contains(where: { $0.isWhitespace }) else { throw fail(sEntry, "url must be an https:// URL") }
                guard let retrieved = src["retrieved"] as? String, isDate(retrieved) else {
                    throw fail(sEntry, "retrieved must be a date YYYY-MM-DD")
                }
                let note = src["note"] as? String
                if src["note"] != nil && note == nil { throw fail(sEntry, "note must be a string") }
                var rule = CDNRuleSource(url: url, retrieved: retrieved, note: note, suffixes: [], prefixes: [])
                if let raw = src["suffixes"] {
                    guard let arr = raw as? [Any] else { throw fail(sEntry, "suffixes must be an array") }
                    for (k, x) in arr.enumerated() {
                        guard let text = x as? String, let suffix = normalizedSuffix(text) else {
                            throw fail("\(sEntry) suffixes[\(k)]", "\(describe(x)) is not a DNS name (labels of 1-63 letters, digits, '-' or '_', at least two labels)")
                        }
                        if let other = suffixOwner[suffix] {
                            throw fail("\(sEntry) suffixes[\(k)]", "\"\(suffix)\" already belongs to \(other)")
                        }
                        suffixOwner[suffix] = name
                        rule.suffixes.append(suffix)
                    }
                }
                if let raw = src["prefixes"] {
                    guard let arr = raw as? [Any] else { throw fail(sEntry, "prefixes must be an array") }
                    for (k, x) in arr.enumerated() {
                        guard let text = x as? String, let prefix = IPPrefix(text) else {
                            throw fail("\(sEntry) prefixes[\(k)]", "\(describe(x)) is not an IPv4/IPv6 prefix with host bits zero")
                        }
                        if let other = prefixOwner[prefix] {
                            throw fail("\(sEntry) prefixes[\(k)]", "\(prefix) already belongs to \(other)")
                        }
                        prefixOwner[prefix] = name
                        rule.prefixes.append(prefix)
                    }
                }
                guard !rule.suffixes.isEmpty || !rule.prefixes.isEmpty else {
                    throw fail(sEntry, "needs at least one suffix or prefix")
                }
                provider.sources.append(rule)
            }
            providers.append(provider)
        }
        return CDNRules(providers: providers)
    }

    private static func checkKeys(_ object: [String: Any], allowed: Set<String>, entry: String,
                                  _ fail: (String, String) -> CDNRulesError) throws {
        for key in object.keys.sorted() where !allowed.contains(key) {
            throw fail(entry, "unknown key \"\(key)\" (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    /// A short, safe rendering of a JSON value for an error message.
    private static func describe(_ x: Any) -> String {
        if let s = x as? String {
            let cut = s.prefix(80).unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7f ? String($0) : "?" }.joined()
            return "\"\(cut)\""
        }
        return "a non-string value"
    }

    /// YYYY-MM-DD with a real month and day.
    static func isDate(_ s: String) -> Bool {
        let p = s.split(separator: "-", omittingEmptySubsequences: false)
        guard s.count == 10, p.count == 3, p[0].count == 4, p[1].count == 2, p[2].count == 2,
              s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }),
              let y = Int(p[0]), let m = Int(p[1]), let d = Int(p[2]), y >= 1990, (1...12).contains(m) else { return false }
        let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        return (1...days).contains(d)
    }

    /// Lower-cased suffix without a trailing dot, or nil if it is not a plausible DNS name
    /// (RFC 1035 section 2.3.4: labels of 1-63 octets, name of at most 253 characters in text;
    /// '_' allowed as in service names). At least two labels: a bare TLD would claim too much.
    static func normalizedSuffix(_ text: String) -> String? {
        var s = text.lowercased()
        if s.hasSuffix(".") { s.removeLast() }
        guard !s.isEmpty, s.utf8.count <= 253 else { return nil }
        let labels = s.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return nil }
        for l in labels {
            guard (1...63).contains(l.utf8.count),
                  l.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2d || $0 == 0x5f }),
                  l.first != "-", l.last != "-" else { return nil }
        }
        return s
    }
}

/// A rules file that could not be loaded: the file, the entry (JSON path with the provider's
/// name, e.g. `providers[1] (Fastly) sources[0] prefixes[3]`) and the reason.
public struct CDNRulesError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var entry: String
    public var reason: String

    public var description: String { entry.isEmpty ? "\(file): \(reason)" : "\(file): \(entry): \(reason)" }
}
