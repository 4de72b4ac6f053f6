#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FlowCore
import FlowData

/// CTF's explorer side: the distillation switch, the knob (K Langevin steps in the view) and its views.
extension CTFModel {
    package var modelSwitch: ModelSwitch? {
        ModelSwitch(label: "Distill", name: "distillation", isOn: options.distance != .paired,
                    on: setLevelDistance == .mmd ? "MMD to persistent Langevin particles" : "sliced Wasserstein to persistent Langevin particles",
                    off: "paired L2 (watch it collapse)")
    }

    package func setSwitch(_ on: Bool) {
        if options.distance != .paired { setLevelDistance = options.distance }
        options.distance = on ? setLevelDistance : .paired
    }

    /// `[`/`]` halve or double K, the Langevin steps the side-by-side view runs on top of the
    /// generator, so the right half visibly sharpens or relaxes (the step h is `--langevin-step`).
    package var knob: ModelKnob? {
        ModelKnob(label: "View K", name: "Langevin steps K on top of the generator (view)",
                  value: Double(options.viewLangevinSteps), range: Self.viewStepRange, format: "%.0f")
    }

    package func setKnob(_ value: Double) {
        options.viewLangevinSteps = Int(min(Self.viewStepRange.upperBound, max(Self.viewStepRange.lowerBound, value)).rounded())
    }

    /// K from one step to 800 (800 steps of 600 points keep a view under a second on data).
    static let viewStepRange = 1.0...800

    package var views: [ModelView] {
        [ModelView("Generator alone | generator + \(options.viewLangevinSteps) Langevin steps", .particles),
         ModelView("Langevin particles from the generator", .trajectories)]
    }

    /// View 0, the paper's comparison (Chen et al. 2018, Fig. 4): the same 800 generator samples
    /// G(ω) on the left and after K Langevin steps on the right. View 1: 40 Langevin paths.
    package func view(index: Int, data: Matrix, box: Double, using rng: inout Xoshiro256) -> SpecialView {
        let target = hasEnergyModel ? nil : energyTarget
        if index % 2 == 0 {
            let x0 = sample(count: 800, using: &rng)
            var x = x0
            for _ in 0..<options.viewLangevinSteps { x = langevinStep(x, target: target, using: &rng) }
            let k = options.viewLangevinSteps
            return .pointPair(title: views[0].title, left: CaptionedPoints("generator G(ω)", x0.points),
                              right: CaptionedPoints("G(ω) + \(k) Langevin step\(k == 1 ? "" : "s")", x.points))
        }
        // 40 particles, 24 steps each; colour = time quarter.
        var x = sample(count: 40, using: &rng)
        var path: [Matrix] = [x]
        for _ in 0..<24 { x = langevinStep(x, target: target, using: &rng); path.append(x) }
        var lines: [[Point2]] = [], colors: [Int] = []
        for p in 0..<40 {
            for q in 0..<4 {
                let lo = q * 6, hi = (q + 1) * 6
                lines.append((lo...hi).map { Point2(Double(path[$0][p, 0]), Double(path[$0][p, 1])) })
                colors.append(q)
            }
        }
        return .lines(title: views[1].title, polylines: lines, colorIndex: colors)
    }
}
