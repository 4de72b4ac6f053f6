import FlowData

extension ModelKind {
    public static let ffjord = ModelKind(id: "ffjord")
}

extension CNFModel {
    /// FFJORD's toy setup (batch 100, 64-64-64, weight decay 1e-5) with a faster rate.
    static let descriptor = ModelDescriptor(
        kind: .ffjord, title: "FFJORD (continuous flow)",
        configure: { c, _ in
            c.layers = 1
            c.hidden = [64, 64, 64]
            c.batchSize = 100
            c.learningRate = 5e-3
            c.weightDecay = 1e-5
            c.iterations = 2000
            c.cnf = CNFOptions()
        },
        build: { try CNFModel(config: $0) })
}
