import FlowData

extension ModelKind {
    public static let ctf = ModelKind(id: "ctf")
}

extension CTFModel {
    /// Defaults tuned to what is trained: CTF sampling an energy target distils longer Langevin
    /// runs (20 steps of h = 0.03 per update, batch 512) than CTF modelling data, whose
    /// Langevin steps go through the energy network and cost far more, and whose energy
    /// network wants a lower learning rate and a larger step (moons: test NLL 3.79 at lr 1e-3
    /// and h 0.01, 3.45 at lr 3e-4, 3.04 at lr 3e-4 and h 0.05).
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
            } else if dataset != nil {
                c.learningRate = 3e-4
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
    public static let distill = Figure(id: "distill", label: "Distill", format: "%.4f")
    public static let energyGap = Figure(id: "energy_gap", label: "U gap", format: "%.3f")
}
