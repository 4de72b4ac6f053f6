/// Continuous-time flow options (Chen, Li, Chen & Carin 2018).
public struct CTFOptions: Sendable, Codable, Equatable {
    public enum Distance: String, Sendable, Codable, CaseIterable {
        /// Sliced Wasserstein between the generator's cloud and the Langevin targets (default).
        case sliced
        /// Paired L2 to the same ω's Langevin step — the documented mode-collapse demonstration.
        case paired
    }
    /// Langevin step size h in z ← z + (h/2)∇log p(z) + √h ε.
    public var step = 0.01
    /// Langevin steps distilled per update.
    public var langevinSteps = 5
    public var distance = Distance.sliced
    /// Random projection directions for the sliced Wasserstein distance.
    public var directions = 32
    /// Hidden widths of the energy network (density estimation from data).
    public var energyHidden = [128, 128]
    /// Gradient penalty weight λ·E‖∇U‖² and scale regulariser α·E[U²] on the energy network.
    public var gradientPenalty = 0.1
    public var scalePenalty = 1e-3
    public init() {}
}
