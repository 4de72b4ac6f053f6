/// Matrix products and element-wise helpers used by the autodiff ops and by inference paths.
extension Matrix {
    /// `self · other` (`n×k · k×m`).
    package func matmul(_ other: Matrix) -> Matrix {
        precondition(cols == other.rows, "matmul shape mismatch \(rows)x\(cols) · \(other.rows)x\(other.cols)")
        let (n, k, m) = (rows, cols, other.cols)
        return Matrix(rows: n, cols: m) { c in
            guard let cp = c.baseAddress else { return }
            storage.withUnsafeBufferPointer { a in
                other.storage.withUnsafeBufferPointer { b in
                    // The kernel writes every element (accumulate: false), so no zero-fill first.
                    Kernels.gemm(a.baseAddress ?? UnsafePointer(cp), b.baseAddress ?? UnsafePointer(cp), cp,
                                 n: n, k: k, m: m, accumulate: false)
                }
            }
        }
    }

    /// `self · otherᵀ`. A narrow result (fewer than 16 columns, e.g. the input gradient of a
    /// 1 → 64 first layer) takes `gemm`'s dot-product path directly: `other` already is the
    /// transposed operand that path would build, so nothing is transposed twice. Otherwise
    /// `other` is transposed into a scratch buffer (on the stack when small) instead of a new
    /// matrix, and the product is `gemm`'s on it, the same as `matmul(other.transposed())`.
    package func matmulTransposed(_ other: Matrix) -> Matrix {
        precondition(cols == other.cols, "matmulTransposed shape mismatch \(rows)x\(cols) · (\(other.rows)x\(other.cols))ᵀ")
        let (n, k, m) = (rows, cols, other.rows)
        guard n > 0 && k > 0 && m > 0 else { return matmul(other.transposed()) }
        return Matrix(rows: n, cols: m) { c in
            let cp = c.baseAddress!
            storage.withUnsafeBufferPointer { a in
                other.storage.withUnsafeBufferPointer { bt in
                    if m < 16 && k >= 16 {
                        cp.update(repeating: 0, count: n * m)
                        Kernels.narrowDots(a.baseAddress!, bt.baseAddress!, cp, n: n, k: k, m: m)
                        return
                    }
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: k * m) { b in
                        Kernels.transpose(bt.baseAddress!, b.baseAddress!, rows: m, cols: k)
                        Kernels.gemm(a.baseAddress!, UnsafePointer(b.baseAddress!), cp, n: n, k: k, m: m, accumulate: false)
                    }
                }
            }
        }
    }

    /// `selfᵀ · other`, without materialising the transpose.
    package func transposedMatmul(_ other: Matrix) -> Matrix {
        precondition(rows == other.rows, "transposedMatmul shape mismatch")
        let (n, k, m) = (rows, cols, other.cols)
        return Matrix(rows: k, cols: m) { c in
            guard let cp = c.baseAddress else { return }
            storage.withUnsafeBufferPointer { a in
                other.storage.withUnsafeBufferPointer { b in
                    Kernels.gemmTransposedA(a.baseAddress ?? UnsafePointer(cp), b.baseAddress ?? UnsafePointer(cp), cp,
                                            n: n, k: k, m: m, accumulate: false)
                }
            }
        }
    }

    /// Element-wise combination of two equal-shaped matrices.
    @inline(__always)
    package func zipMap(_ other: Matrix, _ f: (Float, Float) -> Float) -> Matrix {
        precondition(rows == other.rows && cols == other.cols, "zipMap shape mismatch")
        return Matrix(rows: rows, cols: cols) { out in
            storage.withUnsafeBufferPointer { a in
                other.storage.withUnsafeBufferPointer { b in
                    for i in 0..<a.count { out[i] = f(a[i], b[i]) }
                }
            }
        }
    }

    package static func + (l: Matrix, r: Matrix) -> Matrix { l.zipMap(r, +) }
    package static func - (l: Matrix, r: Matrix) -> Matrix { l.zipMap(r, -) }
    package static func * (s: Float, m: Matrix) -> Matrix { m.map { s * $0 } }

    /// Adds `other` into `self` in place (shapes must match).
    package mutating func addInPlace(_ other: Matrix) {
        precondition(rows == other.rows && cols == other.cols, "addInPlace shape mismatch")
        storage.withUnsafeMutableBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                for i in 0..<a.count { a[i] += b[i] }
            }
        }
    }

    /// Multiplies every element by `s` in place (the same products as `s * self`).
    package mutating func scale(by s: Float) {
        storage.withUnsafeMutableBufferPointer { a in
            for i in 0..<a.count { a[i] = s * a[i] }
        }
    }

    /// Sums over rows: a `1 × cols` matrix.
    package func sumRows() -> Matrix {
        Matrix(rows: 1, cols: cols) { out in
            for c in 0..<cols { out[c] = 0 }
            storage.withUnsafeBufferPointer { a in
                for r in 0..<rows {
                    for c in 0..<cols { out[c] += a[r * cols + c] }
                }
            }
        }
    }

    /// Sums over columns: a `rows × 1` matrix.
    package func sumCols() -> Matrix {
        Matrix(rows: rows, cols: 1) { out in
            storage.withUnsafeBufferPointer { a in
                for r in 0..<rows {
                    var s: Float = 0
                    for c in 0..<cols { s += a[r * cols + c] }
                    out[r] = s
                }
            }
        }
    }

    /// Sum of every element, in Double.
    package func sumAll() -> Double {
        storage.withUnsafeBufferPointer { Kernels.sum($0.baseAddress!, count: $0.count) }
    }

    /// Squared Frobenius norm in Double.
    package func squaredNorm() -> Double {
        storage.withUnsafeBufferPointer { p in
            // Blocks of 4096 summed with SIMD partial sums, blocks folded in Double.
            var total = 0.0
            var i = 0
            while i < p.count {
                let n = min(4096, p.count - i)
                total += Double(Kernels.dot(p.baseAddress! + i, p.baseAddress! + i, count: n))
                i += n
            }
            return total
        }
    }
}
