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
    /// Temperature T of sampling: ε ~ N(0, T² I) before F⁻¹ and G. T < 1 draws from the flow's
    /// high-density core and cuts its bridges between modes; T = 1 is the model's distribution.
    package var temperature = 1.0
    /// The autoencoder's learning rate as a fraction of the model's (the latent flow's) rate.
    package var autoencoderRateScale = 1.0 / 3
    /// How many of the latent flow's couplings (d = 2; at most `layers`) are rational-quadratic
    /// splines rather than affine, placed at the flow's two ends (the codes' end first).
    package var splineCouplings = 2
    package init() {}

    enum CodingKeys: String, CodingKey { case latent, stopGradient, beta, codeNoise, splineBins, temperature, autoencoderRateScale, splineCouplings }

    /// Checkpoints written before these options existed decode with T = 1, one rate and an
    /// all-affine latent flow.
    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        latent = try c.decode(Int.self, forKey: .latent)
        stopGradient = try c.decode(Bool.self, forKey: .stopGradient)
        beta = try c.decode(Double.self, forKey: .beta)
        codeNoise = try c.decode(Double.self, forKey: .codeNoise)
        splineBins = try c.decode(Int.self, forKey: .splineBins)
        temperature = try c.decodeIfPresent(Double.self, forKey: .temperature) ?? 1
        autoencoderRateScale = try c.decodeIfPresent(Double.self, forKey: .autoencoderRateScale) ?? 1
        splineCouplings = try c.decodeIfPresent(Int.self, forKey: .splineCouplings) ?? 0
    }
}
