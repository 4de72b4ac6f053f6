/// The model ids of the command-line contract (DESIGN.md).
public enum ModelKind: String, CaseIterable, Sendable, Codable {
    case realnvp, glow, ffjord, rad, ctf, glf

    /// Human-readable name with the paper it comes from.
    public var title: String {
        switch self {
        case .realnvp: return "Real NVP (affine coupling)"
        case .glow: return "Glow (actnorm + LU 2×2 + coupling)"
        case .ffjord: return "FFJORD (continuous flow)"
        case .rad: return "RAD (piecewise flow)"
        case .ctf: return "CTF (Langevin flow)"
        case .glf: return "GLF (latent flow)"
        }
    }

    /// Models that are implemented in this build.
    public static var available: [ModelKind] { ModelKind.allCases }

    public var isAvailable: Bool { ModelKind.available.contains(self) }
}
