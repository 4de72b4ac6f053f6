import FlowData

extension ModelKind {
    package static let ctf = ModelKind(id: "ctf")
}

extension CTFModel {
    /// Defaults tuned to what is trained (measured by the sample KL of README "Command line" and test NLL, seed 1):
    /// - energy targets: a 128-128-128 generator (about 34k parameters, near Real NVP's 44k;
    ///   64-64 could not carve U1's hole or U4's second branch), 6000 updates of 10 steps of
    ///   h = 0.03 at lr 3e-3;
    /// - data: the energy network learns at lr 1e-3 and the generator at 3 × that (the paper
    ///   also gives φ a 10× larger rate than θ), h = 0.05. With one rate of 5e-4 for both, the
    ///   generator lagged its own energy model (on moons 100 Langevin steps on top halved its
    ///   energy distance to the data) and both were under-trained. Measured then (4000 updates), seed 1: moons
    ///   energy distance 0.0069 → 0.0018 (Real NVP 0.0008), NLL 2.50 → 2.44; 8gaussians
    ///   0.0097 → 0.0040 (Real NVP 0.0025), NLL 2.96 → 2.92. (h = 0.01 helped moons' NLL,
    ///   2.41, but lost 8gaussians' at 3.10.)
    /// - data, 8000 updates: the energy network anneals over the first 4000 and then holds at 1 %
    ///   of its rate while the generator keeps learning (`CTFModel.energyRateScale`); the
    ///   distillation converges about half as fast as the energy model. Moons, seed 1: energy
    ///   distance 0.0018 → 0.0012, `sample_kl` 0.186 → 0.105 (the generator's RMS width across
    ///   the arcs 0.34 → 0.30; data 0.20). A 2000-sample V-statistic scores an exact sampler
    ///   0.0017 ± 0.0010 on moons, so README's "The energy model on data" compares seeds 1–3.
    static let descriptor = ModelDescriptor(
        kind: .ctf, title: "CTF (Langevin flow)",
        configure: { c, dataset in
            c.layers = 1
            c.learningRate = 1e-3
            c.iterations = 4000
            c.ctf = CTFOptions()
            if let dataset, dataset.isEnergy {
                c.batchSize = 512
                c.iterations = 6000
                c.learningRate = 3e-3
                c.hidden = [128, 128, 128]
                c.ctf?.langevinSteps = 10
                c.ctf?.step = 0.03
                // U2–U4 fill the box along z₁: a bounded latent (see `CTFModel.generate`).
                if case .energy(let t) = dataset, t != .u1 { c.ctf?.latent = .uniform }
            } else if dataset != nil {
                // Twice the updates for the generator; the energy anneals over the first half
                // (`CTFOptions.energyAnnealShare`).
                c.iterations = 8000
                c.learningRate = 1e-3
                c.ctf?.generatorRate = 3
                c.ctf?.step = 0.05
            }
        },
        build: { config in
            guard config.layers == 1 else {
                throw ModelError("ctf's generator and energy network are plain MLPs; --layers must be 1 (their depth is --hidden)")
            }
            return try CTFModel(config: config)
        })
}

extension Figure {
    package static let distill = Figure(id: "distill", label: "Distill", format: "%.4f")
    package static let energyGap = Figure(id: "energy_gap", label: "U gap", format: "%.3f")
}
