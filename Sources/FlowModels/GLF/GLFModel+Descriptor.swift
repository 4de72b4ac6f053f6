import FlowData

extension ModelKind {
    package static let glf = ModelKind(id: "glf")
}

extension GLFModel {
    static let descriptor = ModelDescriptor(
        kind: .glf, title: "GLF (latent flow)",
        // The latent flow's couplings are as strong as Real NVP's (scale bound 3, 64-64 nets);
        // 8 of them keep the whole model (encoder, decoder, flow) within a few per cent of Real
        // NVP's parameter count. lr stays 1e-3: at 2e-3 the codes drift and shrink even with
        // the stop-gradient (GLFTests).
        configure: { c, _ in
            c.layers = 8
            c.learningRate = 1e-3
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
