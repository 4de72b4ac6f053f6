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
            return try CTFModel(config: config)
        case .glf:
            return try GLFModel(config: config)
        }
    }
}
