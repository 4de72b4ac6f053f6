/// Adam (Kingma & Ba 2015) with PyTorch's *coupled* L2 weight decay (`g ← g + λθ`, not AdamW):
///
///     m ← β₁m + (1−β₁)g,   v ← β₂v + (1−β₂)g²,   θ ← θ − lr · m̂ / (√v̂ + ε)
///
/// State (moments and step count) is `Codable` so checkpoints can resume training.
package struct Adam: Sendable, Codable, Equatable {
    package var learningRate: Float
    package var beta1: Float = 0.9
    package var beta2: Float = 0.999
    package var epsilon: Float = 1e-8
    package var weightDecay: Float
    package private(set) var step: Int = 0
    package private(set) var firstMoments: [[Float]] = []
    package private(set) var secondMoments: [[Float]] = []

    package init(learningRate: Float = 1e-3, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.weightDecay = weightDecay
    }

    /// Applies one update to every parameter that has a gradient; `rateScales` (one factor per
    /// parameter, or nil for all 1) multiplies the learning rate per parameter.
    package mutating func update(_ parameters: [Variable], rateScales: [Float]? = nil) {
        precondition(rateScales == nil || rateScales?.count == parameters.count, "one rate scale per parameter")
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
                            Adam.kernel(w: w.baseAddress!, g: gp.baseAddress!, m: m.baseAddress!, v: v.baseAddress!,
                                        count: w.count, beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd,
                                        stepSize: lrCorrected * (rateScales?[i] ?? 1), inverseSqrtC2: 1 / sqrtC2)
                        }
                    }
                }
            }
        }
    }

    /// The element-wise update on raw pointers: a plain loop that LLVM vectorises, because its
    /// square root is the side-effect-free intrinsic (`vectorizableSquareRoot`), not `sqrtf`.
    @inline(never)
    static func kernel(w: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
                       v: UnsafeMutablePointer<Float>, count: Int, beta1: Float, beta2: Float, epsilon: Float,
                       weightDecay: Float, stepSize: Float, inverseSqrtC2: Float) {
        let (c1, c2) = (1 - beta1, 1 - beta2)
        for j in 0..<count {
            let gj = g[j] + weightDecay * w[j]
            let mj = beta1 * m[j] + c1 * gj
            let vj = beta2 * v[j] + c2 * gj * gj
            m[j] = mj
            v[j] = vj
            w[j] -= stepSize * mj / (vectorizableSquareRoot(vj) * inverseSqrtC2 + epsilon)
        }
    }

    /// Restores moments from a checkpoint (shapes are checked by the caller).
    package mutating func restore(step: Int, first: [[Float]], second: [[Float]]) {
        self.step = step
        self.firstMoments = first
        self.secondMoments = second
    }
}

/// Gradient utilities shared by all trainers.
package enum Gradients {
    /// Global L2 norm of all gradients.
    package static func norm(_ parameters: [Variable]) -> Double {
        parameters.reduce(0.0) { $0 + ($1.grad?.squaredNorm() ?? 0) }.squareRoot()
    }

    /// Scales all gradients so their global norm is at most `maxNorm`; returns the norm before.
    /// `norm`, when the caller has just computed it, saves a pass over every gradient.
    @discardableResult
    package static func clip(_ parameters: [Variable], maxNorm: Double, norm known: Double? = nil) -> Double {
        let n = known ?? norm(parameters)
        if n > maxNorm && n.isFinite {
            let s = Float(maxNorm / n)
            for p in parameters { p.grad?.scale(by: s) }
        }
        return n
    }

    /// True when every gradient is finite.
    static func areFinite(_ parameters: [Variable]) -> Bool {
        parameters.allSatisfy { $0.grad?.isFinite ?? true }
    }

    /// Clears all gradients.
    package static func zero(_ parameters: [Variable]) {
        for p in parameters { p.grad = nil }
    }
}
