import FlowModels

/// A change to a model's defaults that a lesson needs (a run with Hutchinson's trace, …).
package enum ConfigPreset: String, Sendable, Equatable {
    case hutchinsonTrace, noStopGradient

    /// The model the preset is for (it is not applied to any other).
    package var model: ModelKind { self == .hutchinsonTrace ? .ffjord : .glf }

    package func apply(to config: inout ModelConfig) {
        switch self {
        case .hutchinsonTrace:
            var o = config.cnf ?? CNFOptions()
            o.trace = .hutchinson
            config.cnf = o
        case .noStopGradient:
            var o = config.glf ?? GLFOptions()
            o.stopGradient = false
            config.glf = o
        }
    }
}

/// One lesson of `flowlab demo`: a preset (model, dataset, view, scrubber, probe, model options)
/// and a caption of a few sentences shown whole in a panel. Tab / Shift-Tab move between them.
package struct Lesson: Sendable, Equatable {
    package var title: String
    package var model: ModelKind
    package var dataset: String
    /// The model view (`v`) to show, from 0.
    package var view = 0
    /// The scrubber's starting fraction (base 0 … data 1), nil: off.
    package var scrub: Double?
    /// Whether the scrubber plays on its own.
    package var play = false
    /// The probe's starting point, nil: off.
    package var probe: Point2?
    package var preset: ConfigPreset?
    package var caption: String
}

/// The course: one lesson per idea, in order.
package enum Lessons {
    package static let all: [Lesson] = [
        Lesson(title: "change of variables", model: .realnvp, dataset: "8gaussians", probe: Point2(2.8, 0),
               caption: "A flow maps each data point x to a base point z = f(x) drawn from N(0, I), and log p(x) = log N(z) + log|det ∂f/∂x|: how likely z is, plus how much f stretches space at x. The probe panel lists these terms at the cross-hair and their sum. Move it with the arrow keys (or click) and watch the terms add up."),
        Lesson(title: "coupling layers", model: .realnvp, dataset: "moons", scrub: 0, play: true,
               caption: "A coupling layer keeps one coordinate and scales and shifts the other by functions of the kept one, so its Jacobian is triangular and log|det| is just the sum of its log-scales. Alternating layers bend a Gaussian into moons. The scrubber steps from the base through each layer to the data: , and . move it, p plays."),
        Lesson(title: "Glow's actnorm and invertible 2x2", model: .glow, dataset: "pinwheel", scrub: 0, play: true,
               caption: "Each Glow step is an actnorm (a per-coordinate scale and shift, initialised from the first batch), an invertible 2x2 linear map (Glow's 1x1 convolution with two channels) and a coupling. Scrub through the steps with , and . to see what each of the three does to the samples and the grid."),
        Lesson(title: "a continuous flow in time", model: .ffjord, dataset: "rings", scrub: 0, play: true,
               caption: "FFJORD replaces layers by an ODE dz/dt = f(z, t): points travel from the base at t = T back to the data at t = 0, and the solver chooses its own steps, counted as NFE in the status panel. The scrubber moves through time and draws each particle's trajectory so far."),
        Lesson(title: "exact vs Hutchinson trace", model: .ffjord, dataset: "8gaussians", probe: Point2(2, 2), preset: .hutchinsonTrace,
               caption: "Along the path log p changes by the trace of ∂f/∂z. In 2-D it is exact with two tangent vectors; this run trains with Hutchinson's estimator instead, one random projection per solve: unbiased, cheaper in high dimension, but noisy, so the loss jitters. The probe always integrates the exact trace and shows its NFE."),
        Lesson(title: "RAD's folds and regions", model: .rad, dataset: "checkerboard", scrub: 1, probe: Point2(-1, 1),
               caption: "Each RAD layer is a piecewise-invertible zig-zag: it folds the line, so several points share one image and a discrete latent, the piece, says which one. The colours are the regions the pieces carve out; scrub through the layers to see them add up, and probe a point for each layer's piece and its log-probability."),
        Lesson(title: "Langevin dynamics and distillation", model: .ctf, dataset: "u1", scrub: 0, play: true,
               caption: "Langevin dynamics moves particles along the score with noise, z <- z + (h/2) grad log p(z) + sqrt(h) noise: a flow towards p. CTF distils it into a generator that learns where a few steps take its samples. Scrub through the steps. Then press g for paired L2 distillation and watch the samples collapse onto the modes."),
        Lesson(title: "GLF's code shrinkage", model: .glf, dataset: "moons", preset: .noStopGradient,
               caption: "GLF trains an autoencoder and a flow on its codes together. This run has the stop-gradient off, so the encoder can lower the flow's NLL by shrinking the codes: watch Mean |z| fall and the code NLL run away in the status panel. Press g to turn the stop-gradient on (GLF as published) and the codes keep their size."),
    ]

    /// The caption panel's title.
    package static func heading(_ i: Int, unicode: Bool) -> String {
        "Lesson \(i + 1)/\(all.count): \(all[i].title) \(unicode ? "·" : "-") Tab next, Shift-Tab back"
    }

    /// The caption wrapped for a screen `width` wide (inside its panel), every word kept.
    package static func captionLines(_ i: Int, width: Int) -> [String] {
        ExplorerView.wrap(all[i].caption, width: max(2, width - 4), maxLines: 100)
    }
}
