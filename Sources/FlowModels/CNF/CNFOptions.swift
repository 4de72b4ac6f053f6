/// FFJORD's solver, trace and gradient settings (Grathwohl et al. 2019, §4 and Appendix B).
public struct CNFOptions: Sendable, Codable, Equatable {
    public enum Trace: String, Sendable, Codable, CaseIterable {
        /// Exact 2-D divergence: both basis tangents pushed through the network.
        case exact
        /// Hutchinson's estimator εᵀJε with Gaussian ε, frozen for the whole solve.
        case hutchinson
        /// Hutchinson's estimator with Rademacher (±1) ε.
        case rademacher
    }
    public enum Gradient: String, Sendable, Codable, CaseIterable {
        /// The adjoint method: an augmented backward ODE for z, its adjoint and the parameters.
        case adjoint
        /// Backpropagation through the solver's operations (discretise-then-optimise).
        case backprop
    }
    public enum Conditioning: String, Sendable, Codable, CaseIterable {
        case concatsquash, concat, ignore
    }

    public var solver = "dopri5"
    public var atol = 1e-5
    public var rtol = 1e-5
    /// Steps for fixed-step solvers (euler, midpoint, rk4).
    public var steps = 8
    public var trace = Trace.exact
    public var gradient = Gradient.adjoint
    /// Integration time T (data at 0, base at T).
    public var time = 0.5
    public var conditioning = Conditioning.concatsquash
    /// Weight of the kinetic-energy regulariser ∫‖f‖² dt (RNODE); 0 = off.
    public var kinetic = 0.0
    /// Weight of the Jacobian Frobenius regulariser ∫‖∂f/∂z‖²_F dt; 0 = off.
    public var jacobian = 0.0
    /// Drop the parameter adjoints from the backward error norm (Kidger et al. 2021).
    public var seminorm = true
    /// Accepted-step cap per solve.
    public var maxSteps = 1000

    public init() {}
}
