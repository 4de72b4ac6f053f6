import Testing
import FlowCore

/// Adam's per-parameter learning-rate factors (CTF's generator learns faster than its energy).
struct AdamRateScaleTests {
    @Test func rateScalesMultiplyEachParametersStep() {
        let a = Variable(parameter: Matrix(rows: 1, cols: 1, storage: [0]), name: "a")
        let b = Variable(parameter: Matrix(rows: 1, cols: 1, storage: [0]), name: "b")
        let c = Variable(parameter: Matrix(rows: 1, cols: 1, storage: [0]), name: "c")
        var adam = Adam(learningRate: 0.1)
        (a + b + c).sumAll().backward()
        adam.update([a, b, c], rateScales: [1, 3, 0])
        // Adam's first step is lr·sign(g) for every parameter; the factors scale it.
        #expect(abs(a.value[0, 0] + 0.1) < 1e-5)
        #expect(abs(b.value[0, 0] + 0.3) < 1e-5)
        #expect(c.value[0, 0] == 0)
    }
}
