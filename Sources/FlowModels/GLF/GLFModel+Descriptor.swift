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
