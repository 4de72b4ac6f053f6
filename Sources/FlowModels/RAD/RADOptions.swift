/// RAD's architecture options (Dinh et al. 2019, §5).
package struct RADOptions: Sendable, Codable, Equatable {
    /// Pieces per folding function (odd, ≥ 3).
    package var pieces = 3
    /// Hidden widths of the gating network (input: z_a and x_p).
    package var gateHidden = [32, 32]
    /// Put an affine coupling after every RAD layer.
    package var interleaveAffine = true
    package init() {}
}
