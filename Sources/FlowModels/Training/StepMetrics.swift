/// What one training step reports.
public struct StepMetrics: Sendable, Equatable {
    public var iteration: Int
    public var loss: Double
    public var gradNorm: Double
    public var learningRate: Double
    /// Set when the step produced NaN/inf and the last good parameters were restored.
    public var recoveredFromNonFinite: Bool
    /// Model-specific figures (NFE, gate entropy, β, …).
    public var figures: Figures
    /// A notable event from the model (solver failure, unsupported target).
    public var message: String?

    public init(iteration: Int, loss: Double, gradNorm: Double, learningRate: Double,
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
