import Testing
import Foundation
import SnapshotTesting
import FlowApp
import FlowModels
import FlowRender

/// The course (`flowlab demo`): every lesson's first frame at 80×24 and 160×48, its caption
/// whole, and Tab / Shift-Tab / autoplay through the reducer and the loop.
@Suite
struct LessonTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var lesson: Int
        var size: Size
        var testDescription: String { name }
        var name: String { "lesson\(lesson + 1)-\(size)" }
    }

    static let cases: [Case] = Lessons.all.indices.flatMap { i in
        [Case(lesson: i, size: Size(width: 80, height: 24)), Case(lesson: i, size: Size(width: 160, height: 48))]
    }

    @Test(arguments: cases)
    func firstFrame(_ c: Case) throws {
        let text = try HeadlessExplorer.frame(HeadlessExplorer.Options(lesson: c.lesson, iterations: 0, size: c.size)).text
        // The caption is never cut off: every line of it is on the screen.
        for line in Lessons.captionLines(c.lesson, width: c.size.width) { #expect(text.contains(line), "missing: \(line)") }
        #expect(text.contains("Lesson \(c.lesson + 1)/\(Lessons.all.count)") && text.contains("Tab/S-Tab lesson"))
        assertSnapshot(of: text, as: .lines, named: c.name)
    }

    @Test func tabAndShiftTabMoveThroughTheCourse() {
        var s = ReducerTests.start()
        #expect(ReducerTests.press(String(Key.tab), &s).isEmpty)  // outside the course: nothing
        var effects = Reducer.reduce(&s, .goToLesson(0))
        #expect(s.lesson == 0 && s.model == .realnvp && s.probe == Lessons.all[0].probe)
        #expect(effects.contains(.setProbe(Lessons.all[0].probe)) && effects.contains(.relayout))
        effects = ReducerTests.press(String(Key.tab), &s)
        #expect(s.lesson == 1 && s.scrubPosition == 0 && s.scrubPlaying && s.probe == nil)
        #expect(effects.contains(.setScrubbing(true)) && effects.contains(.setProbe(nil)))
        _ = ReducerTests.press(String(Key.backTab) + String(Key.backTab), &s)
        #expect(s.lesson == Lessons.all.count - 1 && s.model == .glf && s.preset == .noStopGradient)
        _ = ReducerTests.press("m", &s)  // another model: the lesson's preset does not follow
        #expect(s.preset == nil)
    }

    @Test(arguments: Lessons.all.indices)
    func captionsFitAt80x24(_ i: Int) {
        let layout = ExplorerLayout(size: Size(width: 80, height: 24), captionLines: Lessons.captionLines(i, width: 80).count)
        #expect(layout.caption.height == Lessons.captionLines(i, width: 80).count + 2)
        #expect(layout.density.height >= 6, "the plots keep room")
    }

    @MainActor @Test func autoplayMovesOnAndTheWorkerFollows() {
        let backend = ScriptedBackend(size: Size(width: 100, height: 30))
        let loop = ExplorerLoop(model: .realnvp, dataset: "moons", seed: 1, backend: backend, datasetCycle: ["moons"],
                                lesson: 4, autoplay: 1)
        loop.start()
        defer { loop.stop() }
        #expect(loop.state.lesson == 4 && loop.state.model == .ffjord)
        #expect(ExplorerLoopTests.turns(loop) { loop.state.lesson == 5 && loop.state.snapshot?.model == .rad })
        #expect(backend.lastText.contains("Lesson 6/\(Lessons.all.count)"))
    }
}
