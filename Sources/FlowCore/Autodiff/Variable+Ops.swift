/// Batched differentiable ops. Each op computes its value and defines its pullback in one place.
/// Binary ops broadcast their right operand when it is `1×c`, `r×1` or `1×1`.
extension Variable {
    // MARK: products

    /// `a · b`.
    package static func matmul(_ a: Variable, _ b: Variable) -> Variable {
        let av = a.value, bv = b.value
        return Variable(op: .matmul, value: av.matmul(bv), parents: [a, b]) { g in
            [a.requiresGrad ? g.matmulTransposed(bv) : nil,
             b.requiresGrad ? av.transposedMatmul(g) : nil]
        }
    }

    /// Affine map `x·W + b` with `W: in×out`, `b: 1×out`.
    package static func linear(_ x: Variable, _ w: Variable, _ b: Variable) -> Variable {
        let xv = x.value, wv = w.value
        return Variable(op: .linear, value: affine(xv, wv, b.value), parents: [x, w, b]) { g in
            [x.requiresGrad ? g.matmulTransposed(wv) : nil,
             w.requiresGrad ? xv.transposedMatmul(g) : nil,
             b.requiresGrad ? g.sumRows() : nil]
        }
    }

    /// Fused `tanh(x·W + b)`: one node, one pass over the activations.
    package static func linearTanh(_ x: Variable, _ w: Variable, _ b: Variable) -> Variable {
        let xv = x.value, wv = w.value
        var y = affine(xv, wv, b.value)
        y.storage.withUnsafeMutableBufferPointer { p in
            Kernels.tanh(UnsafePointer(p.baseAddress!), p.baseAddress!, count: p.count)
        }
        let yv = y
        return Variable(op: .linearTanh, value: y, parents: [x, w, b]) { g in
            // The pre-activation gradient and its row sums (the bias gradient) in one pass.
            let m = yv.cols
            var bias = Matrix(rows: 1, cols: m)
            let ga = Matrix(rows: g.rows, cols: m) { out in
                g.storage.withUnsafeBufferPointer { gp in
                    yv.storage.withUnsafeBufferPointer { yp in
                        bias.storage.withUnsafeMutableBufferPointer { bp in
                            Kernels.tanhBackward(gp.baseAddress!, output: yp.baseAddress!, out.baseAddress!,
                                                 columnSums: bp.baseAddress!, rows: g.rows, cols: m)
                        }
                    }
                }
            }
            return [x.requiresGrad ? ga.matmulTransposed(wv) : nil,
                    w.requiresGrad ? xv.transposedMatmul(ga) : nil,
                    b.requiresGrad ? bias : nil]
        }
    }

    /// `x·W + b` on plain matrices (bias broadcast over rows).
    package static func affine(_ x: Matrix, _ w: Matrix, _ b: Matrix) -> Matrix {
        precondition(x.cols == w.rows && b.cols == w.cols && b.rows == 1, "affine shape mismatch")
        let n = x.rows, k = x.cols, m = w.cols
        // Every element starts from its bias, and the product accumulates onto it.
        return Matrix(rows: n, cols: m) { c in
            b.storage.withUnsafeBufferPointer { bp in
                x.storage.withUnsafeBufferPointer { a in
                    w.storage.withUnsafeBufferPointer { wp in
                        Kernels.gemm(a.baseAddress!, wp.baseAddress!, c.baseAddress!, n: n, k: k, m: m,
                                     accumulate: false, bias: bp.baseAddress!)
                    }
                }
            }
        }
    }

    // MARK: broadcasting binary ops

    package static func + (a: Variable, b: Variable) -> Variable {
        Variable(op: .add, value: broadcastZip(a.value, b.value, +), parents: [a, b]) { g in
            [a.requiresGrad ? g : nil, b.requiresGrad ? reduceBroadcast(g, to: b.value) : nil]
        }
    }

    /// `t₁ + t₂ + … + tₖ` for terms of one shape, summed left to right as the chain of `+`
    /// nodes it replaces (so bit for bit the same), as one node: a flow's log|det| adds one term
    /// per step, and a node costs about 0.36 µs forward and backward. Each term's gradient is g.
    package static func sum(_ terms: [Variable]) -> Variable {
        guard let first = terms.first else { preconditionFailure("sum of no terms") }
        precondition(terms.allSatisfy { $0.rows == first.rows && $0.cols == first.cols }, "sum: terms differ in shape")
        var total = first.value
        total.storage.withUnsafeMutableBufferPointer { t in
            for term in terms.dropFirst() {
                term.value.storage.withUnsafeBufferPointer { v in
                    for i in 0..<t.count { t[i] = t[i] + v[i] }
                }
            }
        }
        return Variable(op: .sumOf, value: total, parents: terms) { g in
            terms.map { $0.requiresGrad ? g : nil }
        }
    }

    package static func - (a: Variable, b: Variable) -> Variable {
        Variable(op: .sub, value: broadcastZip(a.value, b.value, -), parents: [a, b]) { g in
            [a.requiresGrad ? g : nil, b.requiresGrad ? reduceBroadcast(g.map { -$0 }, to: b.value) : nil]
        }
    }

    package static func * (a: Variable, b: Variable) -> Variable {
        let av = a.value, bv = b.value
        return Variable(op: .mul, value: broadcastZip(av, bv, *), parents: [a, b]) { g in
            [a.requiresGrad ? broadcastZip(g, bv, *) : nil,
             b.requiresGrad ? reduceBroadcast(g.zipMap(av, *) , to: bv) : nil]
        }
    }

    package static func / (a: Variable, b: Variable) -> Variable {
        let av = a.value, bv = b.value
        let y = broadcastZip(av, bv, /)
        return Variable(op: .div, value: y, parents: [a, b]) { g in
            let ga = broadcastZip(g, bv, /)
            return [a.requiresGrad ? ga : nil,
                    b.requiresGrad ? reduceBroadcast(ga.zipMap(y) { -$0 * $1 }, to: bv) : nil]
        }
    }

    /// `l ∘ r` with `r` broadcast to `l`'s shape.
    static func broadcastZip(_ l: Matrix, _ r: Matrix, _ f: (Float, Float) -> Float) -> Matrix {
        if l.rows == r.rows && l.cols == r.cols { return l.zipMap(r, f) }
        let rowB = r.rows == 1, colB = r.cols == 1
        precondition((rowB || r.rows == l.rows) && (colB || r.cols == l.cols),
                     "cannot broadcast \(r.rows)x\(r.cols) to \(l.rows)x\(l.cols)")
        let cols = l.cols, rcols = r.cols
        return Matrix(rows: l.rows, cols: l.cols) { out in
            l.storage.withUnsafeBufferPointer { a in
                r.storage.withUnsafeBufferPointer { b in
                    for i in 0..<l.rows {
                        let rb = rowB ? 0 : i * rcols
                        for j in 0..<cols { out[i * cols + j] = f(a[i * cols + j], b[rb + (colB ? 0 : j)]) }
                    }
                }
            }
        }
    }

    /// Sums a full-shape gradient down to the broadcast operand's shape.
    static func reduceBroadcast(_ g: Matrix, to r: Matrix) -> Matrix {
        if g.rows == r.rows && g.cols == r.cols { return g }
        if r.rows == 1 && r.cols == 1 { return Matrix(rows: 1, cols: 1, storage: [Float(g.sumAll())]) }
        if r.rows == 1 { return g.sumRows() }
        return g.sumCols()
    }

    // MARK: unary ops

    /// An element-wise op `y = f(x)` with derivative `df(x, y)`. The derivative is evaluated
    /// here, where `f` and `df` inline into the loops; inside the escaping pullback it would be
    /// an indirect call per element (5 ns each). The pullback is then `ḡ ⊙ df`, the same
    /// products as before.
    @inline(__always)
    static func unary(_ x: Variable, _ op: OpKind, _ f: (Float) -> Float,
                      _ df: (_ x: Float, _ y: Float) -> Float) -> Variable {
        let xv = x.value
        let y = xv.map(f)
        guard x.requiresGrad else { return Variable(op: op, value: y, parents: [x]) { _ in [nil] } }
        let slope = Matrix(rows: y.rows, cols: y.cols) { out in
            xv.storage.withUnsafeBufferPointer { xp in
                y.storage.withUnsafeBufferPointer { yp in
                    for i in 0..<xp.count { out[i] = df(xp[i], yp[i]) }
                }
            }
        }
        return Variable(op: op, value: y, parents: [x]) { g in [g.zipMap(slope, *)] }
    }

    package static prefix func - (x: Variable) -> Variable { unary(x, .neg, { -$0 }, { _, _ in -1 }) }

    /// `c · x` for a constant `c`.
    package func scaled(by c: Float) -> Variable { Variable.unary(self, .scale, { c * $0 }, { _, _ in c }) }

    /// `x + c` for a constant `c`.
    package func shifted(by c: Float) -> Variable { Variable.unary(self, .shift, { $0 + c }, { _, _ in 1 }) }

    package func tanh() -> Variable {
        let xv = value
        var y = xv
        y.storage.withUnsafeMutableBufferPointer { p in
            Kernels.tanh(UnsafePointer(p.baseAddress!), p.baseAddress!, count: p.count)
        }
        let yv = y
        return Variable(op: .tanh, value: y, parents: [self]) { g in [g.zipMap(yv) { $0 * (1 - $1 * $1) }] }
    }

    package func sigmoid() -> Variable {
        Variable.unary(self, .sigmoid, Kernels.sigmoid) { _, y in y * (1 - y) }
    }

    package func relu() -> Variable { Variable.unary(self, .relu, { max($0, 0) }, { x, _ in x > 0 ? 1 : 0 }) }

    package func softplus() -> Variable { Variable.unary(self, .softplus, Kernels.softplus) { x, _ in Kernels.sigmoid(x) } }

    package func exp() -> Variable { Variable.unary(self, .exp, Float.expCompat) { _, y in y } }

    package func log() -> Variable { Variable.unary(self, .log, Float.logCompat) { x, _ in 1 / x } }

    /// `√x`; the derivative `1 / (2√x)` needs x > 0.
    package func sqrt() -> Variable { Variable.unary(self, .sqrt, { $0.squareRoot() }) { _, y in 0.5 / y } }

    /// `sin x`, for periodic features (`SineFeatures`).
    package func sin() -> Variable {
        let xv = value
        var y = xv
        y.storage.withUnsafeMutableBufferPointer { p in
            Kernels.sin(UnsafePointer(p.baseAddress!), p.baseAddress!, count: p.count)
        }
        // d sin x = cos x = sin(x + π/2).
        return Variable(op: .sin, value: y, parents: [self]) { g in [g.zipMap(xv) { $0 * Kernels.sin($1 + 1.570796327) }] }
    }

    package func square() -> Variable { Variable.unary(self, .square, { $0 * $0 }) { x, _ in 2 * x } }

    /// `bound · tanh(x / bound)`: a scale that is ≈x near 0 and never exceeds ±bound
    /// (Real NVP's bounded log-scale, keeping exp(s) away from overflow).
    package func softClamped(_ bound: Float) -> Variable {
        Variable.unary(self, .clampedSoftScale, { Kernels.softClamp($0, bound: bound) }) { _, y in
            let t = y / bound
            return 1 - t * t
        }
    }

    // MARK: reductions

    /// Row sums: `n×c → n×1`.
    package func sumCols() -> Variable {
        let c = cols
        return Variable(op: .sumCols, value: value.sumCols(), parents: [self]) { g in
            [Matrix(rows: g.rows, cols: c) { out in
                for r in 0..<g.rows { for j in 0..<c { out[r * c + j] = g.storage[r] } }
            }]
        }
    }

    /// Sum of all elements: `1×1`.
    package func sumAll() -> Variable {
        let (r, c) = (rows, cols)
        return Variable(op: .sumAll, value: Matrix(rows: 1, cols: 1, storage: [Float(value.sumAll())]),
                        parents: [self]) { g in [Matrix(rows: r, cols: c, repeating: g.storage[0])] }
    }

    /// Mean of all elements: `1×1`.
    package func mean() -> Variable {
        let (r, c) = (rows, cols)
        let n = Float(max(r * c, 1))
        return Variable(op: .mean, value: Matrix(rows: 1, cols: 1, storage: [Float(value.sumAll()) / n]),
                        parents: [self]) { g in [Matrix(rows: r, cols: c, repeating: g.storage[0] / n)] }
    }

    /// Row-wise log Σ exp over columns, stable: `n×k → n×1`.
    package func logSumExpCols() -> Variable {
        let xv = value, (n, k) = (rows, cols)
        var y = Matrix(rows: n, cols: 1)
        for r in 0..<n {
            var m = -Float.infinity
            for j in 0..<k { m = max(m, xv[r, j]) }
            if m == -Float.infinity { y.storage[r] = m; continue }
            var s: Float = 0
            for j in 0..<k { s += Float.expCompat(xv[r, j] - m) }
            y.storage[r] = m + Float.logCompat(s)
        }
        let yv = y
        return Variable(op: .logSumExpCols, value: y, parents: [self]) { g in
            [Matrix(rows: n, cols: k) { out in
                for r in 0..<n {
                    for j in 0..<k {
                        let w = yv.storage[r].isFinite ? Float.expCompat(xv[r, j] - yv.storage[r]) : 0
                        out[r * k + j] = g.storage[r] * w
                    }
                }
            }]
        }
    }

    // MARK: slicing

    /// Column `j` as `n×1`.
    package func column(_ j: Int) -> Variable {
        let (n, c) = (rows, cols)
        return Variable(op: .column, value: value.column(j), parents: [self]) { g in
            [Matrix(rows: n, cols: c) { out in
                for i in 0..<(n * c) { out[i] = 0 }
                for r in 0..<n { out[r * c + j] = g.storage[r] }
            }]
        }
    }

    /// Columns `range` as `n × range.count` (a conditioner's output split into its heads).
    package func columns(_ range: Range<Int>) -> Variable {
        let (n, c, w) = (rows, cols, range.count)
        let v = Matrix(rows: n, cols: w) { out in
            for r in 0..<n { for j in 0..<w { out[r * w + j] = value.storage[r * c + range.lowerBound + j] } }
        }
        return Variable(op: .columnSlice, value: v, parents: [self]) { g in
            [Matrix(rows: n, cols: c) { out in
                for i in 0..<(n * c) { out[i] = 0 }
                for r in 0..<n { for j in 0..<w { out[r * c + range.lowerBound + j] = g.storage[r * w + j] } }
            }]
        }
    }

    /// Side-by-side concatenation.
    package static func concatColumns(_ parts: [Variable]) -> Variable {
        let widths = parts.map(\.cols)
        return Variable(op: .concatColumns, value: Matrix.concatColumns(parts.map(\.value)), parents: parts) { g in
            var offset = 0
            var grads: [Matrix?] = []
            for (p, w) in zip(parts, widths) {
                if p.requiresGrad {
                    grads.append(Matrix(rows: g.rows, cols: w) { out in
                        for r in 0..<g.rows { for j in 0..<w { out[r * w + j] = g.storage[r * g.cols + offset + j] } }
                    })
                } else {
                    grads.append(nil)
                }
                offset += w
            }
            return grads
        }
    }
}
