import FlowRender

/// One line of the key reference: the keys and the actions they trigger, how the help overlay
/// names them, what they do, and the short label the footer shows (nil: not in the footer).
package struct KeyBinding: Sendable {
    package let keys: [(key: Character, action: Action)]
    package let label: String
    package let help: String
    package let footer: String?

    init(_ keys: [(Character, Action)], label: String? = nil, help: String, footer: String? = nil) {
        self.keys = keys.map { (key: $0.0, action: $0.1) }
        self.label = label ?? String(keys[0].0)
        self.help = help
        self.footer = footer
    }
}

/// The explorer's one keymap: key handling, the `?` overlay and the footer all read this table,
/// so adding a key is one row here plus its case in `Action` and `Reducer`.
package enum Keymap {
    package static let bindings: [KeyBinding] = [
        KeyBinding([(" ", .togglePause)], label: "space", help: "pause / resume training", footer: "pause"),
        KeyBinding([("n", .singleStep)], help: "one training step (pauses)", footer: "step"),
        KeyBinding([("r", .reset)], help: "reset: same model, data and seed", footer: "reset"),
        KeyBinding([("m", .nextModel), ("M", .previousModel)], label: "m / M", help: "next / previous model", footer: "model"),
        KeyBinding([("d", .nextDataset), ("D", .previousDataset)], label: "d / D", help: "next / previous dataset", footer: "data"),
        KeyBinding([("+", .fasterLearning), ("=", .fasterLearning), ("-", .slowerLearning), ("_", .slowerLearning)],
                   label: "+ / -", help: "learning rate ×2 / ÷2", footer: "lr"),
        KeyBinding([("l", .toggleLogScale)], help: "log / linear density scale", footer: "log"),
        KeyBinding([("t", .toggleTargetOverlay)], help: "samples over the target / alone", footer: "overlay"),
        KeyBinding([("v", .cycleView)], help: "cycle the model-specific view", footer: "view"),
        KeyBinding([("g", .toggleModelOption)], help: "flip the model's switch (status panel lists it)", footer: "switch"),
        KeyBinding([("[", .scaleModelKnob(0.5)), ("]", .scaleModelKnob(2))], label: "[ / ]",
                   help: "the model's knob ÷2 / ×2 (status panel lists it)", footer: "knob"),
        KeyBinding([("s", .save)], help: "save a checkpoint", footer: "save"),
        KeyBinding([("o", .load)], help: "load the checkpoint for this model and data", footer: "load"),
        KeyBinding([("e", .export)], help: "export this frame to a text file", footer: "export"),
        // Issue 13's keys: listed in the help only, so the footer (and every frame) stays as it was.
        KeyBinding([(",", .scrubBack), (".", .scrubAhead), ("p", .toggleScrubPlay)], label: ", / . / p",
                   help: "scrub towards the base / the data; p plays"),
        KeyBinding([(Key.left, .moveProbe(dx: -1, dy: 0)), (Key.right, .moveProbe(dx: 1, dy: 0)),
                    (Key.up, .moveProbe(dx: 0, dy: 1)), (Key.down, .moveProbe(dx: 0, dy: -1)),
                    (Key.shiftLeft, .moveProbe(dx: -5, dy: 0)), (Key.shiftRight, .moveProbe(dx: 5, dy: 0)),
                    (Key.shiftUp, .moveProbe(dx: 0, dy: 5)), (Key.shiftDown, .moveProbe(dx: 0, dy: -5))],
                   label: "arrows", help: "probe log p(x) term by term (Shift: 5 cells)"),
        KeyBinding([("u", .timelineBack), ("U", .timelineForward), ("w", .rewindToGood)], label: "u / U / w",
                   help: "timeline back / fwd (every \(Timeline.interval) its, ≤ \(Timeline.capacityBytes >> 20) MB); w: undo divergence"),
        KeyBinding([("f", .toggleFullScreen), ("F", .focusNext), (Key.escape, .closeInspectors)], label: "f / F / Esc",
                   help: "focused panel full screen; F: focus next; Esc: off"),
        // Issue 14: help only, so the footer (and every single-model frame) stays as it was.
        KeyBinding([("c", .toggleCompare)], help: "compare: a second model side by side (m/M pick it) / back"),
        KeyBinding([(Key.tab, .nextLesson), (Key.backTab, .previousLesson)], label: "Tab / S-Tab",
                   help: "next / previous lesson (flowlab demo)"),
        KeyBinding([("?", .toggleHelp), ("h", .toggleHelp)], help: "show / hide this help", footer: "help"),
        KeyBinding([("q", .quit), ("Q", .quit)], help: "quit", footer: "quit"),
    ]

    /// The action bound to a key, if any.
    package static func action(for key: Character) -> Action? {
        for b in bindings { if let hit = b.keys.first(where: { $0.key == key }) { return hit.action } }
        return nil
    }

    /// The help overlay's rows.
    package static var helpRows: [(key: String, text: String)] { bindings.map { ($0.label, $0.help) } }

    /// The footer for a line of `width` columns: "? help" and "q quit" always, then as many of
    /// the others, in table order, as fit.
    package static func footer(width: Int) -> String {
        " " + footerChoice(width: width).map(\.text).joined(separator: "  ")
    }

    static func footerChoice(width: Int) -> [(text: String, action: Action)] {
        let items = bindings.compactMap { b in b.footer.map { (text: short(b.label) + " " + $0, action: b.keys[0].action) } }
        let always = items.filter { $0.action == .toggleHelp || $0.action == .quit }
        var budget = width - 1 - always.reduce(0) { $0 + $1.text.count + 2 }
        var chosen: [(text: String, action: Action)] = []
        for item in items where item.action != .toggleHelp && item.action != .quit {
            guard budget >= item.text.count + 2 else { break }
            chosen.append(item)
            budget -= item.text.count + 2
        }
        return chosen + always
    }

    /// The footer's items with the columns they occupy (a click there acts as the key).
    package static func footerItems(width: Int) -> [(columns: Range<Int>, action: Action)] {
        var x = 1
        return footerChoice(width: width).map { item in
            defer { x += item.text.count + 2 }
            return (x..<(x + item.text.count), item.action)
        }
    }

    /// "m / M" → "m/M" for the footer.
    static func short(_ label: String) -> String { label.replacingOccurrences(of: " / ", with: "/") }
}
