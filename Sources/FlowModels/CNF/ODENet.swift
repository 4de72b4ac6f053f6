import FlowCore

/// FFJORD's vector field f(z, t; θ): time-conditioned layers 2 → h₁ → … → 2 with tanh between
/// them and a linear output. `callAsFunction` returns f and, for each input tangent v, the
/// Jacobian-vector product (∂f/∂z)·v, all as tape variables.
public struct ODENet: Module {
    public let layers: [ConcatSquashLinear]

    public init<G: RandomNumberGenerator>(hidden: [Int], conditioning: CNFOptions.Conditioning, using rng: inout G) {
        let sizes = [2] + hidden + [2]
        layers = (0..<(sizes.count - 1)).map {
            ConcatSquashLinear(inFeatures: sizes[$0], outFeatures: sizes[$0 + 1], conditioning: conditioning,
                               name: "odenet.\($0)", using: &rng)
        }
    }

    public var parameters: [Variable] { layers.flatMap(\.parameters) }

    public func callAsFunction(t: Double, _ z: Variable, tangents: [Variable]) -> (f: Variable, jvps: [Variable]) {
        var h = z
        var d = tangents
        for (i, layer) in layers.enumerated() {
            let (out, dOut) = layer.apply(t: t, h, tangents: d)
            if i == layers.count - 1 { return (out, dOut) }
            h = out.tanh()
            // tanh'(a) = 1 − tanh(a)².
            let slope = (-h.square()).shifted(by: 1)
            d = dOut.map { $0 * slope }
        }
        return (h, d)
    }
}
