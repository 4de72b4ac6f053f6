import FlowCore

/// An invertible map with a tractable log-Jacobian, in the density direction:
/// `forward` maps data x to the base z, `inverse` maps z back to x. Each returns the
/// per-row `log|det ∂out/∂in|` as an `n × 1` column (nflows' `(outputs, logabsdet)`).
package protocol Bijector: AnyObject, Module {
    func forward(_ x: Variable) -> (y: Variable, logAbsDet: Variable)
    func inverse(_ y: Variable) -> (x: Variable, logAbsDet: Variable)
    /// Data-dependent initialisation from a first batch (ActNorm); a no-op by default.
    func initialize(with x: Matrix)
}

extension Bijector {
    package func initialize(with x: Matrix) {}
}

/// Composition `f_K ∘ … ∘ f_1`; log-dets add (nflows' cascade).
package final class ComposedBijector: Bijector {
    package let steps: [any Bijector]

    package init(_ steps: [any Bijector]) { self.steps = steps }

    package var parameters: [Variable] { steps.flatMap(\.parameters) }

    package func forward(_ x: Variable) -> (y: Variable, logAbsDet: Variable) {
        var h = x
        var total: Variable? = nil
        for s in steps {
            let (y, ld) = s.forward(h)
            h = y
            total = total.map { $0 + ld } ?? ld
        }
        return (h, total ?? Variable(Matrix(rows: x.rows, cols: 1)))
    }

    package func inverse(_ y: Variable) -> (x: Variable, logAbsDet: Variable) {
        var h = y
        var total: Variable? = nil
        for s in steps.reversed() {
            let (x, ld) = s.inverse(h)
            h = x
            total = total.map { $0 + ld } ?? ld
        }
        return (h, total ?? Variable(Matrix(rows: y.rows, cols: 1)))
    }

    package func initialize(with x: Matrix) {
        var h = x
        for s in steps {
            s.initialize(with: h)
            h = s.forward(Variable(h)).y.value
        }
    }
}

/// `b⁻¹` as a bijector in its own right (zuko's `.inv`): forward and inverse swap.
package final class InvertedBijector: Bijector {
    package let base: any Bijector
    package init(_ base: any Bijector) { self.base = base }
    package var parameters: [Variable] { base.parameters }
    package func forward(_ x: Variable) -> (y: Variable, logAbsDet: Variable) {
        let (y, ld) = base.inverse(x)
        return (y, ld)
    }
    package func inverse(_ y: Variable) -> (x: Variable, logAbsDet: Variable) {
        let (x, ld) = base.forward(y)
        return (x, ld)
    }
}
