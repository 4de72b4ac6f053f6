#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FlowCore

/// The Rezende & Mohamed (2015, Table 1) potentials: targets p(z) ∝ exp(−U(z)) with no samples.
///
/// U2–U4 leave z₁ unconstrained, so exp(−U) is not integrable on R²; FlowLab adds a soft wall
/// `½(max(|z₁| − 4, 0)/0.1)²` to them (Rezende & Mohamed 2015, Table 1), which keeps the mass in
/// the plotting box [−4, 4]² and leaves the box interior unchanged. Gradients are analytic.
package enum EnergyTarget: String, CaseIterable, Sendable, Codable {
    case u1, u2, u3, u4

    /// Half-width of the box on which the target is normalised and drawn.
    package static let box = 4.0

    static func w1(_ z1: Double) -> Double { sin(Double.pi * z1 / 2) }
    static func w2(_ z1: Double) -> Double { 3 * exp(-0.5 * pow((z1 - 1) / 0.6, 2)) }
    static func w3(_ z1: Double) -> Double { 3 / (1 + exp(-(z1 - 1) / 0.3)) }

    /// −log(eᵃ + eᵇ) and the softmax weight α of `a`.
    static func negLogSumExp(_ a: Double, _ b: Double) -> (value: Double, alpha: Double) {
        let m = max(a, b)
        let ea = exp(a - m), eb = exp(b - m)
        return (-(m + log(ea + eb)), ea / (ea + eb))
    }

    /// The soft wall for the improper targets and its derivative in z₁.
    func wall(_ z1: Double) -> (value: Double, d1: Double) {
        guard self != .u1 else { return (0, 0) }
        let over = abs(z1) - Self.box
        guard over > 0 else { return (0, 0) }
        let s = over / 0.1
        return (0.5 * s * s, s / 0.1 * (z1 > 0 ? 1 : -1))
    }

    /// U(z).
    package func energy(_ z1: Double, _ z2: Double) -> Double {
        let w = wall(z1).value
        switch self {
        case .u1:
            let r = (z1 * z1 + z2 * z2).squareRoot()
            let a = -0.5 * pow((z1 - 2) / 0.6, 2), b = -0.5 * pow((z1 + 2) / 0.6, 2)
            return 0.5 * pow((r - 2) / 0.4, 2) + Self.negLogSumExp(a, b).value
        case .u2:
            return 0.5 * pow((z2 - Self.w1(z1)) / 0.4, 2) + w
        case .u3:
            let p = (z2 - Self.w1(z1)) / 0.35, q = (z2 - Self.w1(z1) + Self.w2(z1)) / 0.35
            return Self.negLogSumExp(-0.5 * p * p, -0.5 * q * q).value + w
        case .u4:
            let p = (z2 - Self.w1(z1)) / 0.4, q = (z2 - Self.w1(z1) + Self.w3(z1)) / 0.35
            return Self.negLogSumExp(-0.5 * p * p, -0.5 * q * q).value + w
        }
    }

    /// ∇U(z), analytic (Rezende & Mohamed 2015, Table 1).
    package func gradient(_ z1: Double, _ z2: Double) -> (Double, Double) {
        let dw1 = Double.pi / 2 * cos(Double.pi * z1 / 2)
        let wd = wall(z1).d1
        switch self {
        case .u1:
            let r = max((z1 * z1 + z2 * z2).squareRoot(), 1e-12)
            let a = (z1 - 2) / 0.6, b = (z1 + 2) / 0.6
            let alpha = Self.negLogSumExp(-0.5 * a * a, -0.5 * b * b).alpha
            let radial = (r - 2) / 0.16
            return (radial * z1 / r + (alpha * a + (1 - alpha) * b) / 0.6, radial * z2 / r)
        case .u2:
            let d = (z2 - Self.w1(z1)) / 0.16
            return (-d * dw1 + wd, d)
        case .u3:
            let w2 = Self.w2(z1), dw2 = -w2 * (z1 - 1) / 0.36
            let p = (z2 - Self.w1(z1)) / 0.35, q = (z2 - Self.w1(z1) + w2) / 0.35
            let alpha = Self.negLogSumExp(-0.5 * p * p, -0.5 * q * q).alpha
            return ((alpha * p * -dw1 + (1 - alpha) * q * (-dw1 + dw2)) / 0.35 + wd,
                    (alpha * p + (1 - alpha) * q) / 0.35)
        case .u4:
            let s = 1 / (1 + exp(-(z1 - 1) / 0.3)), w3 = 3 * s, dw3 = 10 * s * (1 - s)
            let p = (z2 - Self.w1(z1)) / 0.4, q = (z2 - Self.w1(z1) + w3) / 0.35
            let alpha = Self.negLogSumExp(-0.5 * p * p, -0.5 * q * q).alpha
            return (alpha * p * -dw1 / 0.4 + (1 - alpha) * q * (-dw1 + dw3) / 0.35 + wd,
                    alpha * p / 0.4 + (1 - alpha) * q / 0.35)
        }
    }

    /// The target normalised by midpoint quadrature on [−4, 4]²; also gives exact-enough samples
    /// (inverse CDF over cells, uniform within a cell) and the entropy H = E[U] + log Z.
    package var quadrature: EnergyQuadrature { EnergyQuadrature.shared(for: self) }
}
