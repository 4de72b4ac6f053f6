#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FlowCore

/// A monotone piecewise-linear spline on [−B, B] with K bins and identity tails — a 1-D flow
/// (coupling layers need ≥ 2 dimensions). Bin widths and heights are softmaxes of free
/// parameters times 2B, so the map is continuous, increasing, and fixes ±B:
///
///     y = y_k + (h_k / w_k)(x − x_k)  on bin k,   log|dy/dx| = log(h_k / w_k);   y = x outside.
package final class MonotoneSpline: Bijector {
    package let widthLogits: Variable
    package let heightLogits: Variable
    package let bound: Float

    package init(bins: Int, bound: Float = 4, name: String) {
        widthLogits = Variable(parameter: Matrix(rows: 1, cols: bins), name: name + ".widths")
        heightLogits = Variable(parameter: Matrix(rows: 1, cols: bins), name: name + ".heights")
        self.bound = bound
    }

    package var parameters: [Variable] { [widthLogits, heightLogits] }
    var bins: Int { widthLogits.cols }

    /// Softmax of a 1 × K row, scaled to 2B.
    func sizes(_ logits: Variable) -> Variable {
        (logits - logits.logSumExpCols()).exp().scaled(by: 2 * bound)
    }

    /// Knots (left edges) and sizes as 1×1 tape values.
    func knots(_ logits: Variable) -> (edges: [Variable], sizes: [Variable]) {
        let s = sizes(logits)
        var edges: [Variable] = [Variable(Matrix(rows: 1, cols: 1, storage: [-bound]))]
        var cols: [Variable] = []
        for k in 0..<bins {
            let sk = s.column(k)
            cols.append(sk)
            if k < bins - 1 { edges.append(edges[k] + sk) }
        }
        return (edges, cols)
    }

    func transform(_ x: Variable, from: Variable, to: Variable) -> (Variable, Variable) {
        let (xe, xs) = knots(from), (ye, ys) = knots(to)
        let xv = x.value
        var bin = [Int](repeating: -1, count: x.rows)
        for r in 0..<x.rows {
            let v = xv.storage[r]
            guard v > -bound && v < bound else { continue }
            var k = 0
            while k < bins - 1 && v >= xe[k + 1].value.storage[0] { k += 1 }
            bin[r] = k
        }
        let tail = Variable(Matrix(rows: x.rows, cols: 1, storage: bin.map { $0 < 0 ? 1 : 0 }))
        var y = x * tail
        var logDet = Variable(Matrix(rows: x.rows, cols: 1))
        for k in 0..<bins where bin.contains(k) {
            let on = Variable(Matrix(rows: x.rows, cols: 1, storage: bin.map { $0 == k ? 1 : 0 }))
            let slope = ys[k] / xs[k]
            y = y + ((x - xe[k]) * slope + ye[k]) * on
            logDet = logDet + on * slope.log()
        }
        return (y, logDet)
    }

    package func forward(_ x: Variable) -> (y: Variable, logAbsDet: Variable) {
        transform(x, from: widthLogits, to: heightLogits)
    }

    package func inverse(_ y: Variable) -> (x: Variable, logAbsDet: Variable) {
        transform(y, from: heightLogits, to: widthLogits)
    }
}

/// A learnable per-dimension affine map `y = (x + b)·eˢ` (ActNorm without data init).
package final class ElementwiseAffine: Bijector {
    package let shift: Variable
    package let logScale: Variable
    package init(dimension: Int, name: String) {
        shift = Variable(parameter: Matrix(rows: 1, cols: dimension), name: name + ".shift")
        logScale = Variable(parameter: Matrix(rows: 1, cols: dimension), name: name + ".logScale")
    }
    package var parameters: [Variable] { [shift, logScale] }
    package func forward(_ x: Variable) -> (y: Variable, logAbsDet: Variable) {
        ((x + shift) * logScale.exp(), Variable(Matrix(rows: x.rows, cols: 1)) + logScale.sumCols())
    }
    package func inverse(_ y: Variable) -> (x: Variable, logAbsDet: Variable) {
        (y * (-logScale).exp() - shift, -(Variable(Matrix(rows: y.rows, cols: 1)) + logScale.sumCols()))
    }
}
