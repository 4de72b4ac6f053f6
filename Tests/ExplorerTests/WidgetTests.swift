import Foundation
import Testing
import FlowRender

/// Small inline text snapshots of every widget, including zero and 1×1 areas.
struct WidgetTests {
    static func text(_ w: some Widget, _ width: Int, _ height: Int) -> String {
        Frame.rendering(w, size: Size(width: width, height: height)).text
    }

    @Test func panelDrawsBorderAndTitle() {
        #expect(Self.text(Panel(title: "Hi"), 8, 3) == """
        ┌ Hi ──┐
        │      │
        └──────┘
        """)
        // A title that does not fit is cut with an ellipsis, the border's corner kept.
        #expect(Self.text(Panel(title: "Long title", capabilities: .ascii), 7, 3) == """
        + Lo~ +
        |     |
        +-----+
        """)
        #expect(Self.text(Panel(title: "x"), 1, 1) == " ")
        #expect(Self.text(Panel(title: "x"), 0, 0) == "")
        #expect(Panel.inner(Rect(x: 0, y: 0, width: 8, height: 3)) == Rect(x: 1, y: 1, width: 6, height: 1))
    }

    @Test func heatmapUsesHalfBlocksOrRamps() {
        // 2 × 4 pixels into 2 × 2 cells: each cell stacks two pixels.
        let values: [Double] = [0, 1, 1, 0, .nan, 0.5, .nan, .nan]
        let color = Frame.rendering(Heatmap(values: values, pixelWidth: 2, pixelHeight: 4), size: Size(width: 2, height: 2))
        #expect(color.text == "▀▀\n ▀")
        let top = color[0, 0].style, topRight = color[1, 0].style
        #expect(top.foreground == ColorMap.standard.color(0, depth: .full256))
        #expect(top.background == ColorMap.standard.color(1, depth: .full256))
        #expect(topRight.foreground == ColorMap.standard.color(1, depth: .full256))
        #expect(color[0, 1] == .blank)  // two NaN pixels → nothing drawn
        #expect(color[1, 1].style.background == .default)  // NaN bottom pixel → default colour
        #expect(Self.text(Heatmap(values: values, pixelWidth: 2, pixelHeight: 4, capabilities: .ascii), 2, 2) == "++\n +")
        #expect(Self.text(Heatmap(values: [0.9], pixelWidth: 1, pixelHeight: 1, capabilities: .ascii), 1, 1) == "%")
        #expect(Self.text(Heatmap(values: [], pixelWidth: 0, pixelHeight: 0), 3, 1) == "   ")
        #expect(Self.text(Heatmap(values: [0.5], pixelWidth: 1, pixelHeight: 1), 0, 0) == "")
    }

    @Test func brailleCanvasPlotsDotsAndLines() {
        var c = BrailleCanvas(width: 2, height: 1)
        c.plot(0, 0); c.plot(1, 3); c.plot(3, 1)
        #expect(Self.text(c, 2, 1) == "⢁⠐")
        var box = BrailleCanvas(width: 4, height: 2)
        box.line(from: (-1, -1), to: (1, 1), box: 1)  // the diagonal
        #expect(Self.text(box, 4, 2) == "  ⢀⠔\n⢀⠔⠁ ")
        var ascii = BrailleCanvas(width: 2, height: 1, capabilities: .ascii)
        ascii.plot(0, 0); for y in 0..<4 { ascii.plot(2, y); ascii.plot(3, y) }
        #expect(Self.text(ascii, 2, 1) == ".#")
        #expect(Self.text(BrailleCanvas(width: 0, height: 0), 0, 0) == "")
        var one = BrailleCanvas(width: 1, height: 1)
        one.plot(x: 0, y: 0, box: 4)  // the centre lands in the single cell
        #expect(Self.text(one, 1, 1) != " ")
        one.plot(x: .nan, y: 0, box: 4)  // ignored
    }

    @Test func sparklineScalesToMinAndMax() {
        #expect(Self.text(Sparkline(values: [1, 2, 3, 4, 5, 6, 7, 8]), 8, 1) == "▁▂▃▄▅▆▇█")
        #expect(Self.text(Sparkline(values: [1, 2, 3, .nan, 4]), 3, 1) == "▁▅█")  // the newest finite values win
        #expect(Self.text(Sparkline(values: [5, 5], capabilities: .ascii), 3, 1) == "-- ")
        #expect(Self.text(Sparkline(values: []), 2, 1) == "  ")
        #expect(Self.text(Sparkline(values: [1]), 0, 0) == "")
    }

    @Test func legendShowsLabelsAroundABar() {
        #expect(Self.text(Legend(low: "0", high: "1"), 8, 1) == "0 ████ 1")
        #expect(Self.text(Legend(low: "0", high: "1", capabilities: .ascii), 9, 1) == "0  :+#@ 1")
        #expect(Self.text(Legend(low: "low", high: "high"), 4, 1) == "high")
        #expect(Self.text(Legend(low: "a", high: "b"), 1, 1) == "b")
    }

    @Test func regionMapColoursLabels() {
        let labels = [0, 1, 2, -1]
        let f = Frame.rendering(RegionMap(labels: labels, pixelWidth: 2, pixelHeight: 2), size: Size(width: 2, height: 1))
        #expect(f.text == "▀▀")
        #expect(f[0, 0].style.foreground == CategoricalPalette.color(0, depth: .full256))
        #expect(f[0, 0].style.background == CategoricalPalette.color(2, depth: .full256))
        #expect(f[1, 0].style.background == .default)
        #expect(Self.text(RegionMap(labels: labels, pixelWidth: 2, pixelHeight: 2, capabilities: .ascii), 2, 2) == "AB\nC ")
        #expect(Self.text(RegionMap(labels: [], pixelWidth: 0, pixelHeight: 0), 1, 1) == " ")
    }

    @Test func helpOverlayCentresItsBox() {
        let help = HelpOverlay(title: "K", rows: [("q", "quit")])
        #expect(Self.text(help, 14, 5) == """
                      
         ┌ K ──────┐  
         │ q  quit │  
         └─────────┘  
                      
        """)
        #expect(Self.text(help, 1, 1) == " ")
        #expect(Self.text(help, 0, 0) == "")
    }

    @Test func fieldPlotScalesLogDensitiesAndDrawsItsLegend() {
        // 1 × 2 pixels, one cell: the top pixel is the maximum, the bottom 8 nats below it.
        let f = Frame.rendering(FieldPlot(logValues: [0, -8], pixelWidth: 1, pixelHeight: 2), size: Size(width: 17, height: 2))
        #expect(f.text == String(repeating: "▀", count: 17) + "\n-8.0 ██ log p 0.0")
        #expect(f[0, 0].style.foreground == ColorMap.standard.color(1, depth: .full256))
        #expect(f[0, 0].style.background == ColorMap.standard.color(0, depth: .full256))
        #expect(FieldPlot.scaled([0, -4, -.infinity], log: true) == [1, 0.5, 0])
        #expect(FieldPlot.scaled([0, -.infinity], log: false) == [1, 0])
        // Without a legend the heatmap takes the whole area; linear legends show p_max.
        #expect(Self.text(FieldPlot(logValues: [0, -8], pixelWidth: 1, pixelHeight: 2, showLegend: false), 1, 1) == "▀")
        #expect(Self.text(FieldPlot(logValues: [0], pixelWidth: 1, pixelHeight: 1, logScale: false, capabilities: .ascii), 9, 2)
                == "@@@@@@@@@\n0  +@ p 1")
        #expect(Self.text(FieldPlot(logValues: [0], pixelWidth: 1, pixelHeight: 1), 0, 0) == "")
        #expect(Self.text(FieldPlot(logValues: [0], pixelWidth: 1, pixelHeight: 1), 4, 1) == "    ")  // legend row only: no room
    }

    @Test func scatterPlotPutsPointsInTheBox() {
        // Box [−1, 1]²: (−1, 1) is the top-left dot, (0.9, −0.9) the bottom-right one.
        let s = ScatterPlot(points: [PlotPoint(-1, 1), PlotPoint(0.9, -0.9), PlotPoint(.nan, 0)], box: 1)
        let f = Frame.rendering(s, size: Size(width: 2, height: 1))
        #expect(f.text == "⠁⢀")
        #expect(f[0, 0].style.foreground == .brightYellow)
        #expect(Self.text(ScatterPlot(points: [PlotPoint(5, 5)], box: 1), 2, 1) == "  ")  // outside: dropped
        #expect(Self.text(ScatterPlot(points: [PlotPoint(0, 0)], box: 1, capabilities: .ascii), 2, 1) == " .")
    }

    @Test func sideBySideScatterDrawsTwoCaptionedClouds() {
        // Box [−1, 1]²; 9×3 cells: two halves of 4 columns and a gap, a caption row over each,
        // each plot kept square (4 columns for 2 rows).
        let w = SideBySideScatter(left: ("G", [PlotPoint(-1, 1)], .brightYellow),
                                  right: ("G+K", [PlotPoint(0.9, -0.9)], .brightGreen), box: 1)
        let f = Frame.rendering(w, size: Size(width: 9, height: 3))
        #expect(f.text == [" G   G+K ", "⠁        ", "        ⢀"].joined(separator: "\n"))
        #expect(f[0, 1].style.foreground == .brightYellow)
        #expect(f[8, 2].style.foreground == .brightGreen)
        #expect(f[1, 0].style.foreground == .brightYellow && f[5, 0].style.foreground == .brightGreen)
        // Without colour the captions are plain; an empty area draws nothing.
        let plain = Frame.rendering(SideBySideScatter(left: ("a", [], .red), right: ("b", [], .blue), box: 1, capabilities: .ascii),
                                    size: Size(width: 9, height: 3))
        #expect(plain[1, 0].style == .plain)
        #expect(Self.text(w, 0, 0) == "")
    }

    @Test func pointOverlayKeepsThePictureAsBackground() {
        var f = Frame(size: Size(width: 2, height: 1))
        f[0, 0] = Cell("▀", style: Style(foreground: .red, background: .blue))
        f[1, 0] = Cell("▀", style: Style(foreground: .green, background: .blue))
        PointOverlay(points: [PlotPoint(-1, 1)], box: 1, color: .black).render(in: f.area, on: &f)
        #expect(f.text == "⠁▀")
        #expect(f[0, 0].style == Style(foreground: .black, background: .red))
        #expect(f[1, 0].style == Style(foreground: .green, background: .blue))  // untouched
        var plain = Frame(size: Size(width: 1, height: 1))
        PointOverlay(points: [], box: 1, color: .black).render(in: plain.area, on: &plain)
        #expect(plain.text == " ")
    }

    @Test func polylinePlotColoursLinesBySeries() {
        let p = PolylinePlot(polylines: [[PlotPoint(-1, -1), PlotPoint(1, 1)], [PlotPoint(-1, 0.9), PlotPoint(-0.9, 0.9)]],
                             colorIndex: [0, 1], box: 1, seriesColors: [.red, .green])
        let f = Frame.rendering(p, size: Size(width: 4, height: 2))
        #expect(f.text == "⠁ ⢀⠔\n⢀⠔⠁ ")
        #expect(f[0, 0].style.foreground == .green && f[3, 0].style.foreground == .red)
        #expect(Self.text(PolylinePlot(polylines: [[PlotPoint(0, 0)]], box: 1), 2, 1) == "  ")  // one point: no segment
        #expect(Self.text(PolylinePlot(polylines: [], box: 1), 0, 0) == "")
    }

    @Test func frameWritesClipAndExportANSI() {
        var f = Frame(size: Size(width: 4, height: 2))
        f.write("hello", x: 1, y: 0, style: Style(foreground: .red))
        f.write("zz", x: -1, y: 1)
        #expect(f.text == " hel\nz   ")
        #expect(f.ansi.hasPrefix("\u{1B}[0m \u{1B}[0;38;5;1mhel\u{1B}[0m"))
        #expect(Frame(size: .zero).text == "")
        #expect(Size(parsing: "120x40") == Size(width: 120, height: 40) && Size(parsing: "12") == nil)
    }
}


/// The shipped colour-map table is exactly what the renderer uses.
struct ColorMapAssetTests {
    @Test func assetMatchesTheRenderer() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let stored = try String(contentsOf: root.appendingPathComponent("assets/colormaps/viridis-xterm256.txt"), encoding: .utf8)
        #expect(stored == ColorMap.standard.table, "regenerate assets/colormaps/viridis-xterm256.txt from ColorMap.standard.table")
        #expect(ColorMap.standard.steps256.count == 64)
        #expect(ColorMap.xterm256(0, 0, 0) == 16 && ColorMap.xterm256(255, 255, 255) == 231)
    }
}
