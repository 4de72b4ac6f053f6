/// Adam (Kingma & Ba 2015) with PyTorch's *coupled* L2 weight decay (`g ← g + λθ`, not AdamW):
///
///     m ← β₁m + (1−β₁)g,   v ← β₂v + (1−β₂)g²,   θ ← θ − lr · m̂ / (√v̂ + ε)
///
/// State (moments and step count) is `Codable` so checkpoints can resume training.
public struct Adam: Sendable, Codable, Equatable {
    public var learningRate: Float
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    public var weightDecay: Float
    public private(set) var step: Int = 0
    public private(set) var firstMoments: [[Float]] = []
    public private(set) var secondMoments: [[Float]] = []

    public init(learningRate: Float = 1e-3, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.weightDecay = weightDecay
    }

    /// Applies one update to every parameter that has a gradient.
    public mutating func update(_ parameters: [Variable]) {
        if firstMoments.count != parameters.count {
            firstMoments = parameters.map { [Float](repeating: 0, count: $0.value.count) }
            secondMoments = firstMoments
        }
        step += 1
        let c1 = 1 - Float.expCompat(Float(step) * Float.logCompat(beta1))
        let c2 = 1 - Float.expCompat(Float(step) * Float.logCompat(beta2))
        let (b1, b2, eps, wd) = (beta1, beta2, epsilon, weightDecay)
        let lrCorrected = learningRate / c1
        let sqrtC2 = c2.squareRoot()
        for (i, p) in parameters.enumerated() {
            guard let g = p.grad else { continue }
            firstMoments[i].withUnsafeMutableBufferPointer { m in
                secondMoments[i].withUnsafeMutableBufferPointer { v in
                    g.storage.withUnsafeBufferPointer { gp in
                        p.value.storage.withUnsafeMutableBufferPointer { w in
                            for j in 0..<w.count {
                                let gj = gp[j] + wd * w[j]
                                m[j] = b1 * m[j] + (1 - b1) * gj
                                v[j] = b2 * v[j] + (1 - b2) * gj * gj
                                w[j] -= lrCorrected * m[j] / (v[j].squareRoot() / sqrtC2 + eps)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Restores moments from a checkpoint (shapes are checked by the caller).
    public mutating func restore(step: Int, first: [[Float]], second: [[Float]]) {
        self.step = step
        self.firstMoments = first
        self.secondMoments = second
    }
}

/// Gradient utilities shared by all trainers.
public enum Gradients {
    /// Global L2 norm of all gradients.
    public static func norm(_ parameters: [Variable]) -> Double {
        parameters.reduce(0.0) { $0 + ($1.grad?.squaredNorm() ?? 0) }.squareRoot()
    }

    /// Scales all gradients so their global norm is at most `maxNorm`; returns the norm before.
    @discardableResult
    public static func clip(_ parameters: [Variable], maxNorm: Double) -> Double {
        let n = norm(parameters)
        if n > maxNorm && n.isFinite {
            let s = Float(maxNorm / n)
            for p in parameters { p.grad = p.grad.map { s * $0 } }
        }
        return n
    }

    /// True when every gradient is finite.
    public static func areFinite(_ parameters: [Variable]) -> Bool {
        parameters.allSatisfy { $0.grad?.isFinite ?? true }
    }

    /// Clears all gradients.
    public static func zero(_ parameters: [Variable]) {
        for p in parameters { p.grad = nil }
    }
}
