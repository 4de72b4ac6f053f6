import FlowData

extension ModelKind {
    package static let glf = ModelKind(id: "glf")
}

extension GLFModel {
    static let descriptor = ModelDescriptor(
        kind: .glf, title: "GLF (latent flow)",
        configure: { c, _ in
            c.layers = 6
            c.scaleBound = 2
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
}
