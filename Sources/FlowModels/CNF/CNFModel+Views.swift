#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FlowCore
import FlowData
import FlowODE

/// FFJORD's explorer side: the tolerance knob and the trajectory and vector-field views.
extension CNFModel {
    /// Solver tolerance: sets atol and scales rtol with it.
    package var knob: ModelKnob? { ModelKnob(label: "Tol", name: "solver tolerance atol", value: options.atol, range: 1e-8...1e-2, format: "%.1e") }

    package func setKnob(_ value: Double) {
        options.rtol = min(1e-2, max(1e-8, options.rtol * value / options.atol))
        options.atol = value
    }


    package var views: [ModelView] { [ModelView("Trajectories: base → data", .trajectories), ModelView("Vector field f(z, T/2)", .vectorField)] }

    package func view(index: Int, data: Matrix, box: Double, using rng: inout Xoshiro256) -> SpecialView {
        if index % 2 == 0 {
            // 60 particles from the base back to the data, read at 25 times by dopri5's dense
            // output; colour = time quarter.
            let times = (0...24).map { options.time * Double(24 - $0) / 24 }
            let sol = transport(rng.normalMatrix(rows: 60, cols: 2), solver: evaluationSolver, saveAt: times)
            let path = sol.saved
            var lines: [[Point2]] = [], colors: [Int] = []
            let steps = path.count
            for p in 0..<60 {
                for q in 0..<4 {
                    let lo = q * (steps - 1) / 4, hi = (q + 1) * (steps - 1) / 4
                    guard hi > lo else { continue }
                    lines.append((lo...hi).map { Point2(Double(path[$0].y.parts[0][p, 0]), Double(path[$0].y.parts[0][p, 1])) })
                    colors.append(q)
                }
            }
            return .lines(title: views[0].title, polylines: lines, colorIndex: colors)
        }
        // Arrows of −f (the direction towards the data) on a 15 × 9 grid at t = T/2.
        let grid = Evaluation.gridPoints(width: 15, height: 9, box: box * 0.9)
        let f = net(t: options.time / 2, Variable(grid), tangents: []).f.value
        var scale: Float = 0
        for r in 0..<grid.rows { scale = max(scale, (f[r, 0] * f[r, 0] + f[r, 1] * f[r, 1]).squareRoot()) }
        let len = Float(box) * 0.09 / max(scale, 1e-6)
        var lines: [[Point2]] = [], colors: [Int] = []
        for r in 0..<grid.rows {
            let (x, y) = (grid[r, 0], grid[r, 1])
            let (dx, dy) = (-f[r, 0] * len, -f[r, 1] * len)
            lines.append([Point2(Double(x), Double(y)), Point2(Double(x + dx), Double(y + dy))])
            colors.append(0)
            lines.append([Point2(Double(x + dx), Double(y + dy)), Point2(Double(x + dx), Double(y + dy))])
            colors.append(2)
        }
        return .lines(title: views[1].title, polylines: lines, colorIndex: colors)
    }
}
