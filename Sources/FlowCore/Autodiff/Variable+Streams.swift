/// Ops for "stacked streams": a value and its tangents stored as row blocks of one matrix
/// `[h; d₁; …; d_K]` (each block `blockRows` rows). A dense layer then pushes all streams
/// through one matrix product, and the fused ops below apply the time gate and the
/// nonlinearity to the value and (by the chain rule) the tangents in one pass each.
extension Variable {
    /// Rows `range` as a new node (`n×c → |range|×c`).
    package func rows(_ range: Range<Int>) -> Variable {
        let (n, c) = (rows, cols)
        return Variable(op: .rowSlice, value: value.rows(range), parents: [self]) { g in
            var out = Matrix(rows: n, cols: c)
            out.storage.replaceSubrange((range.lowerBound * c)..<(range.upperBound * c), with: g.storage)
            return [out]
        }
    }

    /// Stacks nodes with equal column counts.
    package static func concatRows(_ parts: [Variable]) -> Variable {
        let counts = parts.map(\.rows)
        return Variable(op: .concatRows, value: Matrix.concatRows(parts.map(\.value)), parents: parts) { g in
            var start = 0
            return zip(parts, counts).map { p, k in
                defer { start += k }
                return p.requiresGrad ? g.rows(start..<(start + k)) : nil
            }
        }
    }

    /// `−tr(∂f/∂z)` per row from stacked streams `[f; J·e₁; J·e₂]` (2 columns, blocks of
    /// `blockRows`): `−(s[n + r, 0] + s[2n + r, 1])`. One node where two row slices, two column
    /// picks, an add and a negation were six, with the same arithmetic: the pullback writes
    /// `0 + ḡ·(−1)` where the chain's zero-filled scatters added it to zeros.
    package func negatedExactTrace(blockRows n: Int) -> Variable {
        let sv = value
        precondition(sv.cols == 2 && sv.rows == 3 * n, "negatedExactTrace: 3 blocks of 2 columns")
        let y = Matrix(rows: n, cols: 1, storage: (0..<n).map { r in -(sv.storage[2 * (n + r)] + sv.storage[2 * (2 * n + r) + 1]) })
        return Variable(op: .negatedExactTrace, value: y, parents: [self]) { g in
            var out = Matrix(rows: 3 * n, cols: 2)
            for r in 0..<n {
                let d = 0 + g.storage[r] * -1
                out.storage[2 * (n + r)] = d
                out.storage[2 * (2 * n + r) + 1] = d
            }
            return [out]
        }
    }

    /// FFJORD's time gate `σ(t·w + b)` for `1 × c` rows w, b: one node where scale, add and
    /// sigmoid were three. The arithmetic is theirs, step for step, so values and gradients are
    /// unchanged bit for bit: `∂/∂b = ḡ ⊙ s(1 − s)`, `∂/∂w = t · ∂/∂b`.
    package static func timeGate(weight w: Variable, bias b: Variable, time t: Float) -> Variable {
        let s = Matrix.timeGate(weight: w.value, bias: b.value, time: t)
        return Variable(op: .timeGate, value: s, parents: [w, b]) { g in
            let gb = Matrix(rows: 1, cols: s.cols, storage: (0..<s.cols).map { j in
                let y = s.storage[j]
                return g.storage[j] * (y * (1 - y))
            })
            return [w.requiresGrad ? Matrix(rows: 1, cols: s.cols, storage: gb.storage.map { $0 * t }) : nil,
                    b.requiresGrad ? gb : nil]
        }
    }

    /// `y = P ⊙ gate`, plus `bias ⊙ gate + shift` on the first `blockRows` rows (the value
    /// stream; tangents get no bias): FFJORD's ConcatSquash output for stacked streams.
    /// `bias`, `gate`, `shift` are `1 × c`.
    package static func streamAffineGate(_ p: Variable, bias: Variable, gate: Variable, shift: Variable,
                                        blockRows: Int) -> Variable {
        let pv = p.value, bv = bias.value, gv = gate.value
        let (n, c) = (pv.rows, pv.cols)
        let y = pv.streamAffineGate(bias: bv, gate: gv, shift: shift.value, blockRows: blockRows)
        return Variable(op: .streamAffineGate, value: y, parents: [p, bias, gate, shift]) { g in
            var headSum = [Float](repeating: 0, count: c), allProd = [Float](repeating: 0, count: c)
            let gp = Matrix(rows: n, cols: c) { out in
                g.storage.withUnsafeBufferPointer { gg in
                    pv.storage.withUnsafeBufferPointer { pp in
                        gv.storage.withUnsafeBufferPointer { gate in
                            headSum.withUnsafeMutableBufferPointer { hs in
                                allProd.withUnsafeMutableBufferPointer { ap in
                                    for r in 0..<n {
                                        let row = r * c
                                        for j in 0..<c {
                                            let gi = gg[row + j]
                                            out[row + j] = gi * gate[j]
                                            ap[j] += gi * pp[row + j]
                                        }
                                        if r < blockRows { for j in 0..<c { hs[j] += gg[row + j] } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            let gBias = Matrix(rows: 1, cols: c, storage: (0..<c).map { headSum[$0] * gv.storage[$0] })
            let gGate = Matrix(rows: 1, cols: c, storage: (0..<c).map { allProd[$0] + bv.storage[$0] * headSum[$0] })
            let gShift = Matrix(rows: 1, cols: c, storage: headSum)
            return [gp, gBias, gGate, gShift]
        }
    }

    /// The value block becomes `h = tanh(a)` and every tangent block `d_k = (1 − h²) ⊙ u_k`.
    /// Backward: `ḡu_k = ḡd_k ⊙ s` and `ḡa = s ⊙ (ḡh − 2h Σ_k ḡd_k ⊙ u_k)` with `s = 1 − h²`.
    package func streamTanh(blockRows: Int) -> Variable {
        let xv = value
        let (n, c) = (rows, cols)
        let m = blockRows * c
        let blocks = n / blockRows
        // The value block of y is h itself; the backward pass reads it from there.
        let y = xv.streamTanh(blockRows: blockRows)
        return Variable(op: .streamTanh, value: y, parents: [self]) { g in
            let out = Matrix(rows: n, cols: c) { o in
                g.storage.withUnsafeBufferPointer { gg in
                    xv.storage.withUnsafeBufferPointer { x in
                        y.storage.withUnsafeBufferPointer { h in
                            // Block 0 collects Σ_k ḡd_k ⊙ u_k first; tangent blocks are plain products.
                            for i in 0..<m { o[i] = 0 }
                            for b in 1..<max(blocks, 1) {
                                let off = b * m
                                for i in 0..<m {
                                    let hi = h[i]
                                    o[i] += gg[off + i] * x[off + i]
                                    o[off + i] = gg[off + i] * (1 - hi * hi)
                                }
                            }
                            for i in 0..<m {
                                let hi = h[i]
                                o[i] = (1 - hi * hi) * (gg[i] - 2 * hi * o[i])
                            }
                        }
                    }
                }
            }
            return [out]
        }
    }
}
