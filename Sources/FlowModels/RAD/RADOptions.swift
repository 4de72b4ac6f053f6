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
    package init() {}

    enum CodingKeys: String, CodingKey { case pieces, gateHidden, interleaveAffine, boundaryBandwidth, gateSine }

    /// Checkpoints written before the boundary gradient and the gate's sine features existed
    /// decode with them off.
    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        pieces = try c.decode(Int.self, forKey: .pieces)
        gateHidden = try c.decode([Int].self, forKey: .gateHidden)
        interleaveAffine = try c.decode(Bool.self, forKey: .interleaveAffine)
        boundaryBandwidth = try c.decodeIfPresent(Float.self, forKey: .boundaryBandwidth) ?? 0
        gateSine = try c.decodeIfPresent(Float.self, forKey: .gateSine) ?? 0
    }
}
