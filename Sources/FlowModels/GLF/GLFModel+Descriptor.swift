import FlowData

extension ModelKind {
    public static let glf = ModelKind(id: "glf")
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
    public static let reconMSE = Figure(id: "recon_mse", label: "Recon", format: "%.4f")
    public static let codeNLL = Figure(id: "nll", label: "Code NLL", format: "%.3f")
    public static let meanCodeNorm = Figure(id: "mean_code_norm", label: "Mean |z|", format: "%.3f")
    public static let meanLogDet = Figure(id: "mean_logdet", label: "log|det|", format: "%.3f")
}
