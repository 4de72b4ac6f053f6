/// Builds a model from its configuration through its registry entry.
public enum ModelFactory {
    public static func make(_ config: ModelConfig) throws -> any FlowLabModel {
        try config.kind.descriptor.build(config)
    }
}
