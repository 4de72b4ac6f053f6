import FlowCore

/// CTF's scrubber (after k Langevin steps from the generator) and probe (the energy model's
/// `U_θ(x) − log Z`; Chen et al. 2018).
extension CTFModel {
    package static let scrubSteps = 24

    package func scrubTrack(data: Matrix, box: Double, using rng: inout Xoshiro256) -> ScrubTrack? {
        let target = hasEnergyModel ? nil : energyTarget
        let n = 600, paths = 40
        var x = sample(count: n + paths, using: &rng)
        var path: [Matrix] = [x]
        for _ in 0..<Self.scrubSteps {
            x = langevinStep(x, target: target, using: &rng)
            path.append(x)
        }
        let stages = (0...Self.scrubSteps).map { k -> ScrubStage in
            var lines: [[Point2]] = [], colors: [Int] = []
            for p in 0..<paths where k > 0 {
                lines.append((0...k).map { Point2(Double(path[$0][n + p, 0]), Double(path[$0][n + p, 1])) })
                colors.append(min(3, 4 * max(0, k - 1) / Self.scrubSteps))
            }
            let pts = (0..<n).map { Point2(Double(path[k][$0, 0]), Double(path[k][$0, 1])) }
            let label = k == 0 ? "generator G(ω)" : "after \(k) Langevin step\(k == 1 ? "" : "s") (h = \(options.step))"
            return ScrubStage(label: label, points: pts, lines: lines, colorIndex: colors)
        }
        return ScrubTrack(axis: "Langevin steps", stages: stages)
    }

    package func densityTerms(_ points: Matrix) -> DensityTerms? {
        guard hasEnergyModel else { return nil }
        let logZ = currentLogZ()
        return DensityTerms.chunked(points) { x in
            let u = energy.values(t: 0, x, tangents: []).f.columnValues()
            return DensityTerms(terms: [DensityTerm(id: "energy_U", label: "U_θ(x)", values: u),
                                        DensityTerm(id: "minus_logZ", label: "−log Z", values: u.map { _ in -logZ })], z: nil)
        }
    }
}
