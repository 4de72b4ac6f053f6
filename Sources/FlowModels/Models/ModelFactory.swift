/// Builds a model from its configuration through its registry entry, behind its fixed
/// standardisation when the configuration has one (a user's CSV).
package enum ModelFactory {
    package static func make(_ config: ModelConfig) throws -> any FlowLabModel {
        try config.validate()
        let model = try config.kind.descriptor.build(config)
        guard let s = config.standardization else { return model }
        guard s.isValid else {
            throw ModelError("invalid standardization (shift \(s.shift), scale \(s.scale)): scales must be positive and finite")
        }
        return StandardizedModel(inner: model, standardization: s)
    }
}
