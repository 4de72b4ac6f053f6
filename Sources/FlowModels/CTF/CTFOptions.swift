/// Continuous-time flow options (Chen, Li, Chen, Wang, Pu & Carin 2018).
package struct CTFOptions: Sendable, Codable, Equatable {
    package enum Distance: String, Sendable, Codable, CaseIterable {
        /// Maximum mean discrepancy (U-statistic, Gaussian kernels) between the generator's
        /// cloud and the Langevin particles (default): an unbiased minibatch gradient.
        case mmd
        /// Sliced Wasserstein between the generator's cloud and the Langevin particles.
        case sliced
        /// Paired L2 to the same ω's Langevin step — the documented mode-collapse demonstration.
        case paired
    }
    /// The generator's latent distribution ω.
    package enum Latent: String, Sendable, Codable, CaseIterable {
        /// ω ~ N(0, I), as in the paper (its toy sampler has an isotropic Gaussian input).
        case gaussian
        /// ω ~ U(−√3, √3)², unit variance with bounded support: no latent tail that the
        /// generator's linear path carries past the box (where reflection folds it back as a
        /// halo off the target's ridges).
        case uniform
    }
    /// Langevin step size h in z ← z + (h/2)∇log p(z) + √h ε.
    package var step = 0.01
    /// Langevin steps per update.
    package var langevinSteps = 5
    package var distance = Distance.mmd
    package var latent = Latent.gaussian
    /// The generator's MLP sees `inputScale`·ω (its linear path sees ω). Checkpoints written
    /// before the field existed used 1.
    package var inputScale = 2.0
    /// Langevin steps K applied on top of the generator in the explorer's side-by-side view
    /// (its `[`/`]` knob); training does not use it.
    package var viewLangevinSteps = 100
    /// Random projection directions for the sliced Wasserstein distance.
    package var directions = 32
    /// Widths σ of the Gaussian kernels summed in the MMD.
    package var kernelWidths = [0.1, 0.3, 1.0]
    /// Share of the persistent Langevin particles restarted from the generator at each update
    /// (1 = every update starts fresh chains of `langevinSteps` steps from the generator).
    package var refresh = 1.0 / 256
    /// Hidden widths of the energy network (density estimation from data).
    package var energyHidden = [128, 128]
    /// Gradient penalty weight λ·E‖∇U‖² and scale regulariser α·E[U²] on the energy network.
    /// Neither is in the paper (its energy update is the likelihood gradient, Eq. 9): both are
    /// weak guards against drift. λ costs about λ × the Fisher information at the true density
    /// and so widens p_θ; λ = 0.1 cost 0.6 nats on moons, λ = 1e-3 costs nothing measurable.
    package var gradientPenalty = 1e-3
    /// The generator's learning rate as a multiple of the run's (the energy network's) rate.
    package var generatorRate = 1.0
    /// Scale regulariser α·(E_data[U²] + E_particles[U²]) for runs whose rate decays (headless
    /// `train`); open-ended runs at a constant rate use `CTFModel.openEndedScalePenalty`.
    package var scalePenalty = 1e-3
    /// Persistent Langevin particles as a multiple of the batch (`--particle-pool P`): each
    /// update advances only the next batch-sized block of the pool, so each chain gets 1/P of
    /// the Langevin time per update. Not the default: measured with 4000 updates on one
    /// schedule (seeds 1–3, README's "The energy model on data"), P = 16 narrows the generator
    /// on moons (hist40 0.19–0.24 → 0.14) and 8gaussians (0.12–0.40 → 0.11–0.13) at no extra cost, but on 2spirals the energy model diverges
    /// (test NLL 12–18 against 3.3–3.6): its chains lag the moving energy and miss spurious
    /// modes. P = 2 kept 2spirals (3.81) but did nothing for moons.
    package var particlePool = 1
    /// Headless runs (a decaying rate) anneal the energy network's rate on its own cosine over
    /// the first `energyAnnealShare` of the iterations and then hold it at `energyHoldRate`
    /// times the base rate, while the generator's rate follows the whole run's cosine: the
    /// distillation needs about twice the updates the energy model does (README, "The energy
    /// model on data"). Checkpoints written before the fields existed used 1 (one schedule).
    package var energyAnnealShare = 0.5
    package var energyHoldRate = 0.01
    package init() {}

    enum CodingKeys: String, CodingKey {
        case step, langevinSteps, viewLangevinSteps, distance, latent, inputScale, directions, kernelWidths, refresh, energyHidden, gradientPenalty, generatorRate, scalePenalty, particlePool
        case energyAnnealShare, energyHoldRate
    }

    /// Checkpoints written before a field existed decode it as its default.
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CTFOptions()
        step = try c.decodeIfPresent(Double.self, forKey: .step) ?? d.step
        langevinSteps = try c.decodeIfPresent(Int.self, forKey: .langevinSteps) ?? d.langevinSteps
        viewLangevinSteps = try c.decodeIfPresent(Int.self, forKey: .viewLangevinSteps) ?? d.viewLangevinSteps
        distance = try c.decodeIfPresent(Distance.self, forKey: .distance) ?? d.distance
        latent = try c.decodeIfPresent(Latent.self, forKey: .latent) ?? .gaussian
        inputScale = try c.decodeIfPresent(Double.self, forKey: .inputScale) ?? 1
        directions = try c.decodeIfPresent(Int.self, forKey: .directions) ?? d.directions
        kernelWidths = try c.decodeIfPresent([Double].self, forKey: .kernelWidths) ?? d.kernelWidths
        refresh = try c.decodeIfPresent(Double.self, forKey: .refresh) ?? d.refresh
        energyHidden = try c.decodeIfPresent([Int].self, forKey: .energyHidden) ?? d.energyHidden
        gradientPenalty = try c.decodeIfPresent(Double.self, forKey: .gradientPenalty) ?? d.gradientPenalty
        generatorRate = try c.decodeIfPresent(Double.self, forKey: .generatorRate) ?? d.generatorRate
        scalePenalty = try c.decodeIfPresent(Double.self, forKey: .scalePenalty) ?? d.scalePenalty
        particlePool = try c.decodeIfPresent(Int.self, forKey: .particlePool) ?? d.particlePool
        energyAnnealShare = try c.decodeIfPresent(Double.self, forKey: .energyAnnealShare) ?? 1
        energyHoldRate = try c.decodeIfPresent(Double.self, forKey: .energyHoldRate) ?? d.energyHoldRate
    }
}
