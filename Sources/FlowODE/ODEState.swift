import FlowCore

/// What an ODE solver needs of a state: linear combinations and the parts its error norm
/// looks at. Plain matrices (inference, adjoint) and tape variables (backprop through the
/// solver) both conform, so one solver serves both.
package protocol ODEState {
    /// `self + Σ cᵢ·termsᵢ`.
    func adding(_ terms: [(Double, Self)]) -> Self
    /// The tensors of the state, for the error norm (RMS per tensor, then max).
    var parts: [Matrix] { get }
}

/// A tuple of plain matrices.
package struct MatrixState: ODEState, Sendable {
    package var parts: [Matrix]

    package init(_ parts: [Matrix]) { self.parts = parts }

    package func adding(_ terms: [(Double, MatrixState)]) -> MatrixState {
        var out = parts
        for i in out.indices {
            out[i].storage.withUnsafeMutableBufferPointer { o in
                for (c, term) in terms where c != 0 {
                    let cf = Float(c)
                    term.parts[i].storage.withUnsafeBufferPointer { t in
                        for j in 0..<o.count { o[j] += cf * t[j] }
                    }
                }
            }
        }
        return MatrixState(out)
    }
}
