import FlowCore

/// The scrubber and the probe for the discrete flows (realnvp, glow, nsf).
extension CouplingFlowModel {
    /// Samples and the base grid after each of the K steps of the sampling direction
    /// (`x = f₁⁻¹ ∘ … ∘ f_K⁻¹(z)`): stage 0 is the base N(0, I), stage K the model's samples.
    package func scrubTrack(data: Matrix, box: Double, using rng: inout Xoshiro256) -> ScrubTrack? {
        let steps = flow.transform.steps
        var z = rng.normalMatrix(rows: 600, cols: 2)
        var grid = WarpedGrid.baseGrid()
        func stage(_ label: String) -> ScrubStage {
            let (lines, colors) = WarpedGrid.polylines(grid)
            return ScrubStage(label: label, points: z.points, lines: lines, colorIndex: colors)
        }
        var stages = [stage("base N(0, I)")]
        for (k, s) in steps.reversed().enumerated() {
            z = s.inverse(Variable(z)).x.value
            grid = s.inverse(Variable(grid)).x.value
            stages.append(stage("after layer \(k + 1): \(StepNames.name(s))"))
        }
        return ScrubTrack(axis: "depth", stages: stages)
    }

    /// `log p(x) = log N(f(x)) + Σ_k log|det ∂f_k|`, one term per step in the density direction.
    package func densityTerms(_ points: Matrix) -> DensityTerms? {
        DensityTerms.chunked(points) { x in
            var h = Variable(x)
            var layers: [DensityTerm] = []
            for (k, s) in flow.transform.steps.enumerated() {
                let (y, ld) = s.forward(h)
                let label = "log|det| \(k + 1) \(StepNames.name(s))"
                layers.append(DensityTerm(id: "logdet_\(k + 1)_\(StepNames.id(StepNames.name(s)))", label: label,
                                          values: ld.value.columnValues()))
                h = y
            }
            let logN = NormalizingFlow.standardNormalLogProb(h).value.columnValues()
            return DensityTerms(terms: [DensityTerm(id: "logN_z", label: "log N(z)", values: logN)] + layers, z: h.value.points)
        }
    }
}
