/// RAD's architecture options (Dinh et al. 2019, §5).
package struct RADOptions: Sendable, Codable, Equatable {
    /// Pieces per folding function (odd, ≥ 3).
    package var pieces = 3
    /// Hidden widths of the gating network (input: z_a and x_p).
    package var gateHidden = [32, 32]
    /// Put an affine coupling after every RAD layer.
    package var interleaveAffine = true
    /// Width of the kernel that estimates the data density at the density's jumps for their
    /// boundary gradient (`RADCoupling.boundaryTerm`), in the layer's input units (the data
    /// are standardised by the first ActNorm); 0 = off (per-sample gradients only).
    package var boundaryBandwidth: Float = 0.25
    /// Frequency scale ω of the sine features that open the gating network (`MLP`'s
    /// `sineFrequency`); 0 = tanh throughout. On checkerboard the gate must switch pieces in a
    /// square wave of the passive coordinate, which tanh units reach only by growing large
    /// weights (README, "RAD against Real NVP").
    package var gateSine: Float = 4
    /// Total width of the inner pieces at initialisation, centred on 0 in the ActNorm's
    /// standardised units: √3 puts the breakpoints at ±√3/2, the quartiles of standardised data
    /// spread evenly over its range, so the inner piece starts with the middle half of the data
    /// and each outer piece with a quarter. Inside a region where the data density is flat,
    /// moving a breakpoint changes the likelihood neither way, so a fold tends to end near where
    /// it starts: at the former width ≈ 1 the breakpoints stayed near ±0.5, inside the squares of
    /// checkerboard (README, "RAD against Real NVP").
    package var foldWidth: Float = Float(3).squareRoot()
    /// The gating networks learn at this multiple of the model's rate. The gate has to draw
    /// the choice of piece as a square wave of the passive coordinate before the folds settle;
    /// at the base rate the folds adapt first, to what the slow gate can follow (checkerboard,
    /// seeds 1–3: 66 % of the squares' area under its dominant region code, 85 % at 10×; README).
    package var gateRateScale: Float = 10
    /// Affine couplings after the last RAD layer (besides the interleaved ones). The default
    /// model is 2 RAD layers (one per axis) + 7 affine couplings. With this fold width and gate
    /// rate, 4 RAD layers trained on checkerboard (seeds 1–3) sent all data through one piece of
    /// the third and fourth layer, i.e. those were affine couplings with an idle gate; with the
    /// former width they stayed open and cut the squares (README, "RAD against Real NVP").
    package var trailingAffine = 5
    package init() {}

    enum CodingKeys: String, CodingKey {
        case pieces, gateHidden, interleaveAffine, boundaryBandwidth, gateSine, foldWidth, gateRateScale, trailingAffine
    }

    /// Checkpoints written before the boundary gradient, the gate's sine features, the fold
    /// width, the gate's rate and the trailing affine couplings existed decode with them off.
    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        pieces = try c.decode(Int.self, forKey: .pieces)
        gateHidden = try c.decode([Int].self, forKey: .gateHidden)
        interleaveAffine = try c.decode(Bool.self, forKey: .interleaveAffine)
        boundaryBandwidth = try c.decodeIfPresent(Float.self, forKey: .boundaryBandwidth) ?? 0
        gateSine = try c.decodeIfPresent(Float.self, forKey: .gateSine) ?? 0
        foldWidth = try c.decodeIfPresent(Float.self, forKey: .foldWidth) ?? 0.975
        gateRateScale = try c.decodeIfPresent(Float.self, forKey: .gateRateScale) ?? 1
        trailingAffine = try c.decodeIfPresent(Int.self, forKey: .trailingAffine) ?? 0
    }
}
