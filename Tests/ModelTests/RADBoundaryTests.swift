import Testing
import Foundation
import FlowCore
import FlowData
import FlowModels

/// RAD's log-density jumps at the zig-zag's breakpoints and where f(x) crosses a knot. The
/// expected log-likelihood still moves smoothly with the jumps' positions, but a per-sample
/// gradient cannot see it (each point's piece is fixed); `RADCoupling`'s boundary term adds
/// the missing part. Checked against central differences of the expectation by quadrature.
struct RADBoundaryTests {
    /// E[log p] over x_a uniform on [−3, 3] (x_p fixed), and its gradient with respect to every
    /// parameter of the layer's conditioner, with and without the boundary term.
    static func setup() -> (layer: RADCoupling, x: Matrix) {
        var rng = Xoshiro256(seed: 21)
        let layer = RADCoupling(activeIndex: 1, pieces: 3, hidden: [8], gateHidden: [8], activation: .tanh, name: "l", using: &rng)
        for p in layer.parameters { p.value = p.value + rng.normalMatrix(rows: p.value.rows, cols: p.value.cols).map { 0.6 * $0 } }
        let n = 24_000
        var x = Matrix(rows: n, cols: 2)
        for r in 0..<n { x[r, 0] = 0.3; x[r, 1] = Float(-3 + 6 * (Double(r) + 0.5) / Double(n)) }
        return (layer, x)
    }

    static func expectedLogP(_ layer: RADCoupling, _ x: Matrix, bandwidth: Float? = nil) -> Variable {
        let out = layer.forward(Variable(x), boundaryBandwidth: bandwidth)
        return (NormalizingFlow.standardNormalLogProb(out.z) + out.logDensity).mean()
    }

    @Test func boundaryTermMatchesTheDerivativeOfTheExpectation() throws {
        let (layer, x) = Self.setup()
        // The conditioner's output biases: m, τ, the middle width, and the three log-slopes.
        let bias = try #require(layer.conditioner.parameters.last)
        func gradient(_ bandwidth: Float?) -> [Double] {
            for p in layer.parameters { p.grad = nil }
            Self.expectedLogP(layer, x, bandwidth: bandwidth).backward()
            return (0..<bias.value.cols).map { Double(bias.grad?.storage[$0] ?? 0) }
        }
        let with = gradient(0.05), without = gradient(nil)
        var numeric: [Double] = []
        for j in 0..<bias.value.cols {
            let h: Float = 0.02, saved = bias.value.storage[j]
            bias.value.storage[j] = saved + h
            let up = Double(Self.expectedLogP(layer, x).scalar)
            bias.value.storage[j] = saved - h
            let down = Double(Self.expectedLogP(layer, x).scalar)
            bias.value.storage[j] = saved
            numeric.append((up - down) / Double(2 * h))
        }
        let errWith = zip(with, numeric).map { abs($0 - $1) }.max()!
        let errWithout = zip(without, numeric).map { abs($0 - $1) }.max()!
        let scale = numeric.map(abs).max()!
        #expect(errWith < 0.1 * scale, "with the boundary term: \(with) vs numeric \(numeric)")
        #expect(errWithout > 2 * errWith, "per-sample gradients alone should miss the jumps: \(without) vs \(numeric)")
        // The term is zero in value: it changes only the gradient.
        #expect(abs(Self.expectedLogP(layer, x, bandwidth: 0.05).scalar - Self.expectedLogP(layer, x).scalar) < 1e-6)
    }
}
