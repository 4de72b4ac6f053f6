/// RAD's architecture options (Dinh et al. 2019, §5).
public struct RADOptions: Sendable, Codable, Equatable {
    /// Pieces per folding function (odd, ≥ 3).
    public var pieces = 3
    /// Hidden widths of the gating network (input: z_a and x_p).
    public var gateHidden = [32, 32]
    /// Put an affine coupling after every RAD layer.
    public var interleaveAffine = true
    public init() {}
}
