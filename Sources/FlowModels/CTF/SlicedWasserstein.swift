import FlowCore

extension Variable {
    /// Sliced (squared) 2-Wasserstein distance between this point cloud (`n×2`, on the tape)
    /// and a fixed target cloud (`n×2`): project both on each direction, sort, and average the
    /// squared differences of matched order statistics (Bonneel et al. 2015):
    ///
    ///     SW² = (1/(nL)) Σ_ℓ Σ_i (⟨x_(i), θ_ℓ⟩ − ⟨y_(i), θ_ℓ⟩)²
    ///
    /// A set-level distance: it keeps the Langevin noise, so the generator keeps its spread.
    package func slicedWasserstein(to target: Matrix, directions: Matrix) -> Variable {
        let x = value
        precondition(x.rows == target.rows && x.cols == 2 && target.cols == 2 && directions.rows == 2, "slicedWasserstein shapes")
        let n = x.rows, l = directions.cols
        let px = x.matmul(directions), py = target.matmul(directions)
        var total = 0.0
        var residual = Matrix(rows: n, cols: l)  // per (row of x, direction): matched difference
        for d in 0..<l {
            let ox = (0..<n).sorted { px[$0, d] < px[$1, d] }
            let sy = (0..<n).map { py[$0, d] }.sorted()
            for (rank, i) in ox.enumerated() {
                let r = px[i, d] - sy[rank]
                residual[i, d] = r
                total += Double(r * r)
            }
        }
        let scale = 1 / Float(n * l)
        let res = residual
        return Variable(op: .custom, value: Matrix(rows: 1, cols: 1, storage: [Float(total) * scale]), parents: [self]) { g in
            // ∂/∂x_i = (2/(nL)) Σ_ℓ r_iℓ θ_ℓ.
            [res.matmulTransposed(directions).map { $0 * 2 * scale * g.storage[0] }]
        }
    }
}
