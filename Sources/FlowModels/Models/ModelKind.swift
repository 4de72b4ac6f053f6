/// A model id of the command-line contract (`realnvp glow nsf ffjord rad ctf glf`).
///
/// An open set of names rather than an enum: each model declares its id next to its code
/// (`extension ModelKind { static let nsf = ModelKind(id: "nsf") }`) and lists itself in
/// `ModelRegistry`, so adding a model touches no switch statement elsewhere.
package struct ModelKind: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    package let rawValue: String

    /// A registered model id, or nil for an unknown name.
    package init?(rawValue: String) {
        guard ModelRegistry.descriptor(id: rawValue) != nil else { return nil }
        self.rawValue = rawValue
    }

    /// Declares an id; only a model's own descriptor calls this.
    init(id: String) { rawValue = id }

    package init(from decoder: Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let kind = ModelKind(rawValue: name) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "unknown model id '\(name)'"))
        }
        self = kind
    }

    package func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }

    package var description: String { rawValue }

    /// Every registered model, in the explorer's `m` order.
    package static var allCases: [ModelKind] { ModelRegistry.all.map(\.kind) }

    /// Human-readable name with the paper it comes from.
    package var title: String { descriptor.title }

    /// This model's registry entry.
    var descriptor: ModelDescriptor {
        guard let d = ModelRegistry.descriptor(id: rawValue) else {
            preconditionFailure("model id '\(rawValue)' is not registered")
        }
        return d
    }

    /// "realnvp glow …" for error messages and help.
    static var idList: String { allCases.map(\.rawValue).joined(separator: " ") }

    /// Parses a model id, or throws the one message every caller shows for an unknown one.
    package static func parse(_ name: String) throws -> ModelKind {
        guard let kind = ModelKind(rawValue: name) else {
            throw ModelError("unknown model '\(name)'; choose one of \(idList)")
        }
        return kind
    }
}
