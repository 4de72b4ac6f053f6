/// What one training step reports.
package struct StepMetrics: Sendable, Equatable {
    package var iteration: Int
    package var loss: Double
    package var gradNorm: Double
    package var learningRate: Double
    /// Set when the step produced NaN/inf and the last good parameters were restored.
    package var recoveredFromNonFinite: Bool
    /// Model-specific figures (NFE, gate entropy, β, …).
    package var figures: Figures
    /// A notable event from the model (solver failure, unsupported target).
    package var message: String?

    package init(iteration: Int, loss: Double, gradNorm: Double, learningRate: Double,
                recoveredFromNonFinite: Bool = false, figures: Figures = [:], message: String? = nil) {
        self.iteration = iteration
        self.loss = loss
        self.gradNorm = gradNorm
        self.learningRate = learningRate
        self.recoveredFromNonFinite = recoveredFromNonFinite
        self.figures = figures
        self.message = message
    }
}
