import Testing
import Foundation
import FlowCore
import FlowData
import FlowModels

/// FFJORD: exact vs Hutchinson traces, adjoint vs backprop vs finite differences, density.
struct CNFTests {
    static func model(_ tweak: (inout CNFOptions) -> Void = { _ in }, hidden: [Int] = [16, 16]) throws -> CNFModel {
        var c = ModelConfig.defaults(for: .ffjord)
        c.hidden = hidden
        c.seed = 5
        var o = CNFOptions()
        o.atol = 1e-6
        o.rtol = 1e-6
        tweak(&o)
        c.cnf = o
        return try CNFModel(config: c)
    }

    static func batch(_ n: Int = 16) -> Matrix {
        var rng = Xoshiro256(seed: 2)
        return ToyDataset.moons.sample(count: n, using: &rng)
    }

    /// Parameter gradients of the loss on `batch`, with the model's own gradient method.
    static func gradients(_ m: CNFModel, _ x: Matrix) -> (loss: Double, grads: [Matrix]) {
        var rng = Xoshiro256(seed: 1)
        Gradients.zero(m.parameters)
        let r = m.loss(batch: x, dataset: .toy(.moons), iteration: 0, using: &rng)
        _ = r.backward()
        let g = m.parameters.map { $0.grad ?? Matrix(rows: $0.value.rows, cols: $0.value.cols) }
        Gradients.zero(m.parameters)
        return (Double(r.loss.scalar), g)
    }

    @Test func adjointBackpropAndFiniteDifferencesAgree() throws {
        let adj = try Self.model { $0.gradient = .adjoint; $0.seminorm = false }
        let bp = try Self.model { $0.gradient = .backprop }
        let x = Self.batch()
        let (la, ga) = Self.gradients(adj, x)
        let (lb, gb) = Self.gradients(bp, x)
        #expect(abs(la - lb) < 1e-4, "losses \(la) vs \(lb)")
        // Relative agreement of the whole gradient vector.
        var diff = 0.0, norm = 0.0
        for (a, b) in zip(ga, gb) { diff += (a - b).squaredNorm(); norm += b.squaredNorm() }
        #expect((diff / norm).squareRoot() < 2e-3, "adjoint vs backprop relative difference \((diff / norm).squareRoot())")
        // Finite differences on a few parameters (central, in Float, loose step).
        let params = bp.parameters
        for (pi, idx) in [(0, 3), (2, 1), (5, 7), (params.count - 2, 0), (params.count - 1, 1)] {
            let p = params[pi]
            let orig = p.value.storage[idx]
            let h: Float = 3e-3
            p.value.storage[idx] = orig + h
            let up = Self.gradients(bp, x).loss
            p.value.storage[idx] = orig - h
            let down = Self.gradients(bp, x).loss
            p.value.storage[idx] = orig
            let numeric = (up - down) / Double(2 * h)
            let analytic = Double(gb[pi].storage[idx])
            #expect(abs(numeric - analytic) < 2e-3 + 3e-2 * abs(numeric), "\(p.name)[\(idx)]: \(analytic) vs \(numeric)")
        }
    }

    @Test func regularisedAdjointMatchesBackprop() throws {
        let adj = try Self.model { $0.gradient = .adjoint; $0.seminorm = false; $0.kinetic = 0.05; $0.jacobian = 0.05 }
        let bp = try Self.model { $0.gradient = .backprop; $0.kinetic = 0.05; $0.jacobian = 0.05 }
        let plain = try Self.model { $0.gradient = .backprop }
        let x = Self.batch()
        let (la, ga) = Self.gradients(adj, x)
        let (lb, gb) = Self.gradients(bp, x)
        let (lp, _) = Self.gradients(plain, x)
        #expect(lb > lp, "the regularisers add a positive term (\(lb) vs \(lp))")
        #expect(abs(la - lb) < 1e-4)
        var diff = 0.0, norm = 0.0
        for (a, b) in zip(ga, gb) { diff += (a - b).squaredNorm(); norm += b.squaredNorm() }
        #expect((diff / norm).squareRoot() < 2e-3)
    }

    @Test func stackedBlocksAdjointMatchesBackprop() throws {
        func two(_ g: CNFOptions.Gradient) throws -> CNFModel {
            var c = ModelConfig.defaults(for: .ffjord)
            c.hidden = [12, 12]
            c.layers = 2
            c.seed = 8
            var o = CNFOptions()
            o.atol = 1e-6; o.rtol = 1e-6; o.gradient = g; o.seminorm = false
            c.cnf = o
            return try CNFModel(config: c)
        }
        let adj = try two(.adjoint), bp = try two(.backprop)
        #expect(adj.nets.count == 2 && Set(adj.parameters.map(\.name)).count == adj.parameters.count)
        let x = Self.batch()
        let (la, ga) = Self.gradients(adj, x)
        let (lb, gb) = Self.gradients(bp, x)
        #expect(abs(la - lb) < 1e-4)
        var diff = 0.0, norm = 0.0
        for (a, b) in zip(ga, gb) { diff += (a - b).squaredNorm(); norm += b.squaredNorm() }
        #expect((diff / norm).squareRoot() < 3e-3, "relative difference \((diff / norm).squareRoot())")
        let mass = try #require(Evaluation.integratedMass(bp, resolution: 200, box: 6))
        #expect(abs(mass - 1) < 0.01)
    }

    @Test func seminormChangesCostNotGradients() throws {
        let full = try Self.model { $0.seminorm = false }
        let semi = try Self.model { $0.seminorm = true }
        let x = Self.batch()
        let (_, gf) = Self.gradients(full, x)
        let (_, gs) = Self.gradients(semi, x)
        var diff = 0.0, norm = 0.0
        for (a, b) in zip(gf, gs) { diff += (a - b).squaredNorm(); norm += a.squaredNorm() }
        #expect((diff / norm).squareRoot() < 5e-3)
    }

    @Test func hutchinsonIsUnbiasedForTheExactTrace() throws {
        let exact = try Self.model { $0.gradient = .backprop }
        let x = Self.batch(8)
        var rng = Xoshiro256(seed: 1)
        let e = Double(exact.loss(batch: x, dataset: .toy(.moons), iteration: 0, using: &rng).loss.scalar)
        for trace in [CNFOptions.Trace.hutchinson, .rademacher] {
            let h = try Self.model { $0.gradient = .backprop; $0.trace = trace }
            var sum = 0.0
            let n = 200
            for _ in 0..<n { sum += Double(h.loss(batch: x, dataset: .toy(.moons), iteration: 0, using: &rng).loss.scalar) }
            #expect(abs(sum / Double(n) - e) < 0.05, "\(trace): mean \(sum / Double(n)) vs exact \(e)")
        }
    }

    @Test func densityIntegratesToOneAndMatchesSamples() throws {
        let m = try Self.model { $0.atol = 1e-5; $0.rtol = 1e-5 }
        let s = TrainingSession(model: m, dataset: .toy(.eightGaussians))
        for _ in 0..<60 { s.step() }
        let mass = try #require(Evaluation.integratedMass(m, resolution: 240, box: 6))
        #expect(abs(mass - 1) < 0.01, "∫p = \(mass)")
        // Energy distance between samples and a histogram-free check: mean of samples vs mean under density.
        var rng = Xoshiro256(seed: 4)
        let samples = m.sample(count: 4000, using: &rng)
        let grid = Evaluation.gridPoints(resolution: 120, box: 6)
        let lp = try #require(m.logDensity(grid))
        var mx = 0.0, my = 0.0, z = 0.0
        for r in 0..<grid.rows { let p = exp(Double(lp[r])); z += p; mx += p * Double(grid[r, 0]); my += p * Double(grid[r, 1]) }
        let sx = samples.column(0).sumAll() / 4000, sy = samples.column(1).sumAll() / 4000
        #expect(abs(mx / z - sx) < 0.08 && abs(my / z - sy) < 0.08, "density mean (\(mx / z), \(my / z)) vs samples (\(sx), \(sy))")
    }

    @Test func trainingLowersNLLAndReportsNFE() throws {
        let m = try Self.model({ $0.atol = 1e-4; $0.rtol = 1e-4 }, hidden: [32, 32])
        let s = TrainingSession(model: m, dataset: .toy(.eightGaussians))
        let before = try #require(Evaluation.testNLL(m, dataset: s.dataset))
        var last = StepMetrics(iteration: 0, loss: 0, gradNorm: 0, learningRate: 0)
        for _ in 0..<150 { last = s.step() }
        let after = try #require(Evaluation.testNLL(m, dataset: s.dataset))
        #expect(after < before - 0.5, "NLL \(before) → \(after)")
        #expect((last.figures[.nfeForward] ?? 0) >= 8 && (last.figures[.nfeBackward] ?? 0) >= 8)
    }

    @Test func solverFailureIsReportedNotFatal() throws {
        let m = try Self.model { $0.maxSteps = 1; $0.atol = 1e-9; $0.rtol = 1e-9 }
        let s = TrainingSession(model: m, dataset: .toy(.moons))
        let r = s.step()
        #expect(r.recoveredFromNonFinite)
        #expect(r.message?.contains("step cap") == true)
        #expect(m.parameters.allSatisfy { $0.value.isFinite })
    }

    @Test func everyParameterGetsAGradient() throws {
        let m = try Self.model { $0.gradient = .backprop }
        let (_, g) = Self.gradients(m, Self.batch())
        for (p, gi) in zip(m.parameters, g) { #expect(gi.squaredNorm() > 0 && gi.isFinite, "\(p.name)") }
    }
}

struct ODENetTests {
    /// The fused stacked-stream path equals the layer-by-layer reference with explicit tangents.
    @Test(arguments: CNFOptions.Conditioning.allCases)
    func stackedStreamsMatchReference(_ conditioning: CNFOptions.Conditioning) {
        var rng = Xoshiro256(seed: 3)
        let net = ODENet(hidden: [8, 8], conditioning: conditioning, using: &rng)
        let z = Variable(rng.normalMatrix(rows: 5, cols: 2))
        let tangents = [CNFModel.basis(5, 0), CNFModel.basis(5, 1)]
        let (f, jvps) = net(t: 0.3, z, tangents: tangents)
        var h = z, d = tangents
        for (i, layer) in net.layers.enumerated() {
            let (out, dOut) = layer.apply(t: 0.3, h, tangents: d)
            if i == net.layers.count - 1 { h = out; d = dOut; break }
            h = out.tanh()
            let slope = (-h.square()).shifted(by: 1)
            d = dOut.map { $0 * slope }
        }
        for i in 0..<10 { #expect(abs(f.value.storage[i] - h.value.storage[i]) < 1e-5) }
        for k in 0..<2 { for i in 0..<10 { #expect(abs(jvps[k].value.storage[i] - d[k].value.storage[i]) < 1e-5) } }
        // And the tangents are the Jacobian: compare with central differences of f.
        let eps: Float = 1e-2
        for c in 0..<2 {
            var up = z.value, down = z.value
            for r in 0..<5 { up[r, c] += eps; down[r, c] -= eps }
            let fu = net(t: 0.3, Variable(up), tangents: []).f.value, fd = net(t: 0.3, Variable(down), tangents: []).f.value
            for i in 0..<10 { #expect(abs((fu.storage[i] - fd.storage[i]) / (2 * eps) - jvps[c].value.storage[i]) < 2e-3) }
        }
    }
}

/// Solves and scores that need no gradient run without a tape (`ODENet.values`,
/// `CNFModel.dynamicsValues`); their values must be the tape's, bit for bit.
struct TapeFreeEvaluationTests {
    @Test(arguments: CNFOptions.Conditioning.allCases)
    func odeNetValuesEqualTheTape(_ conditioning: CNFOptions.Conditioning) {
        var rng = Xoshiro256(seed: 6)
        let net = ODENet(hidden: [16, 32], conditioning: conditioning, using: &rng)
        let z = rng.normalMatrix(rows: 13, cols: 2)
        let tangents = [CNFModel.basisMatrix(13, 0), rng.normalMatrix(rows: 13, cols: 2)]
        for t in [0.0, 0.41] {
            let tape = net(t: t, Variable(z), tangents: tangents.map { Variable($0) })
            let plain = net.values(t: t, z, tangents: tangents)
            #expect(plain.f == tape.f.value && plain.jvps == tape.jvps.map(\.value))
            #expect(net.values(t: t, z, tangents: []).f == net(t: t, Variable(z), tangents: []).f.value)
        }
    }

    /// The exact trace read off the stacked streams in one node equals the chain of slices,
    /// column picks, add and negation it replaces: values, ∂/∂z and every parameter gradient.
    @Test func exactTraceNodeEqualsTheChainItFuses() throws {
        let m = try CNFTests.model()
        var rng = Xoshiro256(seed: 8)
        let z = rng.normalMatrix(rows: 17, cols: 2)
        let a = rng.normalMatrix(rows: 17, cols: 2), b = rng.normalMatrix(rows: 17, cols: 1)
        func run(_ outs: (Variable) -> [Variable]) -> [Matrix] {
            let leaf = Variable(parameter: z, name: "z")
            let o = outs(leaf)
            ((o[0] * Variable(a)).sumAll() + (o[1] * Variable(b)).sumAll()).backward()
            defer { Gradients.zero(m.parameters) }
            return [o[0].value, o[1].value, leaf.grad!] + m.parameters.map { $0.grad ?? Matrix(rows: 0, cols: 0) }
        }
        let fused = run { m.dynamics(t: 0.3, z: $0, noise: nil, regularize: false) }
        let chain = run { leaf in
            let (f, jvps) = m.nets[0](t: 0.3, leaf, tangents: [CNFModel.basis(17, 0), CNFModel.basis(17, 1)])
            return [f, -(jvps[0].column(0) + jvps[1].column(1))]
        }
        #expect(fused == chain)
    }

    @Test(arguments: [false, true])
    func dynamicsValuesEqualTheTape(_ hutchinson: Bool) throws {
        let m = try CNFTests.model()
        var rng = Xoshiro256(seed: 7)
        let z = rng.normalMatrix(rows: 21, cols: 2)
        let noise = hutchinson ? rng.normalMatrix(rows: 21, cols: 2) : nil
        let tape = m.dynamics(t: 0.2, z: Variable(z), noise: noise, regularize: false).map(\.value)
        #expect(m.dynamicsValues(t: 0.2, z: z, noise: noise, regularize: false) == tape)
    }
}
