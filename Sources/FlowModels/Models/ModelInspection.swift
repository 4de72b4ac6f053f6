import Foundation
import FlowCore

/// What the explorer shows of a model and lets the user drive, as typed values: its views
/// (the `v` key), one switch (`g`) and one knob (`[` / `]`). The explorer lists and drives
/// whatever a model declares; it knows no model by name.
package protocol ModelInspection: AnyObject {
    /// The model-specific views, in `v` order.
    var views: [ModelView] { get }
    /// View `index` (modulo the count), given data points to show where relevant.
    func view(index: Int, data: Matrix, box: Double, using rng: inout Xoshiro256) -> SpecialView
    /// The model's on/off switch and its current state, nil if it has none.
    var modelSwitch: ModelSwitch? { get }
    func setSwitch(_ on: Bool)
    /// The model's main continuous knob and its current value, nil if it has none.
    var knob: ModelKnob? { get }
    func setKnob(_ value: Double)
    /// The depth/time scrubber's track: the model's intermediate states from the base to the
    /// data (after each layer, the CNF state at a time, after k Langevin steps, the code on its
    /// way through the decoder), with fixed draws from `rng`; nil when the model has none.
    func scrubTrack(data: Matrix, box: Double, using rng: inout Xoshiro256) -> ScrubTrack?
    /// `log p(x)` at each row split into named additive terms (`log N(z)`, each layer's
    /// `log|det|`, FFJORD's integrated trace, RAD's piece log-probabilities, …) whose sum is
    /// `logDensity`; nil without a tractable density.
    func densityTerms(_ points: Matrix) -> DensityTerms?
}

extension ModelInspection {
    package var modelSwitch: ModelSwitch? { nil }
    package func setSwitch(_ on: Bool) {}
    package var knob: ModelKnob? { nil }
    package func setKnob(_ value: Double) {}
    package func scrubTrack(data: Matrix, box: Double, using rng: inout Xoshiro256) -> ScrubTrack? { nil }
    package func densityTerms(_ points: Matrix) -> DensityTerms? { nil }

    /// Flips the switch; returns the message for the title bar, nil without a switch.
    package func flipSwitch() -> String? {
        guard let s = modelSwitch else { return nil }
        setSwitch(!s.isOn)
        return modelSwitch?.reading
    }

    /// Multiplies the knob's value by `factor`, clamped to its range; returns the message.
    package func scaleKnob(by factor: Double) -> String? {
        guard let k = knob else { return nil }
        setKnob(min(k.range.upperBound, max(k.range.lowerBound, k.value * factor)))
        return knob?.reading
    }
}

/// One model-specific view: its title and what kind of picture it is.
package struct ModelView: Sendable, Equatable {
    package enum Kind: Sendable, Equatable { case transport, latent, trajectories, vectorField, regions, particles }
    package let title: String
    package let kind: Kind
    package init(_ title: String, _ kind: Kind) { self.title = title; self.kind = kind }
}

/// An on/off model option (GLF's stop-gradient, CTF's distillation distance).
package struct ModelSwitch: Sendable, Equatable {
    /// A status-panel label of at most 8 characters.
    package let label: String
    package let name: String
    package let isOn: Bool
    /// What on and off mean, for the message line.
    let onText: String
    let offText: String
    package init(label: String, name: String, isOn: Bool, on: String, off: String) {
        self.label = label; self.name = name; self.isOn = isOn; onText = on; offText = off
    }
    package var reading: String { "\(name): \(isOn ? onText : offText)" }
    /// The state in one word, for the status panel.
    package var shortReading: String { String((isOn ? onText : offText).split(separator: " ").first ?? "") }
}

/// A continuous model option the explorer scales ×2 / ÷2 within `range`.
package struct ModelKnob: Sendable, Equatable {
    /// A status-panel label of at most 8 characters.
    package let label: String
    package let name: String
    package let value: Double
    package let range: ClosedRange<Double>
    /// A `String(format:)` spec for the value.
    package let format: String
    package init(label: String, name: String, value: Double, range: ClosedRange<Double>, format: String = "%.3g") {
        self.label = label; self.name = name; self.value = value; self.range = range; self.format = format
    }
    package var reading: String { "\(name) = \(shortReading)" }
    package var shortReading: String { String(format: format, value) }
}
