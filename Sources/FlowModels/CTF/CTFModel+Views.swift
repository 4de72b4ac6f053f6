#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FlowCore
import FlowData

/// CTF's explorer side: the distillation switch, the Langevin-step knob and its views.
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

    package var knob: ModelKnob? { ModelKnob(label: "Step h", name: "Langevin step h", value: options.step, range: 1e-4...0.5, format: "%.4g") }

    package func setKnob(_ value: Double) { options.step = value }


    package var views: [ModelView] { [ModelView("Langevin particles from the generator", .trajectories), ModelView("100 Langevin steps from the generator", .particles)] }

    package func view(index: Int, data: Matrix, box: Double, using rng: inout Xoshiro256) -> SpecialView {
        let target = hasEnergyModel ? nil : energyTarget
        if index % 2 == 0 {
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
            return .lines(title: views[0].title, polylines: lines, colorIndex: colors)
        }
        var x = sample(count: 600, using: &rng)
        for _ in 0..<100 { x = langevinStep(x, target: target, using: &rng) }
        return .points(title: views[1].title, points: x.points)
    }
}
