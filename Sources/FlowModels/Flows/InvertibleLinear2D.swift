import FlowCore

/// Glow's invertible 1×1 convolution for 2-D points: an invertible 2×2 map in LU form
/// (Kingma & Dhariwal 2018, §3.2), `y = P·L·U·x` with
///
///     L = [[1, 0], [l, 1]],   U = [[e^a, u], [0, e^b]],   log|det| = a + b.
///
/// The log-det is exact and free, the inverse is two triangular solves, and the map cannot
/// become singular. `P` swaps the coordinates on alternate layers. Starts at the identity.
package final class InvertibleLinear2D: Bijector {
    package let a, b, u, l: Variable
    package let swap: Bool

    package init(swap: Bool, name: String) {
        self.swap = swap
        func scalar(_ n: String) -> Variable { Variable(parameter: Matrix(rows: 1, cols: 1), name: name + "." + n) }
        a = scalar("a"); b = scalar("b"); u = scalar("u"); l = scalar("l")
    }

    package var parameters: [Variable] { [a, b, u, l] }

    private func logDet(rows: Int) -> Variable { Variable(Matrix(rows: rows, cols: 1)) + (a + b) }

    package func forward(_ x: Variable) -> (y: Variable, logAbsDet: Variable) {
        let x0 = x.column(0), x1 = x.column(1)
        // U then L: v = U x, y = L v.
        let v0 = x0 * a.exp() + x1 * u
        let v1 = x1 * b.exp()
        let y1 = v0 * l + v1
        let y = swap ? Variable.concatColumns([y1, v0]) : Variable.concatColumns([v0, y1])
        return (y, logDet(rows: x.rows))
    }

    package func inverse(_ y: Variable) -> (x: Variable, logAbsDet: Variable) {
        let v0 = swap ? y.column(1) : y.column(0)
        let y1 = swap ? y.column(0) : y.column(1)
        let v1 = y1 - v0 * l
        let x1 = v1 * (-b).exp()
        let x0 = (v0 - x1 * u) * (-a).exp()
        return (Variable.concatColumns([x0, x1]), -logDet(rows: y.rows))
    }
}
