import Foundation
import Testing
import FlowCore
import FlowData
import FlowModels

/// CTF's explorer side and report: the side-by-side view, its K knob, the latent's support and
/// the `kl` field on energy targets.
struct CTFViewTests {
    static func model(_ dataset: Dataset) throws -> CTFModel {
        var c = ModelConfig.defaults(for: .ctf, dataset: dataset)
        c.hidden = [16, 16]
        let m = try CTFModel(config: c)
        m.attach(to: dataset)
        return m
    }

    /// View 0 is the paper's comparison: the same generator samples alone and after K steps.
    @Test func viewShowsTheGeneratorBesideItsLangevinSteps() throws {
        let m = try Self.model(.energy(.u1))
        m.setKnob(3)
        var rng = Xoshiro256(seed: 1)
        guard case .pointPair(let title, let left, let right) = m.view(index: 0, data: Matrix(rows: 0, cols: 2), box: 4, using: &rng) else {
            Issue.record("view 0 is not a point pair")
            return
        }
        #expect(title.contains("3 Langevin steps"))
        #expect(left.points.count == right.points.count && left.points.count > 100)
        #expect(right.caption == "G(ω) + 3 Langevin steps")
        // The right half is the left half moved by three steps: every point moved, none far.
        let moves = zip(left.points, right.points).map { ($0.x - $1.x) * ($0.x - $1.x) + ($0.y - $1.y) * ($0.y - $1.y) }
        #expect(moves.allSatisfy { $0 > 0 && $0 < 4 })
    }

    /// `[`/`]` halve and double K (clamped to 1…800); the knob reads K.
    @Test func knobIsTheNumberOfLangevinStepsInTheView() throws {
        let m = try Self.model(.energy(.u2))
        #expect(m.knob?.value == 100 && m.knob?.shortReading == "100")
        m.setKnob(50)
        #expect(m.options.viewLangevinSteps == 50 && m.views[0].title.contains("50 Langevin steps"))
        m.setKnob(12.5)
        #expect(m.options.viewLangevinSteps == 13)
        m.setKnob(0.2)
        #expect(m.options.viewLangevinSteps == 1)
        m.setKnob(5000)
        #expect(m.options.viewLangevinSteps == 800)
    }

    /// On u2–u4 the latent is bounded, so the untrained generator's cloud (2ω) stays inside
    /// ±2√3 and nothing is folded back from beyond the box; u1 keeps the paper's Gaussian.
    @Test func latentIsBoundedOnU2ToU4() throws {
        var rng = Xoshiro256(seed: 2)
        for t in [EnergyTarget.u2, .u3, .u4] {
            let m = try Self.model(.energy(t))
            #expect(m.options.latent == .uniform)
            let w = m.latent(rows: 4000, using: &rng)
            #expect(w.storage.allSatisfy { abs($0) <= Float(3).squareRoot() })
        }
        #expect(try Self.model(.energy(.u1)).options.latent == .gaussian)
    }

    /// `kl` is the exact quadrature KL of a model with a density; a sampler has none (its
    /// samples are scored by `sample_kl`, the one sample estimator).
    @Test func klOfASamplerIsNull() throws {
        let m = try Self.model(.energy(.u1))
        #expect(TrainingReport.klFromTarget(m, target: .u1, resolution: 40) == nil)
    }

    /// CTF trains with the paper's Adam β₁ = 0.5 on the energy targets (0.9 on data, where 0.5
    /// made 2spirals diverge) and, on data, its generator at `generatorRate` × the rate.
    @Test func trainingUsesThePapersAdamSettings() throws {
        let target = try Self.model(.energy(.u1))
        #expect(TrainingSession(model: target, dataset: .energy(.u1)).optimizer.beta1 == 0.5)
        let m = try Self.model(.toy(.moons))
        let s = TrainingSession(model: m, dataset: .toy(.moons))
        #expect(s.optimizer.beta1 == 0.9)
        #expect(m.options.generatorRate == 3)
        let scales = try #require(m.learningRateScales)
        #expect(scales.count == m.parameters.count && scales.first == 3 && scales.last == 1)
    }

    /// Checkpoints written before `inputScale` existed decode it as 1 (their generator's MLP saw ω).
    @Test func oldOptionsDecodeWithTheOldInputScale() throws {
        let old = #"{"step":0.03,"langevinSteps":10,"distance":"mmd"}"#
        let o = try JSONDecoder().decode(CTFOptions.self, from: Data(old.utf8))
        #expect(o.inputScale == 1 && o.latent == .gaussian && o.viewLangevinSteps == 100 && o.generatorRate == 1)
    }
}
