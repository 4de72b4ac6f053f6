import Testing
import Foundation
import FlowCore
import FlowData

struct EnergyTargetTests {
    @Test(arguments: EnergyTarget.allCases)
    func gradientMatchesFiniteDifferences(_ t: EnergyTarget) {
        var g = Xoshiro256(seed: 4)
        for _ in 0..<200 {
            let z1 = g.uniform(-4.5, 4.5), z2 = g.uniform(-4, 4)
            let h = 1e-6
            let n1 = (t.energy(z1 + h, z2) - t.energy(z1 - h, z2)) / (2 * h)
            let n2 = (t.energy(z1, z2 + h) - t.energy(z1, z2 - h)) / (2 * h)
            let (a1, a2) = t.gradient(z1, z2)
            #expect(abs(a1 - n1) < 1e-4 * max(1, abs(n1)), "\(t) ∂1 at (\(z1), \(z2))")
            #expect(abs(a2 - n2) < 1e-4 * max(1, abs(n2)), "\(t) ∂2 at (\(z1), \(z2))")
        }
    }

    /// log Z on [−4, 4]² from numerical quadrature on an 801² grid.
    @Test(arguments: zip(EnergyTarget.allCases, [1.878, 2.083, 2.643, 2.686]))
    func logNormaliserMatchesReference(_ t: EnergyTarget, _ reference: Double) {
        #expect(abs(t.quadrature.logZ - reference) < 0.01)
    }

    @Test func quadratureSamplerMatchesTheTarget() {
        let q = EnergyTarget.u1.quadrature
        var g = Xoshiro256(seed: 2)
        let s = q.sample(count: 40_000, using: &g)
        // Histogram on 8×8 cells vs the normalised target integrated over each cell.
        var hist = [Double](repeating: 0, count: 64)
        for r in 0..<s.rows {
            let i = min(7, max(0, Int((Double(s[r, 0]) + 4) / 1))), j = min(7, max(0, Int((Double(s[r, 1]) + 4) / 1)))
            hist[j * 8 + i] += 1 / Double(s.rows)
        }
        var tv = 0.0
        for j in 0..<8 { for i in 0..<8 {
            var p = 0.0
            for a in 0..<20 { for b in 0..<20 {
                p += exp(q.logDensity(-4 + Double(i) + (Double(a) + 0.5) / 20, -4 + Double(j) + (Double(b) + 0.5) / 20)) / 400
            } }
            tv += abs(p - hist[j * 8 + i]) / 2
        } }
        #expect(tv < 0.02)
    }
}
