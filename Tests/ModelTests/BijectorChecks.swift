import Testing
import Foundation
import FlowCore
import FlowModels

/// zuko/nflows-style conformance checks every bijector must pass.
enum BijectorChecks {
    /// Round trip, finite outputs, log|det| against a central-difference Jacobian,
    /// forward + inverse log-dets cancel, and batch-row independence.
    static func check(_ b: any Bijector, name: String, seed: UInt64 = 1, scale: Float = 1.5) {
        var rng = Xoshiro256(seed: seed)
        let x = rng.normalMatrix(rows: 64, cols: 2).map { $0 * scale }
        let (y, ldF) = b.forward(Variable(x))
        #expect(y.value.isFinite && ldF.value.isFinite, "\(name): non-finite output")
        #expect(ldF.rows == 64 && ldF.cols == 1, "\(name): log-det shape")
        let (xBack, ldI) = b.inverse(y)
        for i in 0..<x.count {
            #expect(abs(xBack.value.storage[i] - x.storage[i]) < 2e-4 * max(1, abs(x.storage[i])),
                    "\(name): round trip element \(i)")
        }
        for r in 0..<64 {
            #expect(abs(ldF.value.storage[r] + ldI.value.storage[r]) < 1e-4 * max(1, abs(ldF.value.storage[r])),
                    "\(name): forward/inverse log-dets do not cancel in row \(r)")
        }
        // Finite-difference Jacobian of forward, per row, in Float with step 1e-2 (smooth maps).
        let h: Float = 1e-2
        for r in 0..<16 {
            var jac = [[Double]](repeating: [0, 0], count: 2)
            for c in 0..<2 {
                var up = x.rows(r..<(r + 1)), down = up
                up[0, c] += h; down[0, c] -= h
                let fu = b.forward(Variable(up)).y.value, fd = b.forward(Variable(down)).y.value
                for o in 0..<2 { jac[o][c] = Double(fu[0, o] - fd[0, o]) / Double(2 * h) }
            }
            let det = jac[0][0] * jac[1][1] - jac[0][1] * jac[1][0]
            let numeric = log(abs(det))
            #expect(abs(numeric - Double(ldF.value.storage[r])) < 5e-3 * max(1, abs(numeric)),
                    "\(name): log|det| row \(r): analytic \(ldF.value.storage[r]) vs numeric \(numeric)")
        }
        // Batch rows independent: one row alone gives the same result as inside the batch.
        for r in [0, 17, 63] {
            let (yr, ldr) = b.forward(Variable(x.rows(r..<(r + 1))))
            #expect(abs(yr.value[0, 0] - y.value[r, 0]) < 1e-5 && abs(yr.value[0, 1] - y.value[r, 1]) < 1e-5
                    && abs(ldr.value[0, 0] - ldF.value[r, 0]) < 1e-5, "\(name): row \(r) depends on the batch")
        }
    }

    /// Perturbs every parameter so the map is far from the identity initialisation.
    static func randomize(_ b: any Bijector, seed: UInt64, scale: Float = 0.5) {
        var rng = Xoshiro256(seed: seed)
        for p in b.parameters {
            p.value = p.value + rng.normalMatrix(rows: p.value.rows, cols: p.value.cols).map { $0 * scale }
        }
    }
}
