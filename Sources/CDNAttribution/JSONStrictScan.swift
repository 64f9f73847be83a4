import Foundation

/// What Foundation's `JSONSerialization` does not check in a configuration file: it keeps one of
/// two members with the same name silently (RFC 8259 section 4: "The names within an object
/// SHOULD be unique", and implementations differ on which one wins), and it hands `true`,
/// `1.0` and `1` back as the same number. This walks the text once (after `JSONSerialization`
/// has accepted it, so it is well-formed JSON) and reports the first name given twice in an
/// object, with the path of that object, and the raw text of the top level's scalar members,
/// so a loader can demand the literal `1` where it wants an integer.
///
/// Bounded: linear in the text, nesting depth capped at `maxDepth` (deeper input is reported
/// as such rather than recursed into).
struct JSONStrictScan {
    /// The first object member name seen twice: the object's path (`providers[1].sources[0]`,
    /// `top level`) and the name (escapes decoded, so `"a"` and `"\u0061"` are the same name).
    var duplicate: (path: String, key: String)? = nil
    /// Member name -> raw text of its value, for the top-level object's scalar members
    /// (strings keep their quotes; `1`, `1.0`, `true` stay distinct).
    var topLevelScalars: [String: String] = [:]
    /// The text nests deeper than `maxDepth` (nothing beyond was checked).
    var tooDeep = false

    static let maxDepth = 64

    init(_ bytes: [UInt8]) {
        var p = Parser(b: bytes)
        p.skipSpace()
        p.value(path: "", depth: 0, scan: &self, topLevel: true)
    }

    private struct Parser {
        let b: [UInt8]
        var i = 0

        mutating func skipSpace() {
            while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0a || b[i] == 0x0d { i += 1 }
        }

        /// A string starting at `i` (at its quote): its raw content; `i` ends after the closing quote.
        mutating func string() -> String {
            let start = i + 1
            i += 1
            while i < b.count, b[i] != 0x22 { i += b[i] == 0x5c ? 2 : 1 }
            let end = min(i, b.count)
            i += 1
            return String(decoding: b[start..<end], as: UTF8.self)
        }

        /// Skips a number or literal; returns its raw text.
        mutating func scalar() -> String {
            let start = i
            while i < b.count, !(b[i] == 0x2c || b[i] == 0x7d || b[i] == 0x5d || b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0a || b[i] == 0x0d) {
                i += 1
            }
            return String(decoding: b[start..<i], as: UTF8.self)
        }

        /// A raw member name with its escapes decoded (RFC 8259 section 7).
        static func decoded(_ raw: String) -> String {
            guard raw.contains("\\") else { return raw }
            return (try? JSONSerialization.jsonObject(with: Data(("\"" + raw + "\"").utf8), options: .fragmentsAllowed)) as? String ?? raw
        }

        mutating func value(path: String, depth: Int, scan: inout JSONStrictScan, topLevel: Bool) {
            guard i < b.count, scan.duplicate == nil else { return }
            switch b[i] {
            case 0x7b:  // {
                guard depth < JSONStrictScan.maxDepth else { scan.tooDeep = true; i = b.count; return }
                i += 1
                var seen = Set<String>()
                skipSpace()
                if i < b.count, b[i] == 0x7d { i += 1; return }
                while i < b.count, scan.duplicate == nil {
                    skipSpace()
                    let key = Self.decoded(string())
                    if !seen.insert(key).inserted { scan.duplicate = (path.isEmpty ? "top level" : path, key); return }
                    skipSpace()
                    i += 1  // ':'
                    skipSpace()
                    if topLevel, i < b.count, b[i] != 0x7b, b[i] != 0x5b {
                        scan.topLevelScalars[key] = b[i] == 0x22 ? "\"" + string() + "\"" : scalar()
                    } else {
                        value(path: path.isEmpty ? key : path + "." + key, depth: depth + 1, scan: &scan, topLevel: false)
                    }
                    skipSpace()
                    if i < b.count, b[i] == 0x2c { i += 1; continue }
                    i += 1  // '}'
                    return
                }
            case 0x5b:  // [
                guard depth < JSONStrictScan.maxDepth else { scan.tooDeep = true; i = b.count; return }
                i += 1
                skipSpace()
                if i < b.count, b[i] == 0x5d { i += 1; return }
                var k = 0
                while i < b.count, scan.duplicate == nil {
                    skipSpace()
                    value(path: path + "[\(k)]", depth: depth + 1, scan: &scan, topLevel: false)
                    k += 1
                    skipSpace()
                    if i < b.count, b[i] == 0x2c { i += 1; continue }
                    i += 1  // ']'
                    return
                }
            case 0x22: _ = string()
            default: _ = scalar()
            }
        }
    }
}
