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
    /// parameter, or nil for all 1) multiplies the learning rate per parameter. With a
    /// `runner` of `shards` > 1 the parameters are split into that many contiguous groups of
    /// about equal size, updated at the same time; each parameter's arithmetic is unchanged, so
    /// the result is identical.
    package mutating func update(_ parameters: [Variable], rateScales: [Float]? = nil,
                                 runner: ShardRunner? = nil, shards: Int = 1) {
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
        let inverseSqrtC2 = 1 / c2.squareRoot()
        let groups = Adam.groups(sizes: parameters.map(\.value.count), count: runner == nil ? 1 : shards)
        // Each parameter's moments are touched by one group only.
        firstMoments.withUnsafeMutableBufferPointer { first in
            secondMoments.withUnsafeMutableBufferPointer { second in
                nonisolated(unsafe) let (firstMoments, secondMoments) = (first, second)
                let updateGroup = { (g: Int) in
                    for i in groups[g] {
                        guard let grad = parameters[i].grad else { continue }
                        firstMoments[i].withUnsafeMutableBufferPointer { m in
                            secondMoments[i].withUnsafeMutableBufferPointer { v in
                                grad.storage.withUnsafeBufferPointer { gp in
                                    parameters[i].value.storage.withUnsafeMutableBufferPointer { w in
                                        Adam.kernel(w: w.baseAddress!, g: gp.baseAddress!, m: m.baseAddress!, v: v.baseAddress!,
                                                    count: w.count, beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd,
                                                    stepSize: lrCorrected * (rateScales?[i] ?? 1), inverseSqrtC2: inverseSqrtC2)
                                    }
                                }
                            }
                        }
                    }
                }
                if let runner, groups.count > 1 { runner(groups.count, updateGroup) } else { updateGroup(0) }
            }
        }
    }

    /// Splits parameters of the given sizes into at most `count` contiguous index ranges of
    /// about equal total size (none empty).
    static func groups(sizes: [Int], count: Int) -> [Range<Int>] {
        let total = sizes.reduce(0, +)
        guard count > 1, sizes.count > 1, total > 0 else { return [0..<sizes.count] }
        var out: [Range<Int>] = []
        var start = 0, running = 0
        for (i, size) in sizes.enumerated() {
            running += size
            // Close the group once it holds its share of the elements.
            if out.count < count - 1 && running * count >= total * (out.count + 1) && i + 1 < sizes.count {
                out.append(start..<(i + 1))
                start = i + 1
            }
        }
        out.append(start..<sizes.count)
        return out
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
