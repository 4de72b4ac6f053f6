import Testing
import FlowCore
import FlowData
import FlowModels

/// An FFJORD block is a bijector like the couplings: it passes the same conformance checks,
/// and composes with couplings in one `NormalizingFlow` whose gradients reach every step.
struct ContinuousFlowBlockTests {
    static func block() throws -> ContinuousFlowBlock {
        let m = try CNFTests.model({ $0.atol = 1e-7; $0.rtol = 1e-7 }, hidden: [16, 16])
        BijectorChecks.randomize(ContinuousFlowBlock(m, block: 0), seed: 21, scale: 0.3)
        return ContinuousFlowBlock(m, block: 0)
    }

    @Test func passesTheBijectorChecks() throws {
        BijectorChecks.check(try Self.block(), name: "ffjord-block")
    }

    @Test func composesWithCouplingsAndGetsGradients() throws {
        var rng = Xoshiro256(seed: 6)
        let c0 = AffineCoupling(conditionIndex: 0, hidden: [8], activation: .tanh, scaleBound: 3, name: "c0", using: &rng)
        let c1 = AffineCoupling(conditionIndex: 1, hidden: [8], activation: .tanh, scaleBound: 3, name: "c1", using: &rng)
        BijectorChecks.randomize(c0, seed: 2, scale: 0.3)
        BijectorChecks.randomize(c1, seed: 3, scale: 0.3)
        let cnf = try Self.block()
        let flow = NormalizingFlow([c0, cnf, c1])
        BijectorChecks.check(flow.transform, name: "coupling-ffjord-coupling")
        // The mean log-likelihood's gradient for a CNF weight and a coupling weight against
        // central differences (the CNF's through the adjoint op's pullback).
        let x = CNFTests.batch(24)
        func meanLogProb() -> Double { Double(flow.logProb(Variable(x)).mean().scalar) }
        Gradients.zero(flow.parameters)
        flow.logProb(Variable(x)).mean().backward()
        for p in [cnf.parameters[0], c1.parameters[0]] {
            let analytic = Double(p.grad![0, 1])
            let h: Float = 1e-2
            let saved = p.value
            p.value[0, 1] += h
            let up = meanLogProb()
            p.value = saved
            p.value[0, 1] -= h
            let down = meanLogProb()
            p.value = saved
            let numeric = (up - down) / Double(2 * h)
            #expect(abs(analytic - numeric) < 2e-3 * max(1, abs(numeric)), "\(p.name): \(analytic) vs \(numeric)")
        }
    }
}
