import Testing
import Foundation
import FlowCore

/// The Float32 kernels against naive reference implementations in Double.
struct KernelTests {
    static func naive(_ a: Matrix, _ b: Matrix) -> [Double] {
        var c = [Double](repeating: 0, count: a.rows * b.cols)
        for i in 0..<a.rows { for j in 0..<b.cols { for p in 0..<a.cols {
            c[i * b.cols + j] += Double(a[i, p]) * Double(b[p, j])
        } } }
        return c
    }

    static let shapes: [(Int, Int, Int)] = [
        (1, 1, 1), (7, 3, 2), (6, 4, 16), (13, 64, 64), (256, 64, 64), (100, 1, 64), (37, 64, 2),
        (5, 17, 48), (12, 2, 32), (0, 4, 4), (100, 64, 64), (64, 100, 32), (9, 8, 16), (100, 64, 2), (40, 7, 2),
    ]

    @Test(arguments: 0..<shapes.count)
    func gemmMatchesNaive(_ idx: Int) {
        let (n, k, m) = Self.shapes[idx]
        var rng = Xoshiro256(seed: UInt64(idx))
        let a = rng.normalMatrix(rows: n, cols: k), b = rng.normalMatrix(rows: k, cols: m)
        let ref = Self.naive(a, b)
        let c = a.matmul(b)
        for i in 0..<ref.count { #expect(abs(Double(c.storage[i]) - ref[i]) < 1e-4 * Double(k + 1)) }
        // Aᵀ·B and A·Bᵀ agree with the transposes.
        let at = a.transposed()
        let c2 = at.transposedMatmul(b)
        for i in 0..<ref.count { #expect(abs(Double(c2.storage[i]) - ref[i]) < 1e-4 * Double(k + 1)) }
        let c3 = a.matmulTransposed(b.transposed())
        for i in 0..<ref.count { #expect(abs(Double(c3.storage[i]) - ref[i]) < 1e-4 * Double(k + 1)) }
    }

    /// The accumulating path (`affine` fills the bias, then accumulates the product), including
    /// the rows after the last full six-row block.
    @Test(arguments: [(100, 64, 64), (13, 5, 32), (8, 64, 16)])
    func affineAccumulatesIntoBias(_ shape: (Int, Int, Int)) {
        let (n, k, m) = shape
        var rng = Xoshiro256(seed: 42)
        let x = rng.normalMatrix(rows: n, cols: k), w = rng.normalMatrix(rows: k, cols: m)
        let b = rng.normalMatrix(rows: 1, cols: m)
        let ref = Self.naive(x, w)
        let y = Variable.affine(x, w, b)
        for i in 0..<n { for j in 0..<m {
            #expect(abs(Double(y[i, j]) - ref[i * m + j] - Double(b[0, j])) < 1e-4 * Double(k + 1))
        } }
    }

    /// A bias given to `gemm` starts the accumulators; the result must equal filling C with the
    /// bias and accumulating onto it, bit for bit (full blocks, the tail rows, narrow outputs,
    /// the axpy path for short inner sizes).
    @Test(arguments: [(100, 64, 64), (256, 64, 64), (5, 64, 64), (13, 5, 32), (8, 64, 16), (100, 1, 64),
                      (100, 64, 2), (37, 64, 3), (12, 2, 32)])
    func gemmBiasEqualsFillThenAccumulate(_ shape: (Int, Int, Int)) {
        let (n, k, m) = shape
        var rng = Xoshiro256(seed: 7)
        let a = rng.normalMatrix(rows: n, cols: k), b = rng.normalMatrix(rows: k, cols: m)
        let bias = rng.normalMatrix(rows: 1, cols: m)
        var filled = Matrix(rows: n, cols: m)
        for i in 0..<n { for j in 0..<m { filled[i, j] = bias[0, j] } }
        a.storage.withUnsafeBufferPointer { ap in
            b.storage.withUnsafeBufferPointer { bp in
                filled.storage.withUnsafeMutableBufferPointer { cp in
                    Kernels.gemm(ap.baseAddress!, bp.baseAddress!, cp.baseAddress!, n: n, k: k, m: m, accumulate: true)
                }
            }
        }
        #expect(Variable.affine(a, b, bias).storage == filled.storage)
    }

    /// Narrow outputs (m < 16) are computed eight at a time; each must equal `Kernels.dot` of its
    /// row and column, bit for bit, whatever the width, the inner size's tail or the rows left over.
    @Test(arguments: [(100, 64, 2), (7, 64, 2), (300, 64, 1), (13, 19, 1), (9, 70, 4), (5, 16, 8), (11, 33, 3), (6, 64, 15)])
    func narrowProductsEqualDots(_ shape: (Int, Int, Int)) {
        let (n, k, m) = shape
        var rng = Xoshiro256(seed: 11)
        let a = rng.normalMatrix(rows: n, cols: k), b = rng.normalMatrix(rows: k, cols: m)
        let bt = b.transposed(), c = a.matmul(b)
        a.storage.withUnsafeBufferPointer { ap in
            bt.storage.withUnsafeBufferPointer { bp in
                for i in 0..<n { for j in 0..<m {
                    #expect(c[i, j] == 0 + Kernels.dot(ap.baseAddress! + i * k, bp.baseAddress! + j * k, count: k))
                } }
            }
        }
    }

    /// `A·Bᵀ` with a narrow result reads Bᵀ's rows directly instead of transposing B twice; it
    /// must equal the product with the materialised transpose, bit for bit.
    @Test(arguments: [(100, 64, 1), (100, 64, 2), (7, 64, 2), (13, 19, 3), (6, 64, 15), (100, 64, 64), (5, 3, 2)])
    func narrowTransposedProductEqualsTheTransposedPath(_ shape: (Int, Int, Int)) {
        let (n, k, m) = shape
        var rng = Xoshiro256(seed: 17)
        let a = rng.normalMatrix(rows: n, cols: k), w = rng.normalMatrix(rows: m, cols: k)
        #expect(a.matmulTransposed(w).storage == a.matmul(w.transposed()).storage)
    }

    /// The tanh layer's backward pass keeps its column sums in registers; values and sums must
    /// equal the plain loop (rows summed in order from zero), bit for bit, for every column
    /// block (32, 8 and single columns), in place or not.
    @Test(arguments: [(100, 64), (7, 70), (3, 8), (5, 3), (1, 41), (2, 96)])
    func tanhBackwardEqualsThePlainLoop(_ shape: (Int, Int)) {
        let (n, m) = shape
        var rng = Xoshiro256(seed: 19)
        let g = rng.normalMatrix(rows: n, cols: m)
        let h = rng.normalMatrix(rows: n, cols: m).map { Kernels.tanh($0) }
        var plain = [Float](repeating: 0, count: n * m), plainSums = [Float](repeating: 0, count: m)
        for r in 0..<n { for j in 0..<m {
            let v = g[r, j] * (1 - h[r, j] * h[r, j])
            plain[r * m + j] = v
            plainSums[j] += v
        } }
        var out = [Float](repeating: .nan, count: n * m), sums = [Float](repeating: .nan, count: m)
        var inPlace = g.storage
        g.storage.withUnsafeBufferPointer { gp in
            h.storage.withUnsafeBufferPointer { hp in
                out.withUnsafeMutableBufferPointer { op in
                    sums.withUnsafeMutableBufferPointer { sp in
                        Kernels.tanhBackward(gp.baseAddress!, output: hp.baseAddress!, op.baseAddress!,
                                             columnSums: sp.baseAddress!, rows: n, cols: m)
                    }
                }
                var sums2 = [Float](repeating: .nan, count: m)
                inPlace.withUnsafeMutableBufferPointer { ip in
                    sums2.withUnsafeMutableBufferPointer { sp in
                        Kernels.tanhBackward(UnsafePointer(ip.baseAddress!), output: hp.baseAddress!, ip.baseAddress!,
                                             columnSums: sp.baseAddress!, rows: n, cols: m)
                    }
                }
                #expect(sums2 == plainSums)
            }
        }
        #expect(out == plain && sums == plainSums && inPlace == plain)
    }

    /// Widths the micro-kernel does not take go through register-blocked multiply-adds; each
    /// element must equal the plain loop `c += a·b` (p in order), bit for bit, for A·B and Aᵀ·B.
    @Test(arguments: [(100, 64, 23), (13, 64, 23), (256, 64, 40), (9, 5, 17), (100, 1, 64), (7, 3, 64), (5, 8, 8),
                      (3, 40, 70), (2, 9, 41), (256, 2, 64)])
    func axpyWidthsEqualThePlainLoop(_ shape: (Int, Int, Int)) {
        let (n, k, m) = shape
        var rng = Xoshiro256(seed: 13)
        let a = rng.normalMatrix(rows: n, cols: k), b = rng.normalMatrix(rows: k, cols: m)
        var plain = [Float](repeating: 0, count: n * m)
        for i in 0..<n { for p in 0..<k { let s = a[i, p]; for j in 0..<m { plain[i * m + j] += s * b[p, j] } } }
        #expect(a.matmul(b).storage == plain)
        // Aᵀ·B with A = aᵀ (k × n read as n rows of k): the same products, summed over rows of B.
        let g = rng.normalMatrix(rows: n, cols: m)
        var plainT = [Float](repeating: 0, count: k * m)
        for p in 0..<k { for i in 0..<n { let s = a[i, p]; for j in 0..<m { plainT[p * m + j] += s * g[i, j] } } }
        if m >= 16 && m % 16 != 0 || k < 6 { #expect(a.transposedMatmul(g).storage == plainT) }
    }

    @Test func polynomialSinIsAccurate() {
        var worst = 0.0
        for i in 0...20_000 {
            let x = Float(-60 + 120 * Double(i) / 20_000)
            worst = max(worst, abs(Double(Kernels.sin(x)) - Foundation.sin(Double(x))))
        }
        #expect(worst < 5e-6, "max error \(worst) on [−60, 60]")
    }

    @Test func fastTanhIsAccurate() {
        var worst = 0.0
        for i in -20000...20000 {
            let x = Float(i) / 1000
            worst = max(worst, abs(Double(Kernels.tanh(x)) - Foundation.tanh(Double(x))))
        }
        #expect(worst < 1e-6)
        #expect(Kernels.tanh(.infinity) == 1 && Kernels.tanh(-.infinity) == -1)
    }

    @Test func sigmoidAndSoftplusAreAccurateAndStable() {
        for i in -400...400 {
            let x = Float(i) / 10
            let s = 1 / (1 + Foundation.exp(-Double(x)))
            #expect(abs(Double(Kernels.sigmoid(x)) - s) < 1e-6)
            let sp = max(Double(x), 0) + Foundation.log1p(Foundation.exp(-abs(Double(x))))
            #expect(abs(Double(Kernels.softplus(x)) - sp) < 1e-5 * max(1, sp))
        }
        #expect(Kernels.softplus(1000).isFinite && Kernels.softplus(-1000) >= 0)
    }

    @Test func reductionsAndSlicing() {
        let m = Matrix([[1, 2, 3], [4, 5, 6]])
        #expect(m.sumRows() == Matrix([[5, 7, 9]]))
        #expect(m.sumCols() == Matrix([[6], [15]]))
        #expect(m.sumAll() == 21)
        #expect(m.column(1) == Matrix([[2], [5]]))
        #expect(m.transposed() == Matrix([[1, 4], [2, 5], [3, 6]]))
        #expect(Matrix.concatColumns([m.column(2), m.column(0)]) == Matrix([[3, 1], [6, 4]]))
        #expect(Matrix.concatRows([m, m]).rows == 4)
        #expect(!Matrix([[1, .nan]]).isFinite && m.isFinite)
    }

    /// The tiled transpose moves every element to (c, r), tiles and edges alike.
    @Test(arguments: [(1, 1), (3, 5), (8, 8), (7, 9), (16, 24), (64, 64), (13, 70), (100, 2), (2, 100), (64, 2)])
    func transposeMovesEveryElement(_ shape: (Int, Int)) {
        let (rows, cols) = shape
        let m = Matrix(rows: rows, cols: cols, storage: (0..<(rows * cols)).map(Float.init))
        let t = m.transposed()
        #expect(t.rows == cols && t.cols == rows)
        var wrong = 0
        for r in 0..<rows { for c in 0..<cols where t[c, r] != m[r, c] { wrong += 1 } }
        #expect(wrong == 0)
    }
}
