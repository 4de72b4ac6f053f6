import Testing
import FlowApp

/// The keymap is the one source for key handling, the help overlay and the footer.
struct KeymapTests {
    @Test func everyKeyIsBoundOnceAndResolvesToItsAction() {
        var seen: Set<Character> = []
        for b in Keymap.bindings {
            for (key, action) in b.keys {
                #expect(!seen.contains(key), "key '\(key)' bound twice")
                seen.insert(key)
                #expect(Action.forKey(key) == action)
            }
        }
        #expect(Action.forKey("x") == nil)
    }

    @Test(arguments: [60, 80, 100, 120, 160, 220])
    func footerFitsTheWidthAndAlwaysOffersHelpAndQuit(_ width: Int) {
        let footer = Keymap.footer(width: width)
        #expect(footer.count <= width, "\(footer.count) > \(width): \(footer)")
        #expect(footer.hasSuffix("? help  q quit"))
        if width >= 160 {
            for b in Keymap.bindings { if let label = b.footer { #expect(footer.contains(label)) } }
        }
    }

    @Test func helpOverlayListsEveryBinding() {
        #expect(Keymap.helpRows.count == Keymap.bindings.count)
        #expect(Keymap.helpRows.contains { $0.key == "[ / ]" })
    }
}
