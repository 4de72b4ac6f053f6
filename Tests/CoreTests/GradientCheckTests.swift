import Testing
import FlowCore

/// Every autodiff op against central differences, from one table keyed by `OpKind`.
/// The table must cover `OpKind.allCases`, so a new op without a check fails here.
struct GradientCheckTests {
    /// A case: input shapes, how to draw inputs, and the op under test.
    struct Case: @unchecked Sendable, CustomTestStringConvertible {
        let kind: OpKind
        let shapes: [(Int, Int)]
        var positive = false
        let build: ([Variable]) -> Variable
        var testDescription: String { kind.rawValue }
    }

    static let cases: [Case] = [
        Case(kind: .constant, shapes: [(3, 2)]) { v in v[0] * Variable(Matrix([[1, 2], [3, 4], [5, 6]])) },
        Case(kind: .parameter, shapes: [(3, 2)]) { v in v[0] },
        Case(kind: .matmul, shapes: [(7, 5), (5, 3)]) { v in Variable.matmul(v[0], v[1]) },
        Case(kind: .linear, shapes: [(13, 6), (6, 16), (1, 16)]) { v in Variable.linear(v[0], v[1], v[2]) },
        Case(kind: .linearTanh, shapes: [(9, 4), (4, 32), (1, 32)]) { v in Variable.linearTanh(v[0], v[1], v[2]) },
        Case(kind: .tanhMLP, shapes: [(9, 3), (3, 16), (1, 16), (16, 5), (1, 5), (5, 2), (1, 2)]) { v in
            Variable.tanhMLP(v[0], weights: [v[1], v[3], v[5]], biases: [v[2], v[4], v[6]])
        },
        Case(kind: .add, shapes: [(4, 3), (1, 3)]) { v in v[0] + v[1] },
        Case(kind: .sub, shapes: [(4, 3), (4, 1)]) { v in v[0] - v[1] },
        Case(kind: .sumOf, shapes: [(4, 3), (4, 3), (4, 3)]) { v in Variable.sum([v[0], v[1].scaled(by: 2), v[2], v[0]]) },
        Case(kind: .mul, shapes: [(4, 3), (4, 3)]) { v in v[0] * v[1] },
        Case(kind: .div, shapes: [(4, 3), (1, 1)], positive: true) { v in v[0] / v[1] },
        Case(kind: .neg, shapes: [(3, 3)]) { v in -v[0] },
        Case(kind: .scale, shapes: [(3, 3)]) { v in v[0].scaled(by: -2.5) },
        Case(kind: .shift, shapes: [(3, 3)]) { v in v[0].shifted(by: 0.75) },
        Case(kind: .tanh, shapes: [(5, 4)]) { v in v[0].tanh() },
        Case(kind: .sigmoid, shapes: [(5, 4)]) { v in v[0].sigmoid() },
        Case(kind: .relu, shapes: [(5, 4)]) { v in v[0].relu() },
        Case(kind: .softplus, shapes: [(5, 4)]) { v in v[0].softplus() },
        Case(kind: .exp, shapes: [(5, 4)]) { v in v[0].exp() },
        Case(kind: .log, shapes: [(5, 4)], positive: true) { v in v[0].log() },
        Case(kind: .sqrt, shapes: [(5, 4)], positive: true) { v in v[0].sqrt() },
        Case(kind: .square, shapes: [(5, 4)]) { v in v[0].square() },
        Case(kind: .sin, shapes: [(5, 4)]) { v in v[0].scaled(by: 3).sin() },
        Case(kind: .sumCols, shapes: [(5, 4)]) { v in v[0].sumCols() },
        Case(kind: .sumAll, shapes: [(5, 4)]) { v in v[0].sumAll() },
        Case(kind: .mean, shapes: [(5, 4)]) { v in v[0].mean() },
        Case(kind: .column, shapes: [(5, 3)]) { v in v[0].column(1) },
        Case(kind: .columnSlice, shapes: [(5, 6)]) { v in v[0].columns(2..<5) },
        Case(kind: .concatColumns, shapes: [(5, 1), (5, 2)]) { v in Variable.concatColumns([v[0], v[1], v[0]]) },
        Case(kind: .rowSlice, shapes: [(6, 3)]) { v in v[0].rows(2..<5) },
        Case(kind: .concatRows, shapes: [(2, 3), (3, 3)]) { v in Variable.concatRows([v[0], v[1], v[0]]) },
        Case(kind: .streamAffineGate, shapes: [(9, 4), (1, 4), (1, 4), (1, 4)]) { v in
            Variable.streamAffineGate(v[0], bias: v[1], gate: v[2], shift: v[3], blockRows: 3)
        },
        Case(kind: .streamTanh, shapes: [(9, 4)]) { v in v[0].streamTanh(blockRows: 3) },
        Case(kind: .timeGate, shapes: [(1, 5), (1, 5)]) { v in Variable.timeGate(weight: v[0], bias: v[1], time: 0.7) },
        Case(kind: .negatedExactTrace, shapes: [(12, 2)]) { v in v[0].negatedExactTrace(blockRows: 4) },
        Case(kind: .logSumExpCols, shapes: [(6, 3)]) { v in v[0].logSumExpCols() },
        Case(kind: .clampedSoftScale, shapes: [(6, 2)]) { v in v[0].scaled(by: 3).softClamped(2) },
        // Both directions and both transformed columns in one objective.
        Case(kind: .affineCoupling, shapes: [(6, 2), (6, 2)]) { v in
            Variable.concatColumns([
                Variable.affineCoupling(v[0], head: v[1].scaled(by: 2), transformed: 1, bound: 2, inverse: false).y,
                Variable.affineCoupling(v[0], head: v[1].scaled(by: 2), transformed: 0, bound: 2, inverse: true).y,
            ])
        },
        // The log|det| node alone (its x is a constant).
        Case(kind: .boundedLogScale, shapes: [(6, 2)]) { v in
            let x = Variable(Matrix(rows: 6, cols: 2, repeating: 0.5))
            return Variable.concatColumns([
                Variable.affineCoupling(x, head: v[0].scaled(by: 3), transformed: 1, bound: 2, inverse: false).logAbsDet,
                Variable.affineCoupling(x, head: v[0], transformed: 0, bound: 1.5, inverse: true).logAbsDet,
            ])
        },
        // A user-defined op through the public initialiser: y = x³.
        Case(kind: .custom, shapes: [(4, 2)]) { v in
            let x = v[0]
            return Variable(op: .custom, value: x.value.map { $0 * $0 * $0 }, parents: [x]) { g in
                [g.zipMap(x.value) { $0 * 3 * $1 * $1 }]
            }
        },
    ]

    @Test func tableCoversEveryOp() {
        let covered = Set(Self.cases.map(\.kind))
        let missing = OpKind.allCases.filter { !covered.contains($0) }
        #expect(missing.isEmpty, "ops without a gradient check: \(missing)")
    }

    @Test(arguments: cases)
    func gradientMatchesCentralDifferences(_ c: Case) {
        var rng = Xoshiro256(seed: 42)
        let inputs = c.shapes.enumerated().map { i, s -> Variable in
            var m = rng.normalMatrix(rows: s.0, cols: s.1)
            if c.positive { m = m.map { abs($0) + 0.5 } }
            if c.kind == .relu { m = m.map { abs($0) < 0.05 ? $0 + 0.2 : $0 } }  // keep off the kink
            return Variable(parameter: m, name: "in\(i)")
        }
        let probe = c.build(inputs).value
        let weights = rng.normalMatrix(rows: probe.rows, cols: probe.cols)
        // Scalar objective L = Σ w ⊙ op(inputs), evaluated in Double from Float outputs.
        func objective() -> Double {
            let y = c.build(inputs).value
            var s = 0.0
            for i in 0..<y.count { s += Double(y.storage[i]) * Double(weights.storage[i]) }
            return s
        }
        let out = c.build(inputs)
        (out * Variable(weights)).sumAll().backward()
        let eps: Float = 1e-2
        for (k, x) in inputs.enumerated() {
            let analytic = x.grad ?? Matrix(rows: x.rows, cols: x.cols)
            for i in 0..<x.value.count {
                let orig = x.value.storage[i]
                x.value.storage[i] = orig + eps
                let up = objective()
                x.value.storage[i] = orig - eps
                let down = objective()
                x.value.storage[i] = orig
                let numeric = (up - down) / Double(2 * eps)
                let a = Double(analytic.storage[i])
                #expect(abs(a - numeric) <= 3e-3 + 1e-2 * abs(numeric),
                        "\(c.kind) input \(k)[\(i)]: analytic \(a) vs numeric \(numeric)")
            }
        }
    }

    /// The fused time gate is the scale–add–sigmoid chain it replaced, bit for bit, in value
    /// and in both gradients.
    @Test func timeGateEqualsTheChainItFuses() {
        var rng = Xoshiro256(seed: 8)
        let w = Variable(parameter: rng.normalMatrix(rows: 1, cols: 64), name: "w")
        let b = Variable(parameter: rng.normalMatrix(rows: 1, cols: 64), name: "b")
        let g = Variable(rng.normalMatrix(rows: 1, cols: 64))
        func run(_ gate: () -> Variable) -> [Matrix] {
            let y = gate()
            (y * g).sumAll().backward()
            defer { w.grad = nil; b.grad = nil }
            return [y.value, w.grad!, b.grad!]
        }
        for t: Float in [0, 0.37, 1, -2.5] {
            let fused = run { Variable.timeGate(weight: w, bias: b, time: t) }
            let chain = run { (w.scaled(by: t) + b).sigmoid() }
            #expect(fused == chain, "t = \(t)")
        }
    }

    /// The one-node MLP is the `linearTanh`…`linear` chain it replaces, bit for bit, in value
    /// and in every gradient: a coupling's 1 → 64 → 64 → 2 at batch 100, odd widths, one layer.
    @Test(arguments: [[1, 64, 64, 2], [3, 5, 23, 7], [2, 40], [2, 16, 16, 16, 3]], [100, 7])
    func tanhMLPEqualsTheChainItFuses(sizes: [Int], rows: Int) {
        var rng = Xoshiro256(seed: 21)
        let x = Variable(parameter: rng.normalMatrix(rows: rows, cols: sizes[0]), name: "x")
        let layers = (0..<(sizes.count - 1)).map {
            Linear(inFeatures: sizes[$0], outFeatures: sizes[$0 + 1], name: "l\($0)", using: &rng)
        }
        let g = Variable(rng.normalMatrix(rows: rows, cols: sizes.last!))
        let params = [x] + layers.flatMap(\.parameters)
        func run(_ net: () -> Variable) -> [Matrix] {
            let y = net()
            (y * g).sumAll().backward()
            defer { Gradients.zero(params) }
            return [y.value] + params.map { $0.grad! }
        }
        let fused = run { Variable.tanhMLP(x, weights: layers.map(\.weight), biases: layers.map(\.bias)) }
        let chain = run {
            var h = x
            for l in layers.dropLast() { h = Variable.linearTanh(h, l.weight, l.bias) }
            return layers.last!(h)
        }
        #expect(fused == chain)
    }

    /// An element-wise op's pullback is ḡ times its slope, each product exactly as written out
    /// (the slope is evaluated in the forward pass, where its closure inlines).
    @Test func elementwisePullbacksAreGradientTimesSlope() {
        var rng = Xoshiro256(seed: 12)
        let x = Variable(parameter: rng.normalMatrix(rows: 7, cols: 5), name: "x")
        let g = rng.normalMatrix(rows: 7, cols: 5)
        let cases: [((Variable) -> Variable, (Float, Float) -> Float)] = [
            ({ $0.sigmoid() }, { _, y in y * (1 - y) }),
            ({ $0.exp() }, { _, y in y }),
            ({ $0.softplus() }, { x, _ in Kernels.sigmoid(x) }),
            ({ $0.scaled(by: -1.7) }, { _, _ in -1.7 }),
        ]
        for (op, slope) in cases {
            let y = op(x)
            y.backward(seed: g)
            var expected = Matrix(rows: 7, cols: 5)
            for i in 0..<expected.count { expected.storage[i] = g.storage[i] * slope(x.value.storage[i], y.value.storage[i]) }
            #expect(x.grad == expected)
            x.grad = nil
        }
    }

    @Test func parameterGradientsAccumulateAcrossBackwardCalls() {
        let p = Variable(parameter: Matrix([[1, 2]]), name: "p")
        p.square().sumAll().backward()
        p.square().sumAll().backward()
        #expect(p.grad == Matrix([[4, 8]]))
    }

    @Test func constantsGetNoGradient() {
        let c = Variable(Matrix([[1, 2]]))
        let p = Variable(parameter: Matrix([[3, 4]]), name: "p")
        (c * p).sumAll().backward()
        #expect(c.grad == nil)
        #expect(p.grad == Matrix([[1, 2]]))
    }
}
