import Foundation
import FlowCore
import FlowModels

/// Shared density checks for every model with a tractable density.
enum DensityChecks {
    /// Total variation between a histogram of the model's samples and its density integrated
    /// over the same 8×8 cells of [−4, 4]² (16×16 midpoint sub-grid per cell). Small when
    /// sampling and density describe the same distribution.
    static func samplesVersusDensity(_ model: any GenerativeModel, samples count: Int = 40_000, seed: UInt64 = 99) -> Double? {
        var rng = Xoshiro256(seed: seed)
        let s = model.sample(count: count, using: &rng)
        var hist = [Double](repeating: 0, count: 64)
        for r in 0..<s.rows {
            let i = Int(floor(Double(s[r, 0]) + 4)), j = Int(floor(Double(s[r, 1]) + 4))
            if (0..<8).contains(i) && (0..<8).contains(j) { hist[j * 8 + i] += 1 / Double(s.rows) }
        }
        let sub = 16
        var pts = Matrix(rows: 64 * sub * sub, cols: 2)
        for c in 0..<64 { for a in 0..<sub { for b in 0..<sub {
            let r = (c * sub + a) * sub + b
            pts[r, 0] = Float(-4 + Double(c % 8) + (Double(a) + 0.5) / Double(sub))
            pts[r, 1] = Float(-4 + Double(c / 8) + (Double(b) + 0.5) / Double(sub))
        } } }
        guard let lp = model.logDensity(pts) else { return nil }
        var tv = 0.0
        for c in 0..<64 {
            var p = 0.0
            for k in 0..<(sub * sub) { p += exp(Double(lp[c * sub * sub + k])) / Double(sub * sub) }
            tv += abs(p - hist[c]) / 2
        }
        return tv
    }
}
