#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FlowCore

/// A monotone rational-quadratic spline on [−B, B] with K bins and identity tails, one per row
/// (Durkan, Bekasov, Murray & Papamakarios 2019, "Neural Spline Flows", §3.1; Gregory &
/// Delbourgo 1982). Each row brings its own `3K − 1` raw parameters: K width and K height
/// logits (softmaxes, so knots are increasing and span [−B, B]) and K − 1 interior derivative
/// logits (softplus; the derivatives at ±B are 1 so the tails join smoothly). On bin k, with
/// `s = h/w` and `ξ = (x − x_k)/w ∈ [0, 1]`:
///
///     y = y_k + h·(s ξ² + d_k ξ(1−ξ)) / (s + (d_{k+1} + d_k − 2s) ξ(1−ξ))
///     dy/dx = s² (d_{k+1} ξ² + 2s ξ(1−ξ) + d_k (1−ξ)²) / (s + (d_{k+1} + d_k − 2s) ξ(1−ξ))²
///
/// The inverse solves the quadratic in ξ in its numerically stable form (paper, eq. 6–8).
/// Everything is built from differentiable ops; the bin choice is a constant one-hot mask.
/// All-zero parameters give the identity map.
package struct RationalQuadraticSpline: Sendable {
    package let bins: Int
    package let bound: Float
    static let minimumBin: Float = 1e-3
    static let minimumDerivative: Float = 1e-3

    package init(bins: Int, bound: Float) {
        precondition(bins >= 2 && bound > 0)
        self.bins = bins
        self.bound = bound
    }

    /// Raw parameters per row.
    package var parameterCount: Int { 3 * bins - 1 }

    /// Softplus shift so that a zero logit gives derivative exactly 1.
    private var derivativeShift: Float {
        Float(log(exp(Double(1 - Self.minimumDerivative)) - 1))
    }

    /// One side of the knots: bin sizes (n × K) and left edges (n × K), from logits.
    private func knots(_ logits: Variable) -> (sizes: Variable, left: Variable) {
        let k = Float(bins)
        let p = (logits - logits.logSumExpCols()).exp()
        let sizes = p.scaled(by: 1 - Self.minimumBin * k).shifted(by: Self.minimumBin).scaled(by: 2 * bound)
        let upper = Matrix(rows: bins, cols: bins) { out in
            for i in 0..<bins { for j in 0..<bins { out[i * bins + j] = i <= j ? 1 : 0 } }
        }
        let right = Variable.matmul(sizes, Variable(upper)).shifted(by: -bound)
        return (sizes, right - sizes)
    }

    /// The one-hot bin of each row, found on the left edges' values (rows outside (−B, B)
    /// were moved to 0 by the caller and are masked out afterwards).
    private func binMask(_ v: Matrix, left: Matrix) -> Variable {
        Variable(Matrix(rows: v.rows, cols: bins) { out in
            for r in 0..<v.rows {
                var k = 0
                while k < bins - 1 && v.storage[r] >= left.storage[r * bins + k + 1] { k += 1 }
                for j in 0..<bins { out[r * bins + j] = j == k ? 1 : 0 }
            }
        })
    }

    /// Per-row values of the chosen bin: (x_k, w_k, y_k, h_k, d_k, d_{k+1}).
    private struct Bin { let x, w, y, h, d0, d1: Variable }

    private func select(_ raw: Variable, at v: Matrix, inverse: Bool) -> Bin {
        let (ws, xl) = knots(raw.columns(0..<bins))
        let (hs, yl) = knots(raw.columns(bins..<(2 * bins)))
        let one = Variable(Matrix(rows: raw.rows, cols: 1, repeating: 1))
        let d = raw.columns((2 * bins)..<(3 * bins - 1)).shifted(by: derivativeShift).softplus()
            .shifted(by: Self.minimumDerivative)
        let mask = binMask(v, left: (inverse ? yl : xl).value)
        func pick(_ m: Variable) -> Variable { (m * mask).sumCols() }
        return Bin(x: pick(xl), w: pick(ws), y: pick(yl), h: pick(hs),
                   d0: pick(Variable.concatColumns([one, d])), d1: pick(Variable.concatColumns([d, one])))
    }

    /// `log dy/dx` at ξ on bin `b`.
    private func logSlope(_ b: Bin, _ xi: Variable) -> Variable {
        let s = b.h / b.w
        let xi1 = xi - xi.square()
        let den = s + (b.d1 + b.d0 - s.scaled(by: 2)) * xi1
        let num = b.d1 * xi.square() + s.scaled(by: 2) * xi1 + b.d0 * (xi.scaled(by: -1).shifted(by: 1)).square()
        return s.log().scaled(by: 2) + num.log() - den.log().scaled(by: 2)
    }

    /// Rows strictly inside (−B, B) as a 0/1 column.
    private func insideMask(_ v: Matrix) -> Variable {
        Variable(Matrix(rows: v.rows, cols: 1, storage: v.storage.map { $0 > -bound && $0 < bound ? 1 : 0 }))
    }

    /// `y = g(x)` and `log|dy/dx|` (n × 1 each) for x (n × 1) and raw parameters (n × (3K−1)).
    package func forward(_ x: Variable, parameters raw: Variable) -> (y: Variable, logAbsDet: Variable) {
        let inside = insideMask(x.value)
        let xin = x * inside
        let b = select(raw, at: xin.value, inverse: false)
        let xi = (xin - b.x) / b.w
        let s = b.h / b.w
        let xi1 = xi - xi.square()
        let den = s + (b.d1 + b.d0 - s.scaled(by: 2)) * xi1
        let y = b.y + b.h * (s * xi.square() + b.d0 * xi1) / den
        let outside = inside.scaled(by: -1).shifted(by: 1)
        return (y * inside + x * outside, logSlope(b, xi) * inside)
    }

    /// `x = g⁻¹(y)` and `log|dx/dy|`.
    package func inverse(_ y: Variable, parameters raw: Variable) -> (x: Variable, logAbsDet: Variable) {
        let inside = insideMask(y.value)
        let yin = y * inside
        let b = select(raw, at: yin.value, inverse: true)
        let s = b.h / b.w
        let dy = yin - b.y
        let curvature = b.d1 + b.d0 - s.scaled(by: 2)
        let a = b.h * (s - b.d0) + dy * curvature
        let bq = b.h * b.d0 - dy * curvature
        let c = -(s * dy)
        // b² − 4ac ≥ 0 for a monotone spline; the floor only guards rounding at the knots.
        let disc = (bq.square() - (a * c).scaled(by: 4)).relu().shifted(by: 1e-12)
        let xi = c.scaled(by: 2) / (-bq - disc.sqrt())
        let x = b.x + xi * b.w
        let outside = inside.scaled(by: -1).shifted(by: 1)
        return (x * inside + y * outside, -(logSlope(b, xi) * inside))
    }
}
