/// The list of models in this build, in the order the explorer's `m` key cycles through them.
/// Adding a model: write its folder (model type + descriptor) and add its descriptor here.
package enum ModelRegistry {
    package static let all: [ModelDescriptor] = [
        CouplingFlowModel.realNVPDescriptor,
        CouplingFlowModel.glowDescriptor,
        SplineFlowModel.descriptor,
        CNFModel.descriptor,
        RADModel.descriptor,
        CTFModel.descriptor,
        GLFModel.descriptor,
    ]

    static func descriptor(id: String) -> ModelDescriptor? {
        all.first { $0.kind.rawValue == id }
    }
}
