/// Fast, exact parsing of the plain decimals that fill most CSV files (`-12.5`, `3e-4`).
///
/// Clinger's fast path: when the digits form an integer m < 2⁵³ and the decimal exponent e has
/// |e| ≤ 22, both m and 10^|e| are exact doubles, so one IEEE multiplication or division gives
/// the correctly rounded result — the value `strtod` gives. Anything else (more digits, larger
/// exponents, hex, inf, nan, stray characters) returns nil, and the caller falls back to
/// `Double(String)`; so the two always agree.
enum DecimalParser {
    static let powers: [Double] = (0...22).map { e in (0..<e).reduce(1.0) { acc, _ in acc * 10 } }

    /// The value of `text` when it is a plain decimal within the fast path, else nil.
    static func fastValue(_ text: String) -> Double? {
        var s = text
        return s.withUTF8 { fastValue($0) }
    }

    static func fastValue(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0
        let n = b.count
        guard n > 0 else { return nil }
        var negative = false
        if b[0] == 0x2D || b[0] == 0x2B { negative = b[0] == 0x2D; i = 1 }
        var mantissa: UInt64 = 0
        var digits = 0, exponent = 0
        var sawDigit = false
        while i < n, b[i] >= 0x30 && b[i] <= 0x39 {
            sawDigit = true
            if mantissa != 0 || b[i] != 0x30 { digits += 1 }
            mantissa = mantissa &* 10 &+ UInt64(b[i] - 0x30)
            i += 1
        }
        if i < n && b[i] == 0x2E {
            i += 1
            while i < n, b[i] >= 0x30 && b[i] <= 0x39 {
                sawDigit = true
                if mantissa != 0 || b[i] != 0x30 { digits += 1 }
                mantissa = mantissa &* 10 &+ UInt64(b[i] - 0x30)
                exponent -= 1
                i += 1
            }
        }
        guard sawDigit, digits <= 15 else { return nil }
        if i < n && (b[i] == 0x65 || b[i] == 0x45) {
            i += 1
            var expNegative = false
            if i < n && (b[i] == 0x2D || b[i] == 0x2B) { expNegative = b[i] == 0x2D; i += 1 }
            var e = 0, expDigits = 0
            while i < n, b[i] >= 0x30 && b[i] <= 0x39, expDigits < 4 {
                e = e * 10 + Int(b[i] - 0x30)
                expDigits += 1
                i += 1
            }
            guard expDigits > 0 else { return nil }
            exponent += expNegative ? -e : e
        }
        guard i == n, mantissa < (1 << 53) else { return nil }
        var v = Double(mantissa)
        if exponent != 0 {
            guard abs(exponent) <= 22 else { return mantissa == 0 ? (negative ? -0.0 : 0) : nil }
            v = exponent > 0 ? v * powers[exponent] : v / powers[-exponent]
        }
        return negative ? -v : v
    }

    /// `Double(text)`, through the fast path when it applies.
    static func value(_ text: String) -> Double? { fastValue(text) ?? Double(text) }
}
