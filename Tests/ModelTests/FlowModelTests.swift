import Testing
import Foundation
import FlowCore
import FlowData
import FlowModels

/// Trained and untrained flows: normalisation, samples vs density, learning, NaN recovery.
struct FlowModelTests {
    static func config(_ kind: ModelKind, iters: Int = 300) -> ModelConfig {
        var c = ModelConfig.defaults(for: kind)
        c.layers = 4
        c.hidden = [32, 32]
        c.batchSize = 128
        c.iterations = iters
        c.seed = 7
        return c
    }

    static func trained(_ kind: ModelKind, dataset: Dataset = .toy(.eightGaussians), iters: Int = 300) throws -> TrainingSession {
        let s = TrainingSession(model: try ModelFactory.make(config(kind, iters: iters)), dataset: dataset)
        for _ in 0..<iters { s.step() }
        return s
    }

    @Test(arguments: [ModelKind.realnvp, .glow])
    func densityIntegratesToOne(_ kind: ModelKind) throws {
        let untrained = try ModelFactory.make(Self.config(kind))
        for p in untrained.parameters { p.value = p.value.map { $0 * 1.3 } }  // far from identity
        // Long enough that the early, wide tails have been pulled into the [−6, 6]² window.
        let s = try Self.trained(kind, iters: 1000)
        for model in [untrained, s.model] {
            let mass = try #require(Evaluation.integratedMass(model, resolution: 600, box: 6))
            #expect(abs(mass - 1) < 0.01, "\(kind): ∫p = \(mass)")
        }
    }

    @Test(arguments: [ModelKind.realnvp, .glow])
    func samplesMatchDensity(_ kind: ModelKind) throws {
        let model = try Self.trained(kind).model
        let tv = try #require(DensityChecks.samplesVersusDensity(model))
        #expect(tv < 0.03, "\(kind): total variation \(tv) between samples and density")
    }

    @Test(arguments: [ModelKind.realnvp, .glow])
    func trainingLowersTestNLL(_ kind: ModelKind) throws {
        let s = TrainingSession(model: try ModelFactory.make(Self.config(kind)), dataset: .toy(.moons))
        let before = try #require(Evaluation.testNLL(s.model, dataset: s.dataset))
        for _ in 0..<300 { s.step() }
        let after = try #require(Evaluation.testNLL(s.model, dataset: s.dataset))
        #expect(after < before - 0.5, "\(kind): NLL \(before) → \(after)")
        #expect(after < 3.2)
    }

    @Test func sameSeedSameRun() throws {
        func run() throws -> [Float] {
            let s = TrainingSession(model: try ModelFactory.make(Self.config(.glow, iters: 20)), dataset: .toy(.rings))
            for _ in 0..<20 { s.step() }
            return s.model.parameters.flatMap(\.value.storage)
        }
        #expect(try run() == run())
    }

    @Test func everyParameterGetsAFiniteGradient() throws {
        for kind in [ModelKind.realnvp, .glow] {
            let model = try ModelFactory.make(Self.config(kind))
            var rng = Xoshiro256(seed: 1)
            // Move off the zero-initialised heads so every path carries gradient.
            for p in model.parameters { p.value = p.value + rng.normalMatrix(rows: p.value.rows, cols: p.value.cols).map { 0.1 * $0 } }
            let batch = ToyDataset.moons.sample(count: 64, using: &rng)
            model.loss(batch: batch, dataset: .toy(.moons), iteration: 0, using: &rng).loss.backward()
            for p in model.parameters {
                let g = try #require(p.grad, "\(kind): \(p.name) has no gradient")
                #expect(g.isFinite && g.squaredNorm() > 0, "\(kind): \(p.name) gradient is zero or non-finite")
            }
        }
    }

    @Test func nonFiniteStepRestoresLastGoodParametersAndLowersLR() throws {
        let s = TrainingSession(model: try ModelFactory.make(Self.config(.realnvp)), dataset: .toy(.moons))
        for _ in 0..<30 { s.step() }
        let lr = s.baseLearningRate
        s.model.parameters[0].value.storage[0] = .nan
        let m = s.step()
        #expect(m.recoveredFromNonFinite)
        #expect(s.baseLearningRate == lr / 2)
        #expect(s.model.parameters.allSatisfy { $0.value.isFinite })
        #expect(!s.step().recoveredFromNonFinite)
        #expect(s.nonFiniteEvents == 1)
    }

    @Test func reverseKLLowersKLOnU1() throws {
        var c = Self.config(.realnvp, iters: 400)
        c.learningRate = 3e-3
        let s = TrainingSession(model: try ModelFactory.make(c), dataset: .energy(.u1))
        let before = try #require(TrainingReport.klFromTarget(s.model, target: .u1, resolution: 100))
        for _ in 0..<400 { s.step() }
        let after = try #require(TrainingReport.klFromTarget(s.model, target: .u1, resolution: 100))
        #expect(after < before * 0.5, "KL \(before) → \(after)")
    }

    @Test func energyOpGradientMatchesAnalytic() {
        let x = Variable(parameter: Matrix([[0.3, -1.2], [2.1, 0.4], [-3.9, 1.0]]), name: "x")
        x.energy(.u4).sumAll().backward()
        for r in 0..<3 {
            let (g1, g2) = EnergyTarget.u4.gradient(Double(x.value[r, 0]), Double(x.value[r, 1]))
            #expect(abs(Double(x.grad![r, 0]) - g1) < 1e-3 * max(1, abs(g1)))
            #expect(abs(Double(x.grad![r, 1]) - g2) < 1e-3 * max(1, abs(g2)))
        }
    }

    @Test func energyDistanceSeparatesDistributions() {
        var g = Xoshiro256(seed: 1)
        let a = g.normalMatrix(rows: 500, cols: 2), b = g.normalMatrix(rows: 500, cols: 2)
        let shifted = b.map { $0 + 1 }
        #expect(Evaluation.energyDistance(a, b) < 0.02)
        #expect(Evaluation.energyDistance(a, shifted) > 0.3)
    }
}
