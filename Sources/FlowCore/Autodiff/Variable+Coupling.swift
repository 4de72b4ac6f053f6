/// The element-wise half of a 2-D affine coupling (Real NVP, Dinh, Sohl-Dickstein & Bengio 2017)
/// as two tape nodes instead of eleven (two column splits, the bounded scale, exp, product, sum,
/// concatenation and their gradients' allocations): a coupling iteration is dominated by such
/// small nodes once its dense layers run near peak (README, "Speed").
///
/// The head `h` (`n×2`) holds the raw log-scale ŝ and the shift t; the log-scale is bounded,
/// `s = B·tanh(ŝ/B)`, with `ds/dŝ = 1 − (s/B)²`. The arithmetic matches the unfused chain
/// (`softClamped`, `exp`, `*`, `+`) operation for operation, so values are unchanged.
extension Variable {
    /// `y_c = x_c` and, with `c` the other column,
    /// forward: `y_t = x_t·eˢ + t`; inverse: `y_t = (x_t − t)·e⁻ˢ`;
    /// and the coupling's `log|det|` column, `s` (forward) or `−s` (inverse).
    ///
    /// One pass computes s, its slope and e^{±s} per row for both nodes, in loops over
    /// contiguous rows that vectorise (except libm's `expf`).
    package static func affineCoupling(_ x: Variable, head h: Variable, transformed tc: Int,
                                       bound: Float, inverse: Bool) -> (y: Variable, logAbsDet: Variable) {
        precondition(x.cols == 2 && h.cols == 2 && x.rows == h.rows && (tc == 0 || tc == 1), "affineCoupling shapes")
        let n = x.rows
        let xv = x.value, hv = h.value
        // Per row: the bounded scale s, its slope ds/dŝ and the factor e = e^{±s}.
        let hp = hv.storage
        var slope = [Float](repeating: 0, count: n)
        let scale = [Float](unsafeUninitializedCapacity: n) { sp, count in
            slope.withUnsafeMutableBufferPointer { dp in
                for r in 0..<n {
                    let s = Kernels.softClamp(hp[2 * r], bound: bound), q = s / bound
                    sp[r] = s
                    dp[r] = 1 - q * q
                }
            }
            count = n
        }
        let factor = [Float](unsafeUninitializedCapacity: n) { ep, count in
            if inverse {
                for r in 0..<n { ep[r] = Float.expCompat(-scale[r]) }
            } else {
                for r in 0..<n { ep[r] = Float.expCompat(scale[r]) }
            }
            count = n
        }
        var y = xv
        y.storage.withUnsafeMutableBufferPointer { yp in
            if inverse {
                for r in 0..<n { yp[2 * r + tc] = (yp[2 * r + tc] - hp[2 * r + 1]) * factor[r] }
            } else {
                for r in 0..<n { yp[2 * r + tc] = yp[2 * r + tc] * factor[r] + hp[2 * r + 1] }
            }
        }
        let yv = y, slopes = slope
        let coupled = Variable(op: .affineCoupling, value: yv, parents: [x, h]) { g in
            var gx = g, gh = Matrix(rows: n, cols: 2)
            g.storage.withUnsafeBufferPointer { gp in
                gx.storage.withUnsafeMutableBufferPointer { gxp in
                    gh.storage.withUnsafeMutableBufferPointer { ghp in
                        if inverse {
                            // ∂y_t/∂s = −y_t, ∂y_t/∂t = −e⁻ˢ.
                            for r in 0..<n {
                                let gt = gp[2 * r + tc], e = factor[r]
                                gxp[2 * r + tc] = gt * e
                                ghp[2 * r] = -gt * yv.storage[2 * r + tc] * slopes[r]
                                ghp[2 * r + 1] = -gt * e
                            }
                        } else {
                            // ∂y_t/∂s = x_t·eˢ, ∂y_t/∂t = 1.
                            for r in 0..<n {
                                let gt = gp[2 * r + tc], e = factor[r]
                                gxp[2 * r + tc] = gt * e
                                ghp[2 * r] = gt * xv.storage[2 * r + tc] * e * slopes[r]
                                ghp[2 * r + 1] = gt
                            }
                        }
                    }
                }
            }
            return [x.requiresGrad ? gx : nil, h.requiresGrad ? gh : nil]
        }
        let sign: Float = inverse ? -1 : 1
        let logScale = Matrix(rows: n, cols: 1, storage: inverse ? scale.map { -$0 } : scale)
        let logAbsDet = Variable(op: .boundedLogScale, value: logScale, parents: [h]) { g in
            [Matrix(rows: n, cols: 2) { out in
                for r in 0..<n {
                    out[2 * r] = sign * g.storage[r] * slopes[r]
                    out[2 * r + 1] = 0
                }
            }]
        }
        return (coupled, logAbsDet)
    }
}
