import Testing
import Foundation
@testable import FlowData
import FlowCore

/// The CSV reader's fast number parser agrees with `Double(String)` bit for bit, and the
/// view box's selection quantile with the sorted one.
struct DecimalParserTests {
    static let fixed = ["0", "-0", "+1", "1.", ".5", "-.5", "0.1", "3.14159", "1e5", "1E-5", "-2.5e+3", "1e", "1e+",
                        ".", "-", "+", "", "e5", "1.2.3", "1e22", "1e23", "9007199254740993", "123456789012345",
                        "1234567890123456", "0.000000000000000000000000001", "1e-22", "5e-324", "1e400", "0e999",
                        "inf", "nan", "NaN", "0x1p3", " 1", "1 ", "1,5", "00012.500", "-0.0e0", "12abc", "1e0001",
                        "1e00001", "4.9406564584124654e-324", "2.2250738585072014e-308"]

    static func agrees(_ s: String) -> Bool {
        let expected = Double(s), got = DecimalParser.value(s)
        if let e = expected, let g = got { return e.bitPattern == g.bitPattern || (e.isNaN && g.isNaN) }
        return expected == nil && got == nil
    }

    @Test func agreesWithDoubleOnEdgeCases() {
        #expect(Self.fixed.filter { !Self.agrees($0) } == [])
    }

    @Test func agreesWithDoubleOnRandomDecimals() {
        var rng = Xoshiro256(seed: 11)
        var failures: [String] = []
        for _ in 0..<200_000 {
            let intDigits = Int(rng.next() % 9), fracDigits = Int(rng.next() % 10)
            var s = rng.next() % 3 == 0 ? "-" : ""
            for _ in 0..<intDigits { s.append(Character(String(rng.next() % 10))) }
            if fracDigits > 0 || rng.next() % 2 == 0 {
                s.append(".")
                for _ in 0..<fracDigits { s.append(Character(String(rng.next() % 10))) }
            }
            if rng.next() % 4 == 0 { s += "e" + (rng.next() % 2 == 0 ? "-" : "") + String(rng.next() % 30) }
            if !Self.agrees(s) { failures.append(s) }
            if failures.count > 5 { break }
        }
        #expect(failures == [])
    }

    @Test func selectionQuantileEqualsSortedQuantile() {
        var rng = Xoshiro256(seed: 5)
        for n in [1, 2, 3, 10, 101, 5000] {
            for q in [0.0, 0.005, 0.25, 0.5, 0.995, 1.0] {
                // Few distinct values: ties are the hard case for a partition.
                let values = (0..<n).map { _ in Double(rng.next() % 7) + (rng.next() % 2 == 0 ? 0.5 : 0) }
                var scratch = values
                #expect(ViewBox.quantile(selecting: &scratch, q) == ViewBox.quantile(values.sorted(), q))
            }
        }
    }
}
