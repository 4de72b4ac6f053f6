import FlowData

extension ModelKind {
    package static let rad = ModelKind(id: "rad")
}

extension RADModel {
    static let descriptor = ModelDescriptor(
        kind: .rad, title: "RAD (piecewise flow)",
        configure: { c, _ in
            // Two RAD layers, one per axis (`RADOptions.trailingAffine`).
            c.layers = 2
            c.rad = RADOptions()
        },
        build: { try RADModel(config: $0) })
}

extension Figure {
    /// Mean entropy of the gate's piece probabilities (nats): 0 when one piece wins everywhere.
    package static let gateEntropy = Figure(id: "gate_entropy", label: "Gate H", format: "%.3f")
}
