/// Numbers read straight from input bytes, without making a `String` per field.
///
/// `double` takes an exact fast path for the plain decimals topology files are made of
/// (`29.103094`, `100000`, `-1.5e3`): when the digits form an integer M ≤ 2^53 and the decimal
/// exponent E satisfies |E| ≤ 22, both M and 10^|E| are exact doubles, so one IEEE multiply or
/// divide gives the correctly rounded result (Clinger, "How to read floating point numbers
/// accurately", PLDI 1990, the fast path every strtod uses). Anything else (more digits, hex
/// floats, `inf`, `nan`, odd spellings) goes to Swift's `Double(_: String)`, so the accepted
/// language is exactly Swift's and results are bit-identical to it.
enum DecimalText {
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// The number `b` spells, as `Double(String(decoding: b, as: UTF8.self))` would read it.
    static func double(_ b: UnsafeRawBufferPointer) -> Double? {
        if let v = fastDouble(b) { return v }
        return Double(String(decoding: b, as: UTF8.self))
    }

    private static func fastDouble(_ b: UnsafeRawBufferPointer) -> Double? {
        let n = b.count
        var i = 0
        var negative = false
        if i < n, b[i] == 0x2d || b[i] == 0x2b { negative = b[i] == 0x2d; i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0, exponent = 0
        while i < n, b[i] &- 0x30 < 10 {
            mantissa = mantissa &* 10 &+ UInt64(b[i] &- 0x30)
            if mantissa > 1 << 53 { return nil }
            digits += 1; i += 1
        }
        if i < n, b[i] == 0x2e {
            i += 1
            while i < n, b[i] &- 0x30 < 10 {
                mantissa = mantissa &* 10 &+ UInt64(b[i] &- 0x30)
                if mantissa > 1 << 53 { return nil }
                digits += 1; exponent -= 1; i += 1
            }
        }
        guard digits > 0 else { return nil }
        if i < n, b[i] == 0x65 || b[i] == 0x45 {
            i += 1
            var expNegative = false
            if i < n, b[i] == 0x2d || b[i] == 0x2b { expNegative = b[i] == 0x2d; i += 1 }
            var e = 0, expDigits = 0
            while i < n, b[i] &- 0x30 < 10 {
                e = e * 10 + Int(b[i] &- 0x30); expDigits += 1; i += 1
                if e > 1000 { return nil }
            }
            guard expDigits > 0 else { return nil }
            exponent += expNegative ? -e : e
        }
        guard i == n, exponent >= -22, exponent <= 22 else { return nil }
        var v = Double(mantissa)
        if exponent < 0 { v /= exactPowersOfTen[-exponent] } else { v *= exactPowersOfTen[exponent] }
        return negative ? -v : v
    }

    /// A non-negative integer written in canonical decimal (digits only, no sign, no leading
    /// zero except "0" itself, at most 18 digits), else nil. Two texts that are canonical
    /// integers are equal exactly when their values are, which lets node ids be indexed by value.
    static func canonicalInteger(_ b: UnsafeRawBufferPointer) -> Int? {
        let n = b.count
        guard n > 0, n <= 18, !(n > 1 && b[0] == 0x30) else { return nil }
        var v = 0
        for k in 0..<n {
            let d = b[k] &- 0x30
            guard d < 10 else { return nil }
            v = v * 10 + Int(d)
        }
        return v
    }

    /// An optionally signed decimal integer of at most 18 digits (`Int(String)`'s language on
    /// that range), else nil.
    static func integer(_ b: UnsafeRawBufferPointer) -> Int? {
        var i = 0, negative = false
        if b.count > 0, b[0] == 0x2d || b[0] == 0x2b { negative = b[0] == 0x2d; i = 1 }
        let digits = b.count - i
        guard digits > 0, digits <= 18 else { return nil }
        var v = 0
        while i < b.count {
            let d = b[i] &- 0x30
            guard d < 10 else { return nil }
            v = v * 10 + Int(d); i += 1
        }
        return negative ? -v : v
    }
}
