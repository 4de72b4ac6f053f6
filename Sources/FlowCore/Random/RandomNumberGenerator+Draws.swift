#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Draws used across FlowLab. All take the generator explicitly (`using rng: inout G`).
extension RandomNumberGenerator {
    /// Uniform on [0, 1) with 53 random bits.
    @inline(__always)
    package mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform on [a, b).
    @inline(__always)
    package mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * uniform() }

    /// Standard normal by the Box–Muller transform (one value per call; deterministic).
    package mutating func normal() -> Double {
        var u1 = uniform()
        while u1 <= .leastNonzeroMagnitude { u1 = uniform() }
        let u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// An index drawn with probability proportional to `weights` (non-negative, not all zero).
    package mutating func categorical(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        precondition(total > 0, "categorical: weights sum to zero")
        var u = uniform() * total
        for (i, w) in weights.enumerated() {
            u -= w
            if u < 0 { return i }
        }
        return weights.count - 1
    }

    /// A uniform integer in 0..<n.
    package mutating func index(below n: Int) -> Int {
        precondition(n > 0)
        return Int(next() % UInt64(n))
    }

    /// Bernoulli(p).
    package mutating func bernoulli(_ p: Double) -> Bool { uniform() < p }

    /// A `rows × cols` matrix of standard normal draws.
    package mutating func normalMatrix(rows: Int, cols: Int) -> Matrix {
        var m = Matrix(rows: rows, cols: cols)
        for i in 0..<m.count { m.storage[i] = Float(normal()) }
        return m
    }

    /// A `rows × cols` matrix of uniform draws on [a, b).
    package mutating func uniformMatrix(rows: Int, cols: Int, _ a: Double, _ b: Double) -> Matrix {
        var m = Matrix(rows: rows, cols: cols)
        for i in 0..<m.count { m.storage[i] = Float(uniform(a, b)) }
        return m
    }

    /// A Fisher–Yates shuffle of 0..<n.
    package mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n < 2 { return p }
        for i in stride(from: n - 1, to: 0, by: -1) {
            let j = index(below: i + 1)
            p.swapAt(i, j)
        }
        return p
    }
}
