/// The forward values of the stacked-stream ops (`Variable+Streams.swift`) on plain matrices:
/// the tape ops compute their values here, and evaluations that need no gradient (ODE solves
/// for densities and samples, Langevin scores) call them directly and build no tape.
extension Matrix {
    /// `σ(t·w + b)` for `1 × c` rows w, b (FFJORD's time gate).
    package static func timeGate(weight w: Matrix, bias b: Matrix, time t: Float) -> Matrix {
        precondition(w.rows == 1 && b.rows == 1 && w.cols == b.cols, "timeGate shapes")
        return Matrix(rows: 1, cols: w.cols, storage: (0..<w.cols).map { Kernels.sigmoid(t * w.storage[$0] + b.storage[$0]) })
    }

    /// `P ⊙ gate`, plus `bias ⊙ gate + shift` on the first `blockRows` rows (the value stream).
    package func streamAffineGate(bias: Matrix, gate: Matrix, shift: Matrix, blockRows: Int) -> Matrix {
        let (n, c) = (rows, cols)
        precondition(bias.count == c && gate.count == c && shift.count == c && blockRows <= n, "streamAffineGate shapes")
        // Unsafe pointers and the head rows split from the rest, so the inner loops vectorise.
        return Matrix(rows: n, cols: c) { yp in
            storage.withUnsafeBufferPointer { pp in
                gate.storage.withUnsafeBufferPointer { gp in
                    bias.storage.withUnsafeBufferPointer { bp in
                        shift.storage.withUnsafeBufferPointer { sp in
                            for r in 0..<n {
                                let row = r * c
                                if r < blockRows {
                                    for j in 0..<c { yp[row + j] = pp[row + j] * gp[j] + (bp[j] * gp[j] + sp[j]) }  // the reference order
                                } else {
                                    for j in 0..<c { yp[row + j] = pp[row + j] * gp[j] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The value block becomes `h = tanh(a)` and every tangent block `d_k = (1 − h²) ⊙ u_k`.
    package func streamTanh(blockRows: Int) -> Matrix {
        let (n, c) = (rows, cols)
        precondition(blockRows > 0 && n % blockRows == 0, "streamTanh: rows must be whole blocks")
        let m = blockRows * c
        let blocks = n / blockRows
        return Matrix(rows: n, cols: c) { yp in
            storage.withUnsafeBufferPointer { x in
                Kernels.tanh(x.baseAddress!, yp.baseAddress!, count: m)
                for b in 1..<max(blocks, 1) {
                    for i in 0..<m {
                        let h = yp[i]
                        yp[b * m + i] = (1 - h * h) * x[b * m + i]
                    }
                }
            }
        }
    }
}
