/// Float32 kernels written for the auto-vectoriser (docs/ARCHITECTURE.md, "Kernels and build flags").
///
/// - `gemm` uses a register-blocked 6×16 micro-kernel of `SIMD8<Float>` FMAs when the output
///   width is a multiple of 16 (≈100 GFLOP/s with `-target-cpu haswell`), and a contiguous
///   axpy loop otherwise.
/// - Element-wise functions are plain scalar loops over pointers, which LLVM vectorises;
///   `tanh` is a rational approximation (max abs error ≈ 2e-7) because libm `tanhf` is ~30×
///   slower per element.
package enum Kernels {
    package typealias V8 = SIMD8<Float>

    @inline(__always) @usableFromInline
    static func load8(_ p: UnsafePointer<Float>) -> V8 {
        UnsafeRawPointer(p).loadUnaligned(as: V8.self)
    }

    @inline(__always)
    static func store8(_ v: V8, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V8.self)
    }

    /// `C[n×m] (+)= A[n×k] · B[k×m]`, all row-major and contiguous. With `accumulate` false,
    /// C may hold garbage on entry (every element is written), so callers skip zero-filling.
    /// With a `bias` (1×m, `accumulate` false) every row of C starts from it: `C = 1·biasᵀ + A·B`,
    /// the same sums as filling C with the bias and accumulating, without the extra pass.
    package static func gemm(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                            n: Int, k: Int, m: Int, accumulate: Bool, bias: UnsafePointer<Float>? = nil) {
        guard n > 0, m > 0 else { return }
        precondition(bias == nil || !accumulate, "gemm: a bias replaces the accumulator's start")
        /// Sets rows `from..<n` of C to their start (zero or the bias) for the loops that add onto C.
        func clear(from r0: Int) {
            if let bias {
                for r in r0..<n { for j in 0..<m { c[r * m + j] = bias[j] } }  // inline: rows are short
            } else if !accumulate {
                (c + r0 * m).update(repeating: 0, count: (n - r0) * m)
            }
        }
        guard k > 0 else { clear(from: 0); return }
        if m < 16 && k >= 16 {
            // Narrow output (e.g. a 64→2 head): dot products against the transposed B.
            clear(from: 0)
            withUnsafeTemporaryAllocation(of: Float.self, capacity: k * m) { buffer in
                let bt = buffer.baseAddress!
                for p in 0..<k { for j in 0..<m { bt[j * k + p] = b[p * m + j] } }
                narrowDots(a, bt, c, n: n, k: k, m: m)
            }
            return
        }
        if k <= 2 {
            // One or two products per element (a 1 → 64 first layer, the 2 → 64 input gradient
            // of a head): one pass that starts each element where `clear` would have.
            let start: ThinStart = accumulate ? .accumulate : (bias.map { .bias($0) } ?? .zero)
            thinInner(a, rowStride: k, innerStride: 1, b, c, rows: n, inner: k, m: m, start: start)
            return
        }
        var rowStart = 0
        if m % 16 == 0 && k >= 4 {
            rowStart = blocked(a, rowStride: k, innerStride: 1, b, c, rows: n, inner: k, m: m, accumulate: accumulate, bias: bias)
        }
        if rowStart < n && rowStart >= 6 {
            blockedTail(a, rowStride: k, innerStride: 1, b, c, rows: n, from: rowStart, inner: k, m: m,
                        accumulate: accumulate, bias: bias)
            return
        }
        clear(from: rowStart)
        // Remaining rows: C row += a_ip · B row p, for p in order.
        axpyRows(a + rowStart * k, rowStride: k, innerStride: 1, b, c + rowStart * m, rows: n - rowStart, inner: k, m: m)
    }

    /// `C[k×m] (+)= Aᵀ · B` for `A[n×k]`, `B[n×m]` (weight gradients `Xᵀ·G`) without
    /// materialising the transpose. Same `accumulate` contract as `gemm`.
    static func gemmTransposedA(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                                       n: Int, k: Int, m: Int, accumulate: Bool) {
        guard k > 0, m > 0 else { return }
        guard n > 0 else {
            if !accumulate { c.update(repeating: 0, count: k * m) }
            return
        }
        if m == 2 && k >= 32 {
            transposedANarrow2(a, b, c, n: n, k: k, accumulate: accumulate)
            return
        }
        if m < 16 {
            // Accumulate Cᵀ[m×k] = Bᵀ·A row by row (contiguous over k), then scatter.
            if !accumulate { c.update(repeating: 0, count: k * m) }
            let ct = UnsafeMutablePointer<Float>.allocate(capacity: m * k)
            defer { ct.deallocate() }
            ct.update(repeating: 0, count: m * k)
            for i in 0..<n {
                let arow = a + i * k
                for j in 0..<m {
                    let s = b[i * m + j]
                    let dst = ct + j * k
                    for p in 0..<k { dst[p] += s * arow[p] }
                }
            }
            for p in 0..<k { for j in 0..<m { c[p * m + j] += ct[j * k + p] } }
            return
        }
        var rowStart = 0
        if m % 16 == 0 && n >= 4 {
            rowStart = blocked(a, rowStride: 1, innerStride: k, b, c, rows: k, inner: n, m: m, accumulate: accumulate)
        }
        if rowStart < k && rowStart >= 6 {
            blockedTail(a, rowStride: 1, innerStride: k, b, c, rows: k, from: rowStart, inner: n, m: m, accumulate: accumulate)
            return
        }
        if !accumulate && rowStart < k { (c + rowStart * m).update(repeating: 0, count: (k - rowStart) * m) }
        axpyRows(a + rowStart, rowStride: 1, innerStride: k, b, c + rowStart * m, rows: k - rowStart, inner: n, m: m)
    }

    /// `C[r, ·] += Σ_p A[r, p] · B[p, ·]` for shapes the micro-kernel does not take (a spline
    /// head's 23 outputs, a 1 → 64 first layer, the 2 → 64 input gradient of a coupling's head,
    /// a one-row weight gradient): every element adds its products one by one in p order, a
    /// multiply then an add, like the plain loop `crow[j] += s * brow[j]`, bit for bit. C stays
    /// in registers over all p instead of being read and written once per p: blocks of four
    /// rows by 8 columns, rows left over one at a time 32 columns at once, and inner sizes 1
    /// and 2 in a single pass over each row. A[r, p] is at `a[r·rowStride + p·innerStride]`.
    static func axpyRows(_ a: UnsafePointer<Float>, rowStride: Int, innerStride: Int, _ b: UnsafePointer<Float>,
                         _ c: UnsafeMutablePointer<Float>, rows: Int, inner: Int, m: Int) {
        if inner <= 2 {
            thinInner(a, rowStride: rowStride, innerStride: innerStride, b, c, rows: rows, inner: inner, m: m,
                      start: .accumulate)
            return
        }
        var r0 = 0
        if m >= 8 && inner >= 4 && rows >= 4 {
            // B's rows padded with zeros to a multiple of 8 columns, so every load is whole.
            let stride = (m + 7) & ~7
            let padded = stride == m ? nil : UnsafeMutablePointer<Float>.allocate(capacity: inner * stride)
            defer { padded?.deallocate() }
            if let padded {
                for p in 0..<inner {
                    (padded + p * stride).update(from: b + p * m, count: m)
                    (padded + p * stride + m).update(repeating: 0, count: stride - m)
                }
            }
            let bRows = UnsafePointer(padded) ?? b
            while r0 + 4 <= rows {
                let a0 = a + r0 * rowStride
                var j0 = 0
                while j0 < m {
                    // Columns j0 ..< j0 + width of C: a last slice narrower than 8 is loaded and
                    // stored lane by lane.
                    let width = min(8, m - j0)
                    func load(_ r: Int) -> V8 {
                        let p = c + (r0 + r) * m + j0
                        if width == 8 { return load8(p) }
                        var v = V8()
                        for l in 0..<width { v[l] = p[l] }
                        return v
                    }
                    func store(_ v: V8, _ r: Int) {
                        let p = c + (r0 + r) * m + j0
                        if width == 8 { store8(v, p); return }
                        for l in 0..<width { p[l] = v[l] }
                    }
                    var (c0, c1, c2, c3) = (load(0), load(1), load(2), load(3))
                    for p in 0..<inner {
                        let bv = load8(bRows + p * stride + j0), ap = a0 + p * innerStride
                        c0 = c0 + V8(repeating: ap[0]) * bv
                        c1 = c1 + V8(repeating: ap[rowStride]) * bv
                        c2 = c2 + V8(repeating: ap[2 * rowStride]) * bv
                        c3 = c3 + V8(repeating: ap[3 * rowStride]) * bv
                    }
                    store(c0, 0); store(c1, 1); store(c2, 2); store(c3, 3)
                    j0 += 8
                }
                r0 += 4
            }
        }
        if m >= 32 && inner >= 4 {
            // Rows left over, one at a time: four independent 8-column sums so the adds overlap.
            while r0 < rows {
                let ar = a + r0 * rowStride, crow = c + r0 * m
                var j0 = 0
                while j0 + 32 <= m {
                    var (c0, c1, c2, c3) = (load8(crow + j0), load8(crow + j0 + 8), load8(crow + j0 + 16), load8(crow + j0 + 24))
                    for p in 0..<inner {
                        let s = V8(repeating: ar[p * innerStride]), bp = b + p * m + j0
                        c0 = c0 + s * load8(bp); c1 = c1 + s * load8(bp + 8)
                        c2 = c2 + s * load8(bp + 16); c3 = c3 + s * load8(bp + 24)
                    }
                    store8(c0, crow + j0); store8(c1, crow + j0 + 8); store8(c2, crow + j0 + 16); store8(c3, crow + j0 + 24)
                    j0 += 32
                }
                for p in 0..<inner {
                    let s = ar[p * innerStride], brow = b + p * m
                    for j in j0..<m { crow[j] += s * brow[j] }
                }
                r0 += 1
            }
        }
        for r in r0..<rows {
            let crow = c + r * m
            for p in 0..<inner {
                let s = a[r * rowStride + p * innerStride]
                let brow = b + p * m
                for j in 0..<m { crow[j] += s * brow[j] }
            }
        }
    }

    /// Where `thinInner`'s sums start: C's own values, zero, or a 1×m bias on every row.
    enum ThinStart {
        case accumulate, zero
        case bias(UnsafePointer<Float>)
    }

    /// `C[r, ·] = start + A[r, 0]·B[0, ·] (+ A[r, 1]·B[1, ·])` for inner sizes 1 and 2, in one
    /// pass over each row with no separate fill: the same multiplies and adds, in the same order,
    /// as filling C with its start and then running `axpyRows` (zero is added explicitly, so a
    /// −0 product still becomes +0 as it would on a zero-filled C).
    @inline(__always)
    static func thinInner(_ a: UnsafePointer<Float>, rowStride: Int, innerStride: Int, _ b: UnsafePointer<Float>,
                          _ c: UnsafeMutablePointer<Float>, rows: Int, inner: Int, m: Int, start: ThinStart) {
        for r in 0..<rows {
            let crow = c + r * m, s0 = a[r * rowStride]
            let s1 = inner == 2 ? a[r * rowStride + innerStride] : 0, b1 = b + m
            switch (start, inner) {
            case (.accumulate, 1): for j in 0..<m { crow[j] += s0 * b[j] }
            case (.accumulate, _): for j in 0..<m { crow[j] = (crow[j] + s0 * b[j]) + s1 * b1[j] }
            case (.zero, 1): for j in 0..<m { crow[j] = 0 + s0 * b[j] }
            case (.zero, _): for j in 0..<m { crow[j] = (0 + s0 * b[j]) + s1 * b1[j] }
            case (.bias(let bias), 1): for j in 0..<m { crow[j] = bias[j] + s0 * b[j] }
            case (.bias(let bias), _): for j in 0..<m { crow[j] = (bias[j] + s0 * b[j]) + s1 * b1[j] }
            }
        }
    }

    /// `Aᵀ·B` for a two-column B (the weight gradient of a coupling's `hidden → 2` head): 32
    /// rows of C at a time in eight register accumulators, summed over i in order, so the
    /// result equals the general path's bit for bit.
    static func transposedANarrow2(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                                   n: Int, k: Int, accumulate: Bool) {
        var p0 = 0
        while p0 + 32 <= k {
            var x0 = V8(), x1 = V8(), x2 = V8(), x3 = V8()
            var y0 = V8(), y1 = V8(), y2 = V8(), y3 = V8()
            for i in 0..<n {
                let ap = a + i * k + p0
                let a0 = load8(ap), a1 = load8(ap + 8), a2 = load8(ap + 16), a3 = load8(ap + 24)
                let s = V8(repeating: b[2 * i]), t = V8(repeating: b[2 * i + 1])
                x0 = x0 + s * a0; x1 = x1 + s * a1; x2 = x2 + s * a2; x3 = x3 + s * a3
                y0 = y0 + t * a0; y1 = y1 + t * a1; y2 = y2 + t * a2; y3 = y3 + t * a3
            }
            func store(_ q: Int, _ x: V8, _ y: V8) {
                for l in 0..<8 {
                    let dst = c + (p0 + 8 * q + l) * 2
                    if accumulate { dst[0] += x[l]; dst[1] += y[l] } else { dst[0] = x[l]; dst[1] = y[l] }
                }
            }
            store(0, x0, y0); store(1, x1, y1); store(2, x2, y2); store(3, x3, y3)
            p0 += 32
        }
        for p in p0..<k {
            var u: Float = 0, v: Float = 0
            for i in 0..<n { u += b[2 * i] * a[i * k + p]; v += b[2 * i + 1] * a[i * k + p] }
            if accumulate { c[2 * p] += u; c[2 * p + 1] += v } else { c[2 * p] = u; c[2 * p + 1] = v }
        }
    }

    /// `C[i, j] += dot(A row i, Bᵀ row j)` for every output, eight outputs (in row-major order)
    /// at a time: eight independent sums instead of one dependent chain, and their lanes added
    /// through an 8×8 register transpose. Each output's arithmetic is exactly `dot`'s (lane sums
    /// over p ≡ l mod 8, then lanes 0…7 in order, then the tail), so results equal it bit for bit.
    @inline(never)  // inlined into a large caller, its eight accumulators spilled to the stack (10 µs a Real NVP step)
    static func narrowDots(_ a: UnsafePointer<Float>, _ bt: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                           n: Int, k: Int, m: Int) {
        // Widths dividing 8 keep 8/m rows of A and all m rows of Bᵀ in registers.
        let done: Int
        switch m {
        case 1: done = dotGroups(a, bt, c, n: n, k: k, m: 1)
        case 2: done = dotGroups(a, bt, c, n: n, k: k, m: 2)
        case 4: done = dotGroups(a, bt, c, n: n, k: k, m: 4)
        case 8: done = dotGroups(a, bt, c, n: n, k: k, m: 8)
        default: done = 0
        }
        for i in done..<n {
            for j in 0..<m { c[i * m + j] += dot(a + i * k, bt + j * k, count: k) }
        }
    }

    /// `narrowDots` for whole groups of 8/m rows; returns the rows done. Inlined with a constant
    /// m, so each of the eight outputs' operand rows is a fixed offset and shared loads fold.
    @inline(__always)
    static func dotGroups(_ a: UnsafePointer<Float>, _ bt: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                          n: Int, k: Int, m: Int) -> Int {
        let rowsPerGroup = 8 / m, body = k & ~7
        var i0 = 0
        while i0 + rowsPerGroup <= n {
            let base = a + i0 * k
            func x(_ l: Int) -> UnsafePointer<Float> { base + (l / m) * k }
            func y(_ l: Int) -> UnsafePointer<Float> { bt + (l % m) * k }
            var v = (V8(), V8(), V8(), V8(), V8(), V8(), V8(), V8())
            var p = 0
            while p < body {
                v.0 = v.0 + load8(x(0) + p) * load8(y(0) + p); v.1 = v.1 + load8(x(1) + p) * load8(y(1) + p)
                v.2 = v.2 + load8(x(2) + p) * load8(y(2) + p); v.3 = v.3 + load8(x(3) + p) * load8(y(3) + p)
                v.4 = v.4 + load8(x(4) + p) * load8(y(4) + p); v.5 = v.5 + load8(x(5) + p) * load8(y(5) + p)
                v.6 = v.6 + load8(x(6) + p) * load8(y(6) + p); v.7 = v.7 + load8(x(7) + p) * load8(y(7) + p)
                p += 8
            }
            let t = transpose8x8(v)
            var s = t.0 + t.1
            s = s + t.2; s = s + t.3; s = s + t.4; s = s + t.5; s = s + t.6; s = s + t.7
            for l in 0..<8 {
                var r = s[l]
                for q in body..<k { r += x(l)[q] * y(l)[q] }
                c[i0 * m + l] += r
            }
            i0 += rowsPerGroup
        }
        return i0
    }

    /// Runs the 6×16 micro-kernel over all full 6-row blocks; returns the first unhandled row.
    /// Element (r, p) of the left operand is at `a[r·rowStride + p·innerStride]`.
    @inline(__always)
    static func blocked(_ a: UnsafePointer<Float>, rowStride: Int, innerStride: Int,
                        _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                        rows: Int, inner: Int, m: Int, accumulate: Bool, bias: UnsafePointer<Float>? = nil) -> Int {
        let fullBlocks = rows / 6
        for blk in 0..<fullBlocks {
            let r0 = blk * 6
            var col = 0
            while col < m {
                microKernel6x16(a + r0 * rowStride, rowStride: rowStride, innerStride: innerStride,
                                b + col, c + r0 * m + col, k: inner, m: m, accumulate: accumulate, bias: bias.map { $0 + col })
                col += 16
            }
        }
        return fullBlocks * 6
    }

    /// The last `rows − from` (< 6) rows after `blocked`: the micro-kernel runs on the final six
    /// rows (overlapping rows already done), or on exactly four when four are left (a batch of
    /// 100, a width of 64), into a scratch panel, and only the missing rows are written back, so
    /// the tail keeps the blocked speed. The panel's sums start from zero; a bias or C's own
    /// values are added to them afterwards.
    static func blockedTail(_ a: UnsafePointer<Float>, rowStride: Int, innerStride: Int,
                            _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                            rows: Int, from: Int, inner: Int, m: Int, accumulate: Bool, bias: UnsafePointer<Float>? = nil) {
        let four = rows - from == 4
        let first = four ? from : rows - 6
        // With nothing to add (no bias, not accumulating) the panel is C's own rows: rows the
        // overlap recomputes get the same sums from zero that they already hold. So it is with a
        // bias and no overlap (four rows), the bias added in place afterwards.
        let direct = !accumulate && (bias == nil || four)
        let scratch = direct ? c + first * m : UnsafeMutablePointer<Float>.allocate(capacity: 6 * m)
        defer { if !direct { scratch.deallocate() } }
        var col = 0
        while col < m {
            let a0 = a + first * rowStride
            if four {
                microKernel6x16(a0, rowStride: rowStride, innerStride: innerStride, b + col, scratch + col,
                                k: inner, m: m, accumulate: false, rows: 4)
            } else {
                microKernel6x16(a0, rowStride: rowStride, innerStride: innerStride, b + col, scratch + col,
                                k: inner, m: m, accumulate: false)
            }
            col += 16
        }
        if direct {
            if let bias {
                for r in from..<rows {
                    let row = c + r * m
                    for j in 0..<m { row[j] = bias[j] + row[j] }
                }
            }
            return
        }
        for r in from..<rows {
            let src = scratch + (r - first) * m, dst = c + r * m
            if let bias {
                for j in 0..<m { dst[j] = bias[j] + src[j] }
            } else if accumulate {
                for j in 0..<m { dst[j] += src[j] }
            } else {
                dst.update(from: src, count: m)
            }
        }
    }

    /// The transpose of an 8×8 tile held as eight rows `v₀…v₇` of one 64-element array:
    /// splitting that array into its even and odd elements rotates each 6-bit index right by one
    /// bit, and three such splits rotate it by three: (r, c) → (c, r). Each split is four
    /// `evenHalf` and four `oddHalf` shuffles of adjacent row pairs.
    @inline(__always)
    static func transpose8x8(_ rows: (V8, V8, V8, V8, V8, V8, V8, V8)) -> (V8, V8, V8, V8, V8, V8, V8, V8) {
        var v = rows
        for _ in 0..<3 {
            let p0 = SIMD16(lowHalf: v.0, highHalf: v.1), p1 = SIMD16(lowHalf: v.2, highHalf: v.3)
            let p2 = SIMD16(lowHalf: v.4, highHalf: v.5), p3 = SIMD16(lowHalf: v.6, highHalf: v.7)
            v = (p0.evenHalf, p1.evenHalf, p2.evenHalf, p3.evenHalf,
                 p0.oddHalf, p1.oddHalf, p2.oddHalf, p3.oddHalf)
        }
        return v
    }

    /// `dst[c·rows + r] = src[r·cols + c]`: 8×8 tiles in registers (`transpose8x8`), the rest
    /// element by element.
    package static func transpose(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        let fullRows = rows & ~7, fullCols = cols & ~7
        var r0 = 0
        while r0 < fullRows {
            var c0 = 0
            while c0 < fullCols {
                let v = transpose8x8((load8(src + r0 * cols + c0), load8(src + (r0 + 1) * cols + c0),
                                      load8(src + (r0 + 2) * cols + c0), load8(src + (r0 + 3) * cols + c0),
                                      load8(src + (r0 + 4) * cols + c0), load8(src + (r0 + 5) * cols + c0),
                                      load8(src + (r0 + 6) * cols + c0), load8(src + (r0 + 7) * cols + c0)))
                let d = dst + c0 * rows + r0
                store8(v.0, d); store8(v.1, d + rows); store8(v.2, d + 2 * rows); store8(v.3, d + 3 * rows)
                store8(v.4, d + 4 * rows); store8(v.5, d + 5 * rows); store8(v.6, d + 6 * rows); store8(v.7, d + 7 * rows)
                c0 += 8
            }
            r0 += 8
        }
        // The edges: the last rows % 8 rows, then the last cols % 8 columns of the tiled rows.
        for r in fullRows..<rows { for c in 0..<cols { dst[c * rows + r] = src[r * cols + c] } }
        for r in 0..<fullRows { for c in fullCols..<cols { dst[c * rows + r] = src[r * cols + c] } }
    }

    /// Dot product with eight independent partial sums (so it vectorises).
    @inline(__always)
    package static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
        var acc = V8()
        var i = 0
        while i + 8 <= count {
            acc = acc + load8(x + i) * load8(y + i)
            i += 8
        }
        var s = acc.sum()
        while i < count { s += x[i] * y[i]; i += 1 }
        return s
    }

    /// Six (or, with `rows: 4`, four) rows of A times a 16-wide column panel of B, accumulated
    /// into C (12 or 8 accumulators), which start from C itself (`accumulate`), from the 16 bias
    /// values, or from zero. Each row's sums are independent of the others', so a row's result
    /// is the same whichever block computes it.
    @inline(__always)
    static func microKernel6x16(_ a: UnsafePointer<Float>, rowStride rs: Int, innerStride cs: Int,
                                _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                                k: Int, m: Int, accumulate: Bool, bias: UnsafePointer<Float>? = nil, rows: Int = 6) {
        let six = rows == 6
        var c00 = V8(), c01 = V8(), c10 = V8(), c11 = V8(), c20 = V8(), c21 = V8()
        var c30 = V8(), c31 = V8(), c40 = V8(), c41 = V8(), c50 = V8(), c51 = V8()
        if let bias {
            let lo = load8(bias), hi = load8(bias + 8)
            (c00, c01, c10, c11, c20, c21) = (lo, hi, lo, hi, lo, hi)
            (c30, c31, c40, c41, c50, c51) = (lo, hi, lo, hi, lo, hi)
        } else if accumulate {
            c00 = load8(c); c01 = load8(c + 8)
            c10 = load8(c + m); c11 = load8(c + m + 8)
            c20 = load8(c + 2 * m); c21 = load8(c + 2 * m + 8)
            c30 = load8(c + 3 * m); c31 = load8(c + 3 * m + 8)
            if six {
                c40 = load8(c + 4 * m); c41 = load8(c + 4 * m + 8)
                c50 = load8(c + 5 * m); c51 = load8(c + 5 * m + 8)
            }
        }
        for p in 0..<k {
            let bp = b + p * m
            let b0 = load8(bp), b1 = load8(bp + 8)
            let ap = a + p * cs
            var s = V8(repeating: ap[0])
            c00.addProduct(s, b0); c01.addProduct(s, b1)
            s = V8(repeating: ap[rs])
            c10.addProduct(s, b0); c11.addProduct(s, b1)
            s = V8(repeating: ap[2 * rs])
            c20.addProduct(s, b0); c21.addProduct(s, b1)
            s = V8(repeating: ap[3 * rs])
            c30.addProduct(s, b0); c31.addProduct(s, b1)
            if six {
                s = V8(repeating: ap[4 * rs])
                c40.addProduct(s, b0); c41.addProduct(s, b1)
                s = V8(repeating: ap[5 * rs])
                c50.addProduct(s, b0); c51.addProduct(s, b1)
            }
        }
        store8(c00, c); store8(c01, c + 8)
        store8(c10, c + m); store8(c11, c + m + 8)
        store8(c20, c + 2 * m); store8(c21, c + 2 * m + 8)
        store8(c30, c + 3 * m); store8(c31, c + 3 * m + 8)
        if six {
            store8(c40, c + 4 * m); store8(c41, c + 4 * m + 8)
            store8(c50, c + 5 * m); store8(c51, c + 5 * m + 8)
        }
    }

    /// Rational tanh (Eigen's 13/6 form), clamped where tanh is ±1 in Float32. Horner steps are
    /// fused multiply-adds (`addingProduct`): Swift does not contract `p * x2 + c` by itself,
    /// and the FMA form is 1.7× faster here and no less accurate (max abs error ≈ 2e-7).
    @inline(__always)
    package static func tanh(_ x0: Float) -> Float {
        // Branch-free clamp (Swift's min/max carry NaN rules that block vectorisation).
        let c: Float = 7.90531110763549805
        let lo = x0 < -c ? -c : x0
        let x = lo > c ? c : lo
        let x2 = x * x
        var p: Float = -2.76076847742355e-16
        p = Float(2.00018790482477e-13).addingProduct(p, x2)
        p = Float(-8.60467152213735e-11).addingProduct(p, x2)
        p = Float(5.12229709037114e-08).addingProduct(p, x2)
        p = Float(1.48572235717979e-05).addingProduct(p, x2)
        p = Float(6.37261928875436e-04).addingProduct(p, x2)
        p = Float(4.89352455891786e-03).addingProduct(p, x2)
        p = p * x
        var q: Float = 1.19825839466702e-06
        q = Float(1.18534705686654e-04).addingProduct(q, x2)
        q = Float(2.26843463243900e-03).addingProduct(q, x2)
        q = Float(4.89352518554385e-03).addingProduct(q, x2)
        // Exactly ±1 beyond the clamp (the rational form gives 1 − 2⁻²² there), so bounded
        // scales such as B·tanh(x/B) reach ±B.
        let r = p / q
        return x0 > c ? 1 : (x0 < -c ? -1 : r)
    }

    /// `B·tanh(x/B)`: ≈x near 0 and never beyond ±B (Real NVP's bounded log-scale, which keeps
    /// exp(s) from overflowing); its derivative is 1 − (y/B)².
    @inline(__always)
    package static func softClamp(_ x: Float, bound: Float) -> Float { bound * tanh(x / bound) }

    /// A tanh layer's backward pass: `a = g ⊙ (1 − h²)` for its output h, and the column sums of
    /// a (the bias gradient, written to `columnSums`) in the same pass. `a` may be `g` itself.
    ///
    /// The sums stay in registers down the rows, 32 columns at a time (then 8, then one). Kept in
    /// memory, each is loaded and stored once per row, and because `columnSums` might alias `a`
    /// the compiler vectorises that loop only behind run-time overlap checks (where they cannot
    /// be hoisted, not at all: 3.8 µs at 100×64, against 0.4 µs now). Every column still adds
    /// its rows in order from zero, so the sums are the plain loop's.
    @inline(__always)
    package static func tanhBackward(_ g: UnsafePointer<Float>, output h: UnsafePointer<Float>,
                                     _ a: UnsafeMutablePointer<Float>, columnSums: UnsafeMutablePointer<Float>,
                                     rows: Int, cols m: Int) {
        @inline(__always) func slope(_ o: Int) -> V8 {
            let hv = load8(h + o)
            return load8(g + o) * (1 - hv * hv)
        }
        var j0 = 0
        while j0 + 32 <= m {
            var s0 = V8(), s1 = V8(), s2 = V8(), s3 = V8()
            for r in 0..<rows {
                let o = r * m + j0
                let v0 = slope(o), v1 = slope(o + 8), v2 = slope(o + 16), v3 = slope(o + 24)
                store8(v0, a + o); store8(v1, a + o + 8); store8(v2, a + o + 16); store8(v3, a + o + 24)
                s0 = s0 + v0; s1 = s1 + v1; s2 = s2 + v2; s3 = s3 + v3
            }
            store8(s0, columnSums + j0); store8(s1, columnSums + j0 + 8)
            store8(s2, columnSums + j0 + 16); store8(s3, columnSums + j0 + 24)
            j0 += 32
        }
        while j0 + 8 <= m {
            var s0 = V8()
            for r in 0..<rows {
                let o = r * m + j0, v = slope(o)
                store8(v, a + o)
                s0 = s0 + v
            }
            store8(s0, columnSums + j0)
            j0 += 8
        }
        for j in j0..<m {
            var sum: Float = 0
            for r in 0..<rows {
                let o = r * m + j, v = g[o] * (1 - h[o] * h[o])
                a[o] = v
                sum += v
            }
            columnSums[j] = sum
        }
    }

    /// `y[i] = tanh(x[i])` over `count` elements.
    package static func tanh(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = tanh(x[i]) }
    }

    /// sin x without libm, branch-free so loops vectorise: reduced to [−π, π] (rounding by the
    /// 1.5·2²³ trick, exact for |x| < 2²¹), folded to [−π/2, π/2], then the Taylor series to
    /// x¹¹ (error below 1e-6).
    @inline(__always)
    package static func sin(_ x: Float) -> Float {
        let twoPi: Float = 6.283185307, halfPi: Float = 1.570796327, pi: Float = 3.141592654, magic: Float = 12_582_912
        let k = (x * (1 / twoPi) + magic) - magic
        let r0 = x - twoPi * k
        let hi = r0 > halfPi ? pi - r0 : r0
        let r = hi < -halfPi ? -pi - hi : hi
        let r2 = r * r
        var p: Float = -1 / 39_916_800
        p = p * r2 + 1 / 362_880
        p = p * r2 - 1 / 5040
        p = p * r2 + 1 / 120
        p = p * r2 - 1 / 6
        p = p * r2 + 1
        return r * p
    }

    /// `y[i] = sin(x[i])` over `count` elements.
    package static func sin(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = sin(x[i]) }
    }

    /// Logistic sigmoid via the fast tanh: σ(x) = ½ + ½·tanh(x/2).
    @inline(__always)
    package static func sigmoid(_ x: Float) -> Float { 0.5 + 0.5 * tanh(0.5 * x) }

    /// Numerically stable softplus: log(1 + eˣ) = max(x, 0) + log1p(e^{-|x|}).
    @inline(__always)
    package static func softplus(_ x: Float) -> Float {
        max(x, 0) + Float.log1pCompat(Float.expCompat(-abs(x)))
    }

    /// Sum of all elements, accumulated in Double.
    package static func sum(_ x: UnsafePointer<Float>, count: Int) -> Double {
        // Eight float lanes accumulate blocks; blocks are folded into a Double total.
        var total = 0.0
        var i = 0
        while i < count {
            let end = min(count, i + 4096)
            var acc: Float = 0
            for j in i..<end { acc += x[j] }
            total += Double(acc)
            i = end
        }
        return total
    }
}
