import FlowData

/// Everything the CLI, the checkpoint loader and the explorer need to know about one model,
/// declared once next to the model's code: its id, title, defaults and factory.
package struct ModelDescriptor: Sendable {
    package let kind: ModelKind
    package let title: String
    /// Changes the shared base configuration (`ModelConfig.base`) into this model's defaults,
    /// optionally tuned to the dataset it will train on.
    let configure: @Sendable (inout ModelConfig, Dataset?) -> Void
    /// Builds the model; throws a `ModelError` for a configuration it cannot build.
    let build: @Sendable (ModelConfig) throws -> any FlowLabModel

    init(kind: ModelKind, title: String,
         configure: @escaping @Sendable (inout ModelConfig, Dataset?) -> Void,
         build: @escaping @Sendable (ModelConfig) throws -> any FlowLabModel) {
        self.kind = kind
        self.title = title
        self.configure = configure
        self.build = build
    }
}
