import Foundation
import Testing
import FlowApp
import FlowRender

/// Issue 16 item 7: nothing is cut mid-word at the screen's edge.
struct TruncationTests {
    @Test func panelTitlesKeepTheirViewTag() {
        let t = Panel.fit("Transport: base grid → data [v 1/2]", width: 21)
        #expect(t.count == 21 && t.hasSuffix("… [v 1/2]"), "\(t)")
        #expect(Panel.fit("Short [v 1/2]", width: 40) == "Short [v 1/2]")
        #expect(Panel.fit("No tag at all here", width: 10) == "No tag at…")
        let frame = WidgetTests.text(Panel(title: "Generator samples [v 2/3]"), 20, 3)
        #expect(frame.hasPrefix("┌ Generat… [v 2/3] ┐"), "\(frame)")
    }

    @Test func longMessagesWrapIntoAMessageLine() {
        var s = ExplorerState(model: .realnvp, dataset: "8gaussians", seed: 1, size: Size(width: 80, height: 24),
                              capabilities: .ascii, datasetCycle: ["8gaussians"])
        let message = "save failed: cannot write checkpoint 'flowlab-realnvp-8gaussians.json': the directory '.' is not writable"
        s.message = message
        let text = ExplorerView.render(s).text
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let shown = lines.suffix(2).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        #expect(shown == message, "\(lines.suffix(3))")
        #expect(!lines[0].contains("save failed"))
        // A short message stays in the title bar.
        s.message = "saved"
        #expect(ExplorerView.render(s).text.split(separator: "\n")[0].contains("saved"))
    }

    @Test func wrapSplitsAtWordsAndLimitsLines() {
        #expect(ExplorerView.wrap("aaa bbb ccc", width: 7, maxLines: 3) == ["aaa bbb", "ccc"])
        #expect(ExplorerView.wrap("abcdefghij", width: 4, maxLines: 3) == ["abcd", "efgh", "ij"])
        #expect(ExplorerView.wrap("a b c d e f", width: 3, maxLines: 2) == ["a b", "c…"])
    }

    @Test func footerAdaptsToTheWidth() {
        let cut = Keymap.footer(width: 40)
        #expect(cut.count <= 40 && cut.hasSuffix("? help  q quit") && !cut.contains("m/M model"), "\(cut)")
        var s = ExplorerState(model: .realnvp, dataset: "8gaussians", seed: 1, size: Size(width: 80, height: 24),
                              capabilities: .ascii, datasetCycle: ["8gaussians"])
        s.message = nil
        let last = ExplorerView.render(s).text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.trimmingCharacters(in: .whitespaces).hasSuffix("q quit"), "\(last)")
    }
}

