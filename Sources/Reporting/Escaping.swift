/// The one place where untrusted text (file paths, interface names, warning reasons, anything
/// read from a capture) is escaped for output. Renderers never write such strings any other way.
public enum Escaping {
    /// A JSON string literal with quotes (RFC 8259 section 7): `"` `\` and every control character
    /// escaped; other Unicode passes through as UTF-8.
    public static func json(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20 || u.value == 0x7f || (0x80..<0xa0).contains(u.value) || u.value == 0x2028 || u.value == 0x2029:
                out += "\\u" + hex4(u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    /// A CSV field (RFC 4180 section 2): quoted when it holds a comma, quote, CR or LF, with inner
    /// quotes doubled, after `csvCell`.
    public static func csv(_ s: String) -> String {
        let t = csvCell(s)
        return quotedCSV(t)
    }

    /// A CSV field for text read from the network (SNI, HTTP Host, DNS names): `csv`, except
    /// that CR and LF are made visible too (`\x0d`, `\x0a`, as `terminal` writes every other
    /// control), so a cell never spans lines and line-based tools keep one row per line.
    public static func csvUntrusted(_ s: String) -> String {
        quotedCSV(csvCell(s, keepNewlines: false))
    }

    /// RFC 4180 quoting of an escaped cell.
    static func quotedCSV(_ t: String) -> String {
        guard t.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return t }
        return "\"" + t.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The content of a text CSV field before RFC 4180 quoting: control characters made visible
    /// as in `terminal` (CR and LF kept when `keepNewlines`, quoting carries them; escaped
    /// like the other controls otherwise), and a cell whose text starts with
    /// `=`, `+`, `-`, `@`, tab or CR gets a leading `'`, so a spreadsheet shows it as text instead
    /// of running it as a formula (OWASP "CSV Injection" lists exactly these six). A cell that is
    /// a plain decimal number (`-5`, `+1.5e3`) is left alone: it cannot hold a formula.
    /// Only text cells go through here; writers emit numeric columns as numbers.
    public static func csvCell(_ s: String, keepNewlines: Bool = true) -> String {
        var t = terminal(s, keepNewlines: keepNewlines)
        if let f = s.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(f), !isPlainDecimal(s) { t = "'" + t }
        return t
    }

    /// `[+-]?digits[.digits][(e|E)[+-]?digits]` (or `.digits`), nothing else.
    static func isPlainDecimal(_ s: String) -> Bool {
        var u = Array(s.utf8)[...]
        if let f = u.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") { u = u.dropFirst() }
        func digits() -> Int { let n = u.prefix { $0 >= 48 && $0 <= 57 }.count; u = u.dropFirst(n); return n }
        var n = digits()
        if u.first == UInt8(ascii: ".") { u = u.dropFirst(); n += digits() }
        guard n > 0 else { return false }
        if let e = u.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            u = u.dropFirst()
            if let f = u.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") { u = u.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return u.isEmpty
    }

    /// Text safe for a terminal: control characters (C0, DEL, C1, which could move the cursor or
    /// recolour the screen via ANSI escape sequences) become `\xNN` / `\u{NNNN}`; backslash is
    /// doubled so the output stays unambiguous.
    public static func terminal(_ s: String, keepNewlines: Bool = false) -> String {
        // Printable ASCII without a backslash comes out as it is: checked on the UTF-8 bytes, so
        // the common case (numbers, addresses, names) skips the per-scalar Unicode category
        // lookup (`capture conns` spent 17 % of its time there).
        if isPrintableASCII(s, excluding: UInt8(ascii: "\\"), UInt8(ascii: "\\")) { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            if keepNewlines && (u == "\n" || u == "\r") { out.unicodeScalars.append(u); continue }
            if u == "\\" { out += "\\\\" }
            else if u.value < 0x20 || u.value == 0x7f { out += "\\x" + String(hex4(u.value).suffix(2)) }
            else if (0x80..<0xa0).contains(u.value) || Self.isInvisibleFormatting(u) {
                out += "\\u{" + String(u.value, radix: 16) + "}"
            } else { out.unicodeScalars.append(u) }
        }
        return out
    }

    /// True when every UTF-8 byte of `s` is printable ASCII (0x20...0x7e) other than `a` and `b`.
    @inlinable
    public static func isPrintableASCII(_ s: String, excluding a: UInt8, _ b: UInt8) -> Bool {
        var s = s
        return s.withUTF8 { bytes in
            for c in bytes where c < 0x20 || c > 0x7e || c == a || c == b { return false }
            return true
        }
    }

    /// Like `terminal`, but backslashes are kept as they are: for text that may already hold
    /// escapes made by `terminal` (an error message quoting an escaped value), so a second pass
    /// makes controls visible without doubling the first pass's backslashes.
    public static func terminalControls(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            if u.value < 0x20 || u.value == 0x7f { out += "\\x" + String(hex4(u.value).suffix(2)) }
            else if (0x80..<0xa0).contains(u.value) || Self.isInvisibleFormatting(u) {
                out += "\\u{" + String(u.value, radix: 16) + "}"
            } else { out.unicodeScalars.append(u) }
        }
        return out
    }

    /// Format characters (general category Cf: bidi embeddings, overrides and isolates, LRM/RLM,
    /// ALM, zero-width characters, BOM) and line/paragraph separators (Zl, Zp) can reorder or hide
    /// text on a terminal ("Trojan Source", CVE-2021-42574), so untrusted text shows them escaped.
    static func isInvisibleFormatting(_ u: Unicode.Scalar) -> Bool {
        switch u.properties.generalCategory {
        case .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }

    static func hex4(_ v: UInt32) -> String {
        let h = String(v, radix: 16)
        return String(repeating: "0", count: max(0, 4 - h.count)) + h
    }
}

extension String {
    /// Foundation-free replace of every `target` with `replacement`.
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = "", rest = Substring(self)
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]; out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

extension Substring {
    fileprivate func range(of target: String) -> Range<Substring.Index>? {
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(target) { return i..<index(i, offsetBy: target.count) }
            i = index(after: i)
        }
        return nil
    }
}
