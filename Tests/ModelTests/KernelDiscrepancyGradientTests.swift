import Testing
import FlowCore
@testable import FlowModels

/// CTF's two hand-written ops against central differences, like every op in
/// `GradientCheckTests`: the kernel discrepancy (both kernels) and the fold into the box.
struct KernelDiscrepancyGradientTests {
    static func check(_ build: (Variable) -> Variable, input: Matrix, eps: Float = 1e-2, tolerance: Double = 1e-2) {
        var rng = Xoshiro256(seed: 9)
        let x = Variable(parameter: input, name: "x")
        let out = build(x)
        let weights = rng.normalMatrix(rows: out.rows, cols: out.cols)
        (out * Variable(weights)).sumAll().backward()
        let analytic = x.grad ?? Matrix(rows: input.rows, cols: input.cols)
        func objective() -> Double {
            let y = build(Variable(x.value)).value
            return zip(y.storage, weights.storage).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        for i in 0..<input.count {
            let orig = x.value.storage[i]
            x.value.storage[i] = orig + eps
            let up = objective()
            x.value.storage[i] = orig - eps
            let down = objective()
            x.value.storage[i] = orig
            let numeric = (up - down) / Double(2 * eps)
            let a = Double(analytic.storage[i])
            #expect(abs(a - numeric) <= 3e-3 + tolerance * abs(numeric), "element \(i): analytic \(a) vs numeric \(numeric)")
        }
    }

    @Test(arguments: [DiscrepancyKernel.energy, .gaussians([0.3, 1.0])])
    func kernelDiscrepancyMatchesCentralDifferences(_ kernel: DiscrepancyKernel) {
        var rng = Xoshiro256(seed: 4)
        let x = rng.normalMatrix(rows: 7, cols: 2)
        let y = rng.normalMatrix(rows: 9, cols: 2).map { $0 + 0.5 }
        Self.check({ $0.kernelDiscrepancy(to: y, kernel: kernel) }, input: x)
    }

    @Test func reflectionMatchesCentralDifferencesAwayFromTheEdges() {
        // Points inside, beyond one edge and beyond two periods, none within eps of a fold.
        let x = Matrix(rows: 4, cols: 2, storage: [0.3, -1.2, 4.6, -4.7, 9.5, -13.2, 2.1, 17.4])
        Self.check({ $0.reflected(into: 4) }, input: x, tolerance: 1e-3)
        let y = Variable(x).reflected(into: 4).value
        #expect(y.storage.allSatisfy { abs($0) <= 4 })
    }
}
