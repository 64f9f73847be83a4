import Reporting

/// How a cell or figure reads in the Markdown and HTML views (the JSON keeps full values).
enum ReportText {
    /// `digits` decimals, trailing zeros kept so columns align; "–" for a non-finite number.
    static func fixed(_ d: Double, _ digits: Int) -> String {
        guard d.isFinite else { return "–" }
        let scale = pow10(digits)
        let r = (d * scale).rounded() / scale
        var s = String(format: r, digits: digits)
        if s == "-0" || s.hasPrefix("-0.") && Double(s) == 0 { s.removeFirst() }
        return s
    }

    static func cell(_ c: ReportCell) -> String {
        switch c {
        case .text(let s): s
        case .number(let d, let digits): fixed(d, digits)
        case .integer(let n): String(n)
        case .status(let s): s.rawValue
        case .empty: "–"
        }
    }

    /// A figure with its unit: "54.8 %", "12.0 Mbps", "1,204" for counts.
    static func figure(_ v: Double?, _ unit: FigureUnit) -> String {
        guard let v else { return "not measurable" }
        switch unit {
        case .percent: return fixed(v, 1) + " %"
        case .count, .bytes: return fixed(v, 0)
        case .mbps: return fixed(v, 1) + " Mbps"
        case .km: return fixed(v, 1) + " km"
        case .ms: return fixed(v, 1) + " ms"
        }
    }

    /// Quarter-on-quarter change: "+2.1 pp", "−3", "no previous quarter".
    static func change(_ h: HeadlineFigure) -> String {
        guard let c = h.change else { return h.previous == nil ? "no previous quarter" : "–" }
        let sign = c > 0 ? "+" : (c < 0 ? "−" : "±")
        let mag = abs(c)
        switch h.unit {
        case .percent: return sign + fixed(mag, 1) + " pp"
        case .count, .bytes: return sign + fixed(mag, 0)
        default: return sign + fixed(mag, 1) + " " + h.unit.rawValue
        }
    }

    static func pow10(_ n: Int) -> Double { var x = 1.0; for _ in 0..<max(0, n) { x *= 10 }; return x }
}

extension String {
    /// Fixed-point text of `value` with `digits` decimals, without Foundation's formatters.
    init(format value: Double, digits: Int) {
        let neg = value < 0
        let scale = ReportText.pow10(digits)
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { self = String(value); return }
        let n = UInt64(scaled)
        let intPart = n / UInt64(scale), frac = n % UInt64(scale)
        var s = String(intPart)
        if digits > 0 {
            let f = String(frac)
            s += "." + String(repeating: "0", count: digits - f.count) + f
        }
        self = (neg && n != 0 ? "-" : "") + s
    }
}
