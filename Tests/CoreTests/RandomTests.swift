import Testing
import FlowCore

struct RandomTests {
    @Test func seedsReproduceAndDiffer() {
        var a = Xoshiro256(seed: 7), b = Xoshiro256(seed: 7), c = Xoshiro256(seed: 8)
        let sa = (0..<100).map { _ in a.next() }
        #expect(sa == (0..<100).map { _ in b.next() })
        #expect(sa != (0..<100).map { _ in c.next() })
    }

    @Test func splitMixMatchesReferenceValues() {
        // Reference outputs of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
        var g = SplitMix64(seed: 0)
        #expect(g.next() == 0xE220_A839_7B1D_CDAF)
        #expect(g.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test func normalAndUniformMoments() {
        var g = Xoshiro256(seed: 1)
        let n = 200_000
        var s = 0.0, s2 = 0.0, s4 = 0.0, u = 0.0
        for _ in 0..<n {
            let x = g.normal(); s += x; s2 += x * x; s4 += x * x * x * x
            let v = g.uniform(); u += v
            #expect(v >= 0 && v < 1)
        }
        #expect(abs(s / Double(n)) < 0.01)
        #expect(abs(s2 / Double(n) - 1) < 0.015)
        #expect(abs(s4 / Double(n) - 3) < 0.08)
        #expect(abs(u / Double(n) - 0.5) < 0.005)
    }

    @Test func categoricalFrequencies() {
        var g = Xoshiro256(seed: 3)
        let w = [1.0, 2.0, 0.0, 7.0]
        var counts = [0, 0, 0, 0]
        for _ in 0..<100_000 { counts[g.categorical(w)] += 1 }
        #expect(counts[2] == 0)
        for i in [0, 1, 3] { #expect(abs(Double(counts[i]) / 100_000 - w[i] / 10) < 0.01) }
    }

    @Test func permutationIsAPermutation() {
        var g = Xoshiro256(seed: 5)
        let p = g.permutation(1000)
        #expect(Set(p).count == 1000 && p != Array(0..<1000))
    }
}
