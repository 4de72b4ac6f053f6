import Testing
import FlowCore
import FlowModels

struct BijectorTests {
    static func makeAll() -> [(String, any Bijector)] {
        var rng = Xoshiro256(seed: 3)
        let c0 = AffineCoupling(conditionIndex: 0, hidden: [16, 16], activation: .tanh, scaleBound: 3, name: "c0", using: &rng)
        let c1 = AffineCoupling(conditionIndex: 1, hidden: [32], activation: .relu, scaleBound: 2, name: "c1", using: &rng)
        let act = ActNorm(name: "act")
        var dataRNG = Xoshiro256(seed: 8)
        act.initialize(with: dataRNG.normalMatrix(rows: 256, cols: 2).map { 3 * $0 + 1 })
        let lin = InvertibleLinear2D(swap: false, name: "lin")
        let linSwap = InvertibleLinear2D(swap: true, name: "linSwap")
        var crng = Xoshiro256(seed: 4)
        let composed = ComposedBijector([ActNorm(name: "a"), InvertibleLinear2D(swap: true, name: "l"),
                                         AffineCoupling(conditionIndex: 1, hidden: [8], activation: .tanh,
                                                        scaleBound: 3, name: "c", using: &crng)])
        var irng = Xoshiro256(seed: 5)
        let inverted = InvertedBijector(AffineCoupling(conditionIndex: 0, hidden: [8], activation: .tanh,
                                                       scaleBound: 3, name: "i", using: &irng))
        return [("coupling-tanh", c0), ("coupling-relu", c1), ("actnorm", act), ("lu-linear", lin),
                ("lu-linear-swap", linSwap), ("composed", composed), ("inverted", inverted)]
    }

    @Test(arguments: 0..<7)
    func bijectorPassesChecks(_ index: Int) {
        let (name, b) = Self.makeAll()[index]
        BijectorChecks.randomize(b, seed: UInt64(index + 10), scale: name == "actnorm" ? 0.3 : 0.5)
        BijectorChecks.check(b, name: name)
    }

    @Test func couplingStartsAsIdentity() {
        var rng = Xoshiro256(seed: 1)
        let c = AffineCoupling(conditionIndex: 0, hidden: [8], activation: .tanh, scaleBound: 3, name: "c", using: &rng)
        let x = rng.normalMatrix(rows: 10, cols: 2)
        let (y, ld) = c.forward(Variable(x))
        #expect(y.value == x)
        #expect(ld.value == Matrix(rows: 10, cols: 1))
    }

    @Test func actNormWhitensItsFirstBatch() {
        var rng = Xoshiro256(seed: 2)
        let x = rng.normalMatrix(rows: 1000, cols: 2).map { 4 * $0 - 3 }
        let a = ActNorm(name: "a")
        a.initialize(with: x)
        let y = a.forward(Variable(x)).y.value
        for d in 0..<2 {
            let col = (0..<1000).map { Double(y[$0, d]) }
            let mean = col.reduce(0, +) / 1000
            let variance = col.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 1000
            #expect(abs(mean) < 1e-4 && abs(variance - 1) < 1e-3)
        }
        // A second batch does not re-initialise.
        let before = a.bias.value
        a.initialize(with: x.map { $0 * 10 })
        #expect(a.bias.value == before)
    }

    @Test func boundedScaleNeverOverflows() {
        var rng = Xoshiro256(seed: 1)
        let c = AffineCoupling(conditionIndex: 0, hidden: [8], activation: .tanh, scaleBound: 3, name: "c", using: &rng)
        for p in c.parameters { p.value = p.value.map { _ in 50 } }
        let (y, ld) = c.forward(Variable(Matrix([[100, 100], [-100, 3]])))
        #expect(y.value.isFinite)
        #expect(ld.value.storage.allSatisfy { abs($0) <= 3 })
    }
}
