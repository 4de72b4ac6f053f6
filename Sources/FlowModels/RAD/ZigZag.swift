#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FlowCore

/// A continuous, surjective, piecewise-linear "zig-zag" with K (odd) pieces whose slopes
/// alternate +, −, +, …, + (Dinh et al. 2019, §3, generalised to odd K):
///
///     piece 1:      z = c₁ + s₁ (x − b₁)                 x < b₁,          image (−∞, c₁)
///     piece i:      z = c_{i−1} ± s_i (x − b_{i−1})      b_{i−1} ≤ x ≤ b_i
///     piece K:      z = c_{K−1} + s_K (x − b_{K−1})      x > b_{K−1},     image (c_{K−1}, ∞)
///
/// Breakpoints `b` come from a centre m and inner widths w_i, knot values `c` from τ and the
/// slopes; so a value z has up to K pre-images, one per piece whose image contains it.
/// Parameters per row come from raw conditioner outputs (2K columns):
/// `m, τ, u₂…u_{K−1}, r₁…r_K` with `w = softplus(u) + 10⁻³` and `s = exp(4·tanh(r/4))`.
package struct ZigZag {
    package let pieces: Int
    /// Per-row tape values (n × 1 each).
    package let breaks: [Variable]      // b₁ … b_{K−1}
    package let knots: [Variable]       // c₁ … c_{K−1}
    package let logSlopes: [Variable]   // log s₁ … log s_K
    package let slopes: [Variable]

    /// Sign of piece k's slope (0-based): +, −, +, …
    package static func sign(_ k: Int) -> Float { k % 2 == 0 ? 1 : -1 }

    package init(raw: Variable, pieces k: Int) {
        precondition(k >= 3 && k % 2 == 1 && raw.cols == 2 * k, "ZigZag needs odd K ≥ 3 and 2K raw parameters")
        pieces = k
        let m = raw.column(0), tau = raw.column(1)
        let widths = (0..<(k - 2)).map { raw.column(2 + $0).softplus().shifted(by: 1e-3) }
        logSlopes = (0..<k).map { raw.column(k + $0).softClamped(4) }
        slopes = logSlopes.map { $0.exp() }
        var total = widths[0]
        for w in widths.dropFirst() { total = total + w }
        var b = [m - total.scaled(by: 0.5)]
        for w in widths { b.append(b[b.count - 1] + w) }
        breaks = b
        var c = [tau]
        for i in 1..<(k - 1) {
            // Inner piece i spans [b_i, b_{i+1}] (0-based breaks) with slope sign(i)·s_i.
            c.append(c[i - 1] + (slopes[i] * widths[i - 1]).scaled(by: ZigZag.sign(i)))
        }
        knots = c
    }

    /// Anchor (breakpoint, knot) index of piece k: piece 0 and 1 use break 0, piece i uses i−1.
    static func anchor(_ k: Int) -> Int { max(0, k - 1) }

    /// The piece containing each x (values only).
    package func piece(of x: Matrix) -> [Int] {
        (0..<x.rows).map { r in
            var k = 0
            while k < pieces - 1 && x.storage[r] > breaks[k].value.storage[r] { k += 1 }
            return k
        }
    }

    /// The image interval [lo, hi] of piece k for row r.
    package func image(_ k: Int, row r: Int) -> (lo: Float, hi: Float) {
        if k == 0 { return (-.infinity, knots[0].value.storage[r]) }
        if k == pieces - 1 { return (knots[pieces - 2].value.storage[r], .infinity) }
        let a = knots[k - 1].value.storage[r], b = knots[k].value.storage[r]
        return (min(a, b), max(a, b))
    }

    /// Which pieces can produce z (row-wise, values only): the normalisation mask.
    package func validMask(_ z: Matrix) -> [[Bool]] {
        (0..<z.rows).map { r in (0..<pieces).map { k in
            let (lo, hi) = image(k, row: r)
            return z.storage[r] >= lo && z.storage[r] <= hi
        } }
    }

    /// One-hot column (n × 1 constant) for rows in piece k.
    static func indicator(_ pieceOf: [Int], _ k: Int) -> Variable {
        Variable(Matrix(rows: pieceOf.count, cols: 1, storage: pieceOf.map { $0 == k ? 1 : 0 }))
    }

    /// z = f(x) and log|f'(x)| on the tape, with each row's piece.
    package func forward(_ x: Variable) -> (z: Variable, logSlope: Variable, piece: [Int]) {
        let which = piece(of: x.value)
        var z: Variable? = nil, ls: Variable? = nil
        for k in 0..<pieces where which.contains(k) {
            let j = ZigZag.anchor(k)
            let zk = knots[j] + ((x - breaks[j]) * slopes[k]).scaled(by: ZigZag.sign(k))
            let on = ZigZag.indicator(which, k)
            z = z.map { $0 + zk * on } ?? zk * on
            ls = ls.map { $0 + logSlopes[k] * on } ?? logSlopes[k] * on
        }
        // Rounding can leave f(x) a few ulps outside the image of the piece that holds x (at
        // the far end of an inner piece, c + s·(b' − b) need not equal the next knot exactly);
        // the gate would then mask the very piece that produced z. Nudge such values back
        // into the piece's image — a value-only correction, so the gradient is unchanged.
        var nudge = Matrix(rows: x.rows, cols: 1)
        var nudged = false
        for r in 0..<x.rows {
            let v = z!.value.storage[r], (lo, hi) = image(which[r], row: r)
            let inside = min(max(v, lo), hi)
            if inside != v { nudge.storage[r] = inside - v; nudged = true }
        }
        if nudged { z = z! + Variable(nudge) }
        return (z!, ls!, which)
    }

    /// x = f_k⁻¹(z) for each row's chosen piece (values only).
    package func inverse(_ z: Matrix, pieces chosen: [Int]) -> Matrix {
        var x = Matrix(rows: z.rows, cols: 1)
        for r in 0..<z.rows {
            let k = chosen[r], j = ZigZag.anchor(k)
            let s = slopes[k].value.storage[r] * ZigZag.sign(k)
            x.storage[r] = breaks[j].value.storage[r] + (z.storage[r] - knots[j].value.storage[r]) / s
        }
        return x
    }
}
