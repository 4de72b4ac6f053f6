/// Generative latent flow options (Xiao, Yan & Amit 2019, §3).
package struct GLFOptions: Sendable, Codable, Equatable {
    /// Latent dimension d (1 or 2).
    package var latent = 2
    /// Stop the NLL gradient at the codes (GLF); off gives "regularised GLF", which shrinks them.
    package var stopGradient = true
    /// β multiplies the reconstruction term: L = β·‖x − G(E(x))‖² + NLL_F(sg[E(x)]).
    package var beta = 1.0
    /// Std of Gaussian noise added to the codes before the flow (0 = off); the fix for
    /// degenerate codes when d exceeds the data's intrinsic dimension.
    package var codeNoise = 0.0
    /// Bins of each monotone spline (d = 1). The flow's depth is the model's `layers`.
    package var splineBins = 12
    package init() {}
}
