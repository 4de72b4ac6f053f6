import FlowCore
import FlowData

/// Fitting a sampler-with-density to an energy target by reverse KL.
package enum ReverseKL {
    /// Annealing β_t = min(1, 0.01 + t/τ) (Rezende & Mohamed 2015). The paper's τ = 10 000 is
    /// scaled to the run: β reaches 1 half-way through the configured iterations.
    static func annealing(iteration: Int, iterations: Int) -> Double {
        min(1, 0.01 + Double(iteration) / Double(max(1, iterations / 2)))
    }
}

extension Variable {
    /// The target's energy U(x) per row (`n×2 → n×1`) with its analytic gradient.
    package func energy(_ target: EnergyTarget) -> Variable {
        let xv = value
        var u = Matrix(rows: xv.rows, cols: 1)
        for r in 0..<xv.rows { u.storage[r] = Float(target.energy(Double(xv[r, 0]), Double(xv[r, 1]))) }
        return Variable(op: .custom, value: u, parents: [self]) { g in
            var out = Matrix(rows: xv.rows, cols: 2)
            for r in 0..<xv.rows {
                let (d1, d2) = target.gradient(Double(xv[r, 0]), Double(xv[r, 1]))
                out[r, 0] = g.storage[r] * Float(d1)
                out[r, 1] = g.storage[r] * Float(d2)
            }
            return [out]
        }
    }
}
