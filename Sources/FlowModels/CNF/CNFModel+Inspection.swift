import FlowCore
import FlowODE

/// FFJORD's scrubber (the CNF state at time t) and probe (the integrated trace and its NFE).
extension CNFModel {
    /// Solver times per block on the scrubber.
    static let scrubStepsPerBlock = 24

    /// 600 samples and 60 trajectories transported from the base (t = T) back towards the data
    /// (t = 0), read by dopri5's dense output at 24 times per block: stage s shows the samples
    /// at that time and the trajectories up to it.
    package func scrubTrack(data: Matrix, box: Double, using rng: inout Xoshiro256) -> ScrubTrack? {
        let n = 600, paths = 60, per = Self.scrubStepsPerBlock
        let times = (0...per).map { options.time * Double(per - $0) / Double(per) }
        var state = rng.normalMatrix(rows: n + paths, cols: 2)
        var positions: [Matrix] = [state]
        var labels = ["base N(0, I), t = \(fmt(options.time))"]
        let solver = evaluationSolver
        for (i, b) in blocks.reversed().enumerated() {
            let sol = solver.solve({ t, s in
                MatrixState([self.nets[b].values(t: t, s.parts[0], tangents: []).f])
            }, y0: MatrixState([state]), from: options.time, to: 0, saveAt: times)
            for (j, saved) in sol.saved.enumerated() where j > 0 {
                positions.append(saved.y.parts[0])
                let block = blocks.count > 1 ? "block \(i + 1)/\(blocks.count), " : ""
                labels.append("\(block)t = \(fmt(saved.t))")
            }
            state = sol.y.parts[0]
            if !sol.result.isSuccess { break }
        }
        let last = positions.count - 1
        var stages: [ScrubStage] = []
        for s in 0...last {
            let pts = (0..<n).map { Point2(Double(positions[s][$0, 0]), Double(positions[s][$0, 1])) }
            var lines: [[Point2]] = [], colors: [Int] = []
            // Trajectories so far, coloured by the quarter of the whole path (as the trajectory view).
            for p in 0..<paths where s > 0 {
                for q in 0..<4 {
                    let lo = q * last / 4, hi = min(s, (q + 1) * last / 4)
                    guard hi > lo else { continue }
                    lines.append((lo...hi).map { Point2(Double(positions[$0][n + p, 0]), Double(positions[$0][n + p, 1])) })
                    colors.append(q)
                }
            }
            stages.append(ScrubStage(label: labels[s], points: pts, lines: lines, colorIndex: colors))
        }
        return ScrubTrack(axis: "time", stages: stages)
    }

    /// `log p(x) = log N(z(T)) + Σ_blocks ∫₀ᵀ tr(∂f/∂z) dt`, the trace exact (two tangents),
    /// solved by dopri5 at the model's tolerances; `nfe` counts the function evaluations.
    package func densityTerms(_ points: Matrix) -> DensityTerms? {
        DensityTerms.chunked(points) { x in
            var state = MatrixState([x, Matrix(rows: x.rows, cols: 1)])
            var traces: [DensityTerm] = []
            var nfe = 0
            var ok = true
            for b in blocks where ok {
                let before = state.parts[1]
                let sol = evaluationSolver.solve({ t, s in
                    MatrixState(self.dynamicsValues(t: t, z: s.parts[0], noise: nil, regularize: false, block: b))
                }, y0: state, from: 0, to: options.time)
                ok = sol.result.isSuccess
                nfe += sol.nfe
                let delta = sol.y.parts[1]
                let suffix = blocks.count > 1 ? " \(b + 1)" : ""
                traces.append(DensityTerm(id: "trace\(blocks.count > 1 ? "_\(b + 1)" : "")", label: "∫tr ∂f/∂z dt\(suffix)",
                                          values: (0..<x.rows).map { ok ? Double(before[$0, 0]) - Double(delta[$0, 0]) : .nan }))
                state = sol.y
            }
            let z = state.parts[0]
            let logN = (0..<x.rows).map { standardNormalLogDensity2D(Double(z[$0, 0]), Double(z[$0, 1])) }
            return DensityTerms(terms: [DensityTerm(id: "logN_z", label: "log N(z)", values: logN)] + traces, z: z.points, nfe: nfe)
        }
    }

    private func fmt(_ t: Double) -> String {
        let s = String(Int((t * 100).rounded()))
        let padded = String(repeating: "0", count: max(0, 3 - s.count)) + s
        return padded.dropLast(2) + "." + padded.suffix(2)
    }
}
