import FlowData

extension ModelKind {
    package static let ffjord = ModelKind(id: "ffjord")
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

extension Figure {
    package static let nfeForward = Figure(id: "nfe_forward", label: "NFE fwd", format: "%.1f")
    package static let nfeBackward = Figure(id: "nfe_backward", label: "NFE bwd", format: "%.1f")
    static let stepsAccepted = Figure(id: "steps_accepted", label: "Steps", format: "%.1f")
    static let stepsRejected = Figure(id: "steps_rejected", label: "Rejected", format: "%.1f")
    static let regularizer = Figure(id: "regularizer", label: "Reg", format: "%.4f")
}
