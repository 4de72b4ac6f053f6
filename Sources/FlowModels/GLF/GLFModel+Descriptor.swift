import FlowData

extension ModelKind {
    package static let glf = ModelKind(id: "glf")
}

extension GLFModel {
    static let descriptor = ModelDescriptor(
        kind: .glf, title: "GLF (latent flow)",
        // The latent flow: 7 couplings on 64-64 nets, the first and last rational-quadratic
        // splines, the five between affine with Real NVP's scale bound 3 — the whole model
        // (encoder, decoder, flow) within a few per cent of Real NVP's parameter count. The flow
        // learns at 3e-3, the autoencoder at a third of it (1e-3): one rate of 1e-3 left the
        // flow behind and its bridges between modes on 8gaussians, one of 2e-3 lets the codes
        // drift (README, "GLF against Real NVP").
        configure: { c, _ in
            c.layers = 7
            c.learningRate = 3e-3
            c.glf = GLFOptions()
        },
        build: { try GLFModel(config: $0) })
}

extension Figure {
    package static let reconMSE = Figure(id: "recon_mse", label: "Recon", format: "%.4f")
    package static let codeNLL = Figure(id: "nll", label: "Code NLL", format: "%.3f")
    package static let meanCodeNorm = Figure(id: "mean_code_norm", label: "Mean |z|", format: "%.3f")
    package static let meanLogDet = Figure(id: "mean_logdet", label: "log|det|", format: "%.3f")
    /// The autoencoder's own floor: energy distance of G(E(x)) to the points x themselves
    /// (end of run; the data that `energy_distance` compares samples with).
    package static let reconEnergyDistance = Figure(id: "recon_energy_distance", label: "AE ED", format: "%.4f")
    /// How well the flow's latent samples F⁻¹(ε) match the codes E(x) (energy distance in code
    /// space, end of run): large when the flow is the half that fails.
    package static let latentEnergyDistance = Figure(id: "latent_energy_distance", label: "Latent ED", format: "%.4f")
}
