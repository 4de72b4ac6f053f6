/// Builds a model from its configuration. The one place that knows every concrete model type.
public enum ModelFactory {
    public static func make(_ config: ModelConfig) throws -> any GenerativeModel {
        switch config.kind {
        case .realnvp, .glow:
            return CouplingFlowModel(config: config)
        case .ffjord:
            return try CNFModel(config: config)
        case .rad:
            return try RADModel(config: config)
        case .ctf:
            guard config.layers == 1 else {
                throw ModelError("ctf's generator and energy network are plain MLPs; --layers must be 1 (their depth is --hidden)")
            }
            return try CTFModel(config: config)
        case .glf:
            return try GLFModel(config: config)
        }
    }
}
