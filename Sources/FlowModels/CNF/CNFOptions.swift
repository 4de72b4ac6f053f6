/// FFJORD's solver, trace and gradient settings (Grathwohl et al. 2019, §4 and Appendix B).
package struct CNFOptions: Sendable, Codable, Equatable {
    package enum Trace: String, Sendable, Codable, CaseIterable {
        /// Exact 2-D divergence: both basis tangents pushed through the network.
        case exact
        /// Hutchinson's estimator εᵀJε with Gaussian ε, frozen for the whole solve.
        case hutchinson
        /// Hutchinson's estimator with Rademacher (±1) ε.
        case rademacher
    }
    package enum Gradient: String, Sendable, Codable, CaseIterable {
        /// The adjoint method: an augmented backward ODE for z, its adjoint and the parameters.
        case adjoint
        /// Backpropagation through the solver's operations (discretise-then-optimise).
        case backprop
    }
    package enum Conditioning: String, Sendable, Codable, CaseIterable {
        case concatsquash, concat, ignore
    }

    package var solver = "dopri5"
    package var atol = 1e-5
    package var rtol = 1e-5
    /// Steps for fixed-step solvers (euler, midpoint, rk4).
    package var steps = 8
    package var trace = Trace.exact
    package var gradient = Gradient.adjoint
    /// Integration time T (data at 0, base at T).
    package var time = 0.5
    package var conditioning = Conditioning.concatsquash
    /// Weight of the kinetic-energy regulariser ∫‖f‖² dt (RNODE); 0 = off.
    package var kinetic = 0.0
    /// Weight of the Jacobian Frobenius regulariser ∫‖∂f/∂z‖²_F dt; 0 = off.
    package var jacobian = 0.0
    /// Drop the parameter adjoints from the backward error norm (Kidger et al. 2021).
    package var seminorm = true
    /// Accepted-step cap per solve.
    package var maxSteps = 1000

    package init() {}
}
