import FlowData

extension ModelKind {
    package static let realnvp = ModelKind(id: "realnvp")
    package static let glow = ModelKind(id: "glow")
}

extension CouplingFlowModel {
    /// Real NVP: 10 alternating affine couplings on the shared defaults.
    static let realNVPDescriptor = ModelDescriptor(
        kind: .realnvp, title: "Real NVP (affine coupling)",
        configure: { _, _ in },
        build: { CouplingFlowModel(config: $0, steps: couplingSteps($0, glow: false)) })

    /// Glow: 8 steps of actnorm, invertible 2×2 and coupling, trained longer.
    static let glowDescriptor = ModelDescriptor(
        kind: .glow, title: "Glow (actnorm + LU 2×2 + coupling)",
        configure: { c, _ in
            c.layers = 8
            c.iterations = 8000
        },
        build: { CouplingFlowModel(config: $0, steps: couplingSteps($0, glow: true)) })
}
