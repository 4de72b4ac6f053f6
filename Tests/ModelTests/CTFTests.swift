import Testing
import Foundation
import FlowCore
import FlowData
import FlowModels

/// CTF: Langevin chains reach their targets; distillation keeps (set-level) or loses (paired)
/// the spread; the energy model's density is normalised.
struct CTFTests {
    static func model(_ tweak: (inout CTFOptions) -> Void = { _ in }, dataset: Dataset) throws -> CTFModel {
        var c = ModelConfig.defaults(for: .ctf)
        c.hidden = [32, 32]
        c.seed = 4
        var o = CTFOptions()
        o.energyHidden = [32, 32]
        tweak(&o)
        c.ctf = o
        let m = try CTFModel(config: c)
        m.attach(to: dataset)
        return m
    }

    /// Total variation between a histogram of points and the target's cell masses (8×8 on [−4,4]²).
    static func totalVariation(_ x: Matrix, _ target: EnergyTarget) -> Double {
        var hist = [Double](repeating: 0, count: 64)
        for r in 0..<x.rows {
            let i = Int(floor(Double(x[r, 0]) + 4)), j = Int(floor(Double(x[r, 1]) + 4))
            if (0..<8).contains(i) && (0..<8).contains(j) { hist[j * 8 + i] += 1 / Double(x.rows) }
        }
        let q = target.quadrature
        var tv = 0.0
        for j in 0..<8 { for i in 0..<8 {
            var p = 0.0
            for a in 0..<10 { for b in 0..<10 {
                p += exp(q.logDensity(-4 + Double(i) + (Double(a) + 0.5) / 10, -4 + Double(j) + (Double(b) + 0.5) / 10)) / 100
            } }
            tv += abs(p - hist[j * 8 + i]) / 2
        } }
        return tv
    }

    @Test func longLangevinChainMatchesAGaussian() throws {
        let m = try Self.model({ $0.step = 0.05 }, dataset: .toy(.moons))
        var rng = Xoshiro256(seed: 2)
        var x = rng.uniformMatrix(rows: 4000, cols: 2, -3, 3)
        // Target N((1, −0.5), diag(0.25, 1)): score = −Σ⁻¹(x − μ).
        let score: (Matrix) -> Matrix = { x in
            var g = x
            for r in 0..<x.rows { g[r, 0] = -(x[r, 0] - 1) / 0.25; g[r, 1] = -(x[r, 1] + 0.5) }
            return g
        }
        for _ in 0..<600 { x = m.langevinStep(x, score: score, using: &rng) }
        let mx = x.column(0).sumAll() / 4000, my = x.column(1).sumAll() / 4000
        let vx = x.column(0).squaredNorm() / 4000 - mx * mx, vy = x.column(1).squaredNorm() / 4000 - my * my
        #expect(abs(mx - 1) < 0.05 && abs(my + 0.5) < 0.08, "mean (\(mx), \(my))")
        // Euler–Maruyama's stationary variance is σ²/(1 − hσ⁻²/4): 0.25/(1 − 0.05) and 1/(1 − 0.0125).
        #expect(abs(vx - 0.263) < 0.03 && abs(vy - 1.013) < 0.08, "variances \(vx), \(vy)")
    }

    @Test func longLangevinChainMatchesU1() throws {
        let m = try Self.model({ $0.step = 0.01 }, dataset: .energy(.u1))
        var rng = Xoshiro256(seed: 1)
        var x = rng.normalMatrix(rows: 4000, cols: 2)
        for _ in 0..<1500 { x = m.langevinStep(x, target: .u1, using: &rng) }
        let tv = Self.totalVariation(x, .u1)
        #expect(tv < 0.06, "TV \(tv)")
    }
}

extension CTFTests {
    /// Distil Langevin on N(0, I) from a generator that starts at N(0, 4I); return the sample covariance.
    static func distilledCovariance(_ distance: CTFOptions.Distance, iterations: Int = 1500) throws -> (Double, Double) {
        let m = try Self.model({ $0.distance = distance; $0.step = 0.05; $0.langevinSteps = 2 }, dataset: .toy(.moons))
        var adam = Adam(learningRate: 2e-3)
        var rng = Xoshiro256(seed: 6)
        let params = m.generator.parameters
        for _ in 0..<iterations {
            Gradients.zero(params)
            let (loss, _, _) = m.distillation(rows: 512, score: { $0.map { -$0 } }, using: &rng)
            loss.backward()
            adam.update(params)
        }
        let x = m.sample(count: 4000, using: &rng)
        let mx = x.column(0).sumAll() / 4000, my = x.column(1).sumAll() / 4000
        return (x.column(0).squaredNorm() / 4000 - mx * mx, x.column(1).squaredNorm() / 4000 - my * my)
    }

    @Test func setLevelDistillationKeepsTheCovariance() throws {
        let (vx, vy) = try Self.distilledCovariance(.sliced)
        #expect(abs(vx - 1) < 0.3 && abs(vy - 1) < 0.3, "sliced Wasserstein: variances \(vx), \(vy)")
    }

    /// The documented pitfall (Chen, Li, Chen & Carin 2018, §3.2): paired L2 averages the Langevin
    /// noise away, so the generator follows the drift alone and collapses onto the mode.
    @Test func pairedL2DistillationCollapses() throws {
        let (vx, vy) = try Self.distilledCovariance(.paired)
        #expect(vx < 0.3 && vy < 0.3, "paired L2: variances \(vx), \(vy)")
    }

    @Test func energyModelDensityIsNormalisedAndLearns() throws {
        var c = ModelConfig.defaults(for: .ctf)
        c.hidden = [32, 32]
        c.seed = 2
        var o = CTFOptions()
        o.energyHidden = [64, 64]
        c.ctf = o
        let s = TrainingSession(model: try CTFModel(config: c), dataset: .toy(.eightGaussians))
        let before = try #require(Evaluation.testNLL(s.model, dataset: s.dataset))
        for _ in 0..<600 { s.step() }
        let after = try #require(Evaluation.testNLL(s.model, dataset: s.dataset))
        #expect(after < before - 0.3, "NLL \(before) → \(after)")
        let mass = try #require(Evaluation.integratedMass(s.model, resolution: 320, box: 4))
        #expect(abs(mass - 1) < 0.01, "∫p over the box = \(mass)")
    }

    @Test func slicedWassersteinGradientMatchesFiniteDifferences() {
        var rng = Xoshiro256(seed: 3)
        let x = Variable(parameter: rng.normalMatrix(rows: 12, cols: 2), name: "x")
        let y = rng.normalMatrix(rows: 12, cols: 2).map { $0 + 0.5 }
        let dirs = rng.normalMatrix(rows: 2, cols: 5)
        x.slicedWasserstein(to: y, directions: dirs).backward()
        let g = x.grad!
        for i in 0..<24 {
            let orig = x.value.storage[i]
            x.value.storage[i] = orig + 1e-3
            let up = Double(x.slicedWasserstein(to: y, directions: dirs).scalar)
            x.value.storage[i] = orig - 1e-3
            let down = Double(x.slicedWasserstein(to: y, directions: dirs).scalar)
            x.value.storage[i] = orig
            #expect(abs((up - down) / 2e-3 - Double(g.storage[i])) < 2e-3)
        }
    }
}
