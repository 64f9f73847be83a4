/// Bytes from hex text for hand-built test vectors, e.g. `hex("45 00 | 00 14")`: whitespace,
/// newlines and `|` separators (anything not a hex digit) are ignored.
/// Traps on an odd number of hex digits: a test vector typo, not input to handle.
public func hex(_ text: String) -> [UInt8] {
    let digits = text.filter { $0.isHexDigit }
    precondition(digits.count % 2 == 0, "odd hex digit count")
    var out: [UInt8] = []
    out.reserveCapacity(digits.count / 2)
    var i = digits.startIndex
    while i < digits.endIndex {
        let j = digits.index(i, offsetBy: 2)
        out.append(UInt8(digits[i..<j], radix: 16)!)
        i = j
    }
    return out
}
