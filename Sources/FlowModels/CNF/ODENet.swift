import FlowCore

/// FFJORD's vector field f(z, t; θ): time-conditioned layers 2 → h₁ → … → 2 (or any output
/// width, e.g. 1 for CTF's energy network) with tanh between
/// them and a linear output. `callAsFunction` returns f and, for each input tangent v, the
/// Jacobian-vector product (∂f/∂z)·v, all as tape variables.
package struct ODENet: Module {
    package let layers: [ConcatSquashLinear]

    package init<G: RandomNumberGenerator>(hidden: [Int], conditioning: CNFOptions.Conditioning, outputs: Int = 2,
                                          name: String = "odenet", using rng: inout G) {
        let sizes = [2] + hidden + [outputs]
        layers = (0..<(sizes.count - 1)).map {
            ConcatSquashLinear(inFeatures: sizes[$0], outFeatures: sizes[$0 + 1], conditioning: conditioning,
                               name: "\(name).\($0)", using: &rng)
        }
    }

    package var parameters: [Variable] { layers.flatMap(\.parameters) }

    package func callAsFunction(t: Double, _ z: Variable, tangents: [Variable]) -> (f: Variable, jvps: [Variable]) {
        let n = z.rows
        let s = stacked(t: t, z, tangents: tangents)
        if tangents.isEmpty { return (s, []) }
        return (s.rows(0..<n), (1...tangents.count).map { s.rows(($0 * n)..<(($0 + 1) * n)) })
    }

    /// f and its tangents as row blocks `[f; J·v₁; …]` of one node (value and tangents travel
    /// as row blocks of one matrix: one product per layer).
    package func stacked(t: Double, _ z: Variable, tangents: [Variable]) -> Variable {
        let n = z.rows
        var s = tangents.isEmpty ? z : Variable.concatRows([z] + tangents)
        for (i, layer) in layers.enumerated() {
            let out = layer.applyStacked(t: t, s, blockRows: n)
            s = i == layers.count - 1 ? out : out.streamTanh(blockRows: n)
        }
        return s
    }

    /// f and its Jacobian-vector products without a tape, for solves and scores that need no
    /// gradient: the values of `callAsFunction`, bit for bit, without its nodes and closures.
    package func values(t: Double, _ z: Matrix, tangents: [Matrix]) -> (f: Matrix, jvps: [Matrix]) {
        let n = z.rows
        var s = tangents.isEmpty ? z : Matrix.concatRows([z] + tangents)
        for (i, layer) in layers.enumerated() {
            let out = layer.applyStacked(t: t, s, blockRows: n)
            s = i == layers.count - 1 ? out : out.streamTanh(blockRows: n)
        }
        if tangents.isEmpty { return (s, []) }
        return (s.rows(0..<n), (1...tangents.count).map { s.rows(($0 * n)..<(($0 + 1) * n)) })
    }
}
