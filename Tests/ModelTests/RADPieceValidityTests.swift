import Testing
import Foundation
import FlowCore
import FlowData
import FlowModels

/// The piece the forward pass picks for x must be among the pieces the gate may choose for
/// f(x) (docs/ARCHITECTURE.md's RAD notes: the gate masks pieces whose image misses z). Float
/// rounding at the ends of an inner piece can put f(x) a hair outside that piece's image; the
/// chosen piece must stay valid there, or log p(x) collapses to the masked logit.
struct RADPieceValidityTests {
    /// Points at and within a few ulps of every breakpoint of many random zig-zags.
    static func pointsAtBreaks(pieces k: Int, seed: UInt64, rows: Int) -> (zigzag: ZigZag, raw: Matrix, x: Matrix) {
        var rng = Xoshiro256(seed: seed)
        let raw = rng.normalMatrix(rows: rows, cols: 2 * k).map { 2.5 * $0 }
        let zz = ZigZag(raw: Variable(raw), pieces: k)
        var x = Matrix(rows: rows, cols: 1)
        for r in 0..<rows {
            var b = zz.breaks[r % (k - 1)].value.storage[r]
            let ulps = Int(r / (k - 1)) % 9 - 4
            if ulps > 0 { for _ in 0..<ulps { b = b.nextUp } } else if ulps < 0 { for _ in 0..<(-ulps) { b = b.nextDown } }
            x.storage[r] = b
        }
        return (zz, raw, x)
    }

    @Test(arguments: [3, 5, 7])
    func chosenPieceIsAlwaysValidAtAndNearBreakpoints(_ k: Int) {
        let (zz, _, x) = Self.pointsAtBreaks(pieces: k, seed: UInt64(100 + k), rows: 6000)
        let (z, _, piece) = zz.forward(Variable(x))
        let mask = zz.validMask(z.value)
        var bad = 0
        for r in 0..<x.rows where !mask[r][piece[r]] { bad += 1 }
        #expect(bad == 0, "K=\(k): \(bad) of \(x.rows) points near a breakpoint lost their own piece")
    }

    /// The same through a whole RAD layer: log p stays finite and far from the masked logit.
    @Test func layerLogDensityIsFiniteAtBreakpoints() {
        var rng = Xoshiro256(seed: 5)
        let layer = RADCoupling(activeIndex: 1, pieces: 3, hidden: [8], gateHidden: [8], activation: .tanh, name: "l", using: &rng)
        for p in layer.parameters { p.value = p.value + rng.normalMatrix(rows: p.value.rows, cols: p.value.cols).map { 1.5 * $0 } }
        let rows = 6000
        let xp = rng.uniformMatrix(rows: rows, cols: 1, -3, 3)
        let zz = ZigZag(raw: layer.conditioner(Variable(xp)), pieces: 3)
        var x = Matrix(rows: rows, cols: 2)
        for r in 0..<rows {
            var b = zz.breaks[r % 2].value.storage[r]
            let ulps = (r / 2) % 9 - 4
            if ulps > 0 { for _ in 0..<ulps { b = b.nextUp } } else if ulps < 0 { for _ in 0..<(-ulps) { b = b.nextDown } }
            x[r, 0] = xp.storage[r]
            x[r, 1] = b
        }
        let ld = layer.forward(Variable(x)).logDensity.value
        let worst = ld.storage.min() ?? 0
        #expect(worst > -1e3 && ld.storage.allSatisfy { $0.isFinite }, "lowest log-density term \(worst)")
    }
}
