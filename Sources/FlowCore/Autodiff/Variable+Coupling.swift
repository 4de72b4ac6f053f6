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
    /// forward: `y_t = x_t·eˢ + t`; inverse: `y_t = (x_t − t)·e⁻ˢ`.
    package static func affineCoupling(_ x: Variable, head h: Variable, transformed tc: Int,
                                       bound: Float, inverse: Bool) -> Variable {
        precondition(x.cols == 2 && h.cols == 2 && x.rows == h.rows && (tc == 0 || tc == 1), "affineCoupling shapes")
        let n = x.rows
        let xv = x.value, hv = h.value
        var y = xv
        // Per row: the bounded scale s and the factor e = e^{±s} the pullback needs.
        var scale = [Float](repeating: 0, count: n), factor = [Float](repeating: 0, count: n)
        for r in 0..<n {
            let s = Kernels.softClamp(hv.storage[2 * r], bound: bound)
            let t = hv.storage[2 * r + 1]
            let xt = xv.storage[2 * r + tc]
            if inverse {
                let e = Float.expCompat(-s)
                y.storage[2 * r + tc] = (xt - t) * e
                factor[r] = e
            } else {
                let e = Float.expCompat(s)
                y.storage[2 * r + tc] = xt * e + t
                factor[r] = e
            }
            scale[r] = s
        }
        let yv = y
        return Variable(op: .affineCoupling, value: y, parents: [x, h]) { g in
            var gx = g, gh = Matrix(rows: n, cols: 2)
            for r in 0..<n {
                let gt = g.storage[2 * r + tc], e = factor[r], q = scale[r] / bound
                let dsdh = 1 - q * q
                gx.storage[2 * r + tc] = gt * e
                if inverse {
                    // ∂y_t/∂s = −y_t, ∂y_t/∂t = −e⁻ˢ.
                    gh.storage[2 * r] = -gt * yv.storage[2 * r + tc] * dsdh
                    gh.storage[2 * r + 1] = -gt * e
                } else {
                    // ∂y_t/∂s = x_t·eˢ, ∂y_t/∂t = 1.
                    gh.storage[2 * r] = gt * xv.storage[2 * r + tc] * e * dsdh
                    gh.storage[2 * r + 1] = gt
                }
            }
            return [x.requiresGrad ? gx : nil, h.requiresGrad ? gh : nil]
        }
    }

    /// The coupling's `log|det|` column: `s = B·tanh(ŝ/B)` from the head's first column, negated
    /// for the inverse direction.
    package static func boundedLogScale(_ h: Variable, bound: Float, negated: Bool) -> Variable {
        precondition(h.cols == 2, "boundedLogScale expects an n×2 head")
        let n = h.rows, sign: Float = negated ? -1 : 1
        let s = Matrix(rows: n, cols: 1) { out in
            for r in 0..<n { out[r] = Kernels.softClamp(h.value.storage[2 * r], bound: bound) }
        }
        let value = negated ? s.map { -$0 } : s
        return Variable(op: .boundedLogScale, value: value, parents: [h]) { g in
            [Matrix(rows: n, cols: 2) { out in
                for r in 0..<n {
                    let q = s.storage[r] / bound
                    out[2 * r] = sign * g.storage[r] * (1 - q * q)
                    out[2 * r + 1] = 0
                }
            }]
        }
    }
}
