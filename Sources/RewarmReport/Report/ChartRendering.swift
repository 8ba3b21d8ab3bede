import Foundation

/// What became of a report's charts: rendered, failed (with gnuplot's reason), or all skipped
/// because gnuplot is not installed.
public struct ChartRendering: Sendable, Equatable {
    /// Charts whose PNG and SVG were written, by name.
    public var rendered: [String]
    /// Charts gnuplot failed on: name and a one-line reason.
    public var failures: [ChartFailure]
    /// True when no gnuplot was found: only the `.gp` and `.dat` files were written.
    public var skipped: Bool

    public static let none = ChartRendering(rendered: [], failures: [], skipped: false)

    /// The reason of a chart's failure, if it failed.
    func failure(_ name: String) -> String? { failures.first { $0.chart == name }?.reason }

    /// The line a report prints when charts were skipped.
    static let skippedLine = "Charts skipped: gnuplot is not installed (`\(Gnuplot.installHint)`); "
        + "their scripts and data are in `charts/` (`cd charts && gnuplot NAME.gp` renders one)."

    /// Writes each chart's `.gp` and `.dat` into `directory` (created), removes any old PNG and
    /// SVG of it, and runs gnuplot once per chart when `gnuplot` is given; checks that the PNG
    /// and SVG exist and are not empty.
    static func render(
        _ charts: [ReportChart], in directory: URL, gnuplot: Gnuplot?
    ) async throws(ReportError) -> ChartRendering {
        try ReportFiles.createDirectory(directory)
        var result = ChartRendering(rendered: [], failures: [], skipped: gnuplot == nil)
        for chart in charts {
            try ReportFiles.write(chart.script, to: directory.appendingPathComponent(chart.name + ".gp"))
            try ReportFiles.write(chart.data, to: directory.appendingPathComponent(chart.name + ".dat"))
            let images = ["png", "svg"].map { directory.appendingPathComponent(chart.name + "." + $0) }
            for image in images { try? FileManager.default.removeItem(at: image) }
            guard let gnuplot else { continue }
            if let reason = await gnuplot.run(script: chart.name + ".gp", in: directory) {
                result.failures.append(ChartFailure(chart: chart.name, reason: reason))
            } else if let missing = images.first(where: { ReportFiles.size($0) == 0 }) {
                result.failures.append(
                    ChartFailure(chart: chart.name, reason: "gnuplot wrote no \(missing.lastPathComponent)"))
            } else {
                result.rendered.append(chart.name)
            }
        }
        return result
    }
}

/// A chart gnuplot could not render.
public struct ChartFailure: Codable, Sendable, Equatable {
    public var chart: String
    public var reason: String
}

/// File writing for reports, with failures as `ReportError`.
enum ReportFiles {
    static func createDirectory(_ url: URL) throws(ReportError) {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path: url.path, reason: oneLine(error))
        }
    }

    static func write(_ text: String, to url: URL) throws(ReportError) {
        do {
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw .cannotWrite(path: url.path, reason: oneLine(error))
        }
    }

    /// Size in bytes, 0 when the file is missing.
    static func size(_ url: URL) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    static func oneLine(_ error: any Error) -> String {
        error.localizedDescription.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
