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
        var terms: [Variable] = []
        for s in steps {
            let (y, ld) = s.forward(h)
            h = y
            terms.append(ld)
        }
        return (h, Self.total(terms, rows: x.rows))
    }

    package func inverse(_ y: Variable) -> (x: Variable, logAbsDet: Variable) {
        var h = y
        var terms: [Variable] = []
        for s in steps.reversed() {
            let (x, ld) = s.inverse(h)
            h = x
            terms.append(ld)
        }
        return (h, Self.total(terms, rows: y.rows))
    }

    /// The steps' log|det| terms added in order: one node when they share a shape, else a chain
    /// of broadcasting `+` (a step may give one value for every row).
    private static func total(_ terms: [Variable], rows: Int) -> Variable {
        guard let first = terms.first else { return Variable(Matrix(rows: rows, cols: 1)) }
        if terms.count > 1 && terms.allSatisfy({ $0.rows == first.rows && $0.cols == first.cols }) {
            return Variable.sum(terms)
        }
        return terms.dropFirst().reduce(first, +)
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
