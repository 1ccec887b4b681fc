/// The samples of a Prometheus text exposition, read back so tests can ask for one value.
struct PrometheusText {
    struct Sample {
        let name: String
        let labels: [String: String]
        let value: Double
    }

    let samples: [Sample]

    init(_ text: String) {
        samples = text.split(separator: "\n").compactMap(Self.sample)
    }

    /// The value of the series with exactly these labels; nil when there is none.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// Every series of a metric.
    func series(_ name: String) -> [Sample] {
        samples.filter { $0.name == name }
    }

    /// `name{a="b",c="d"} 1.0`; comments and blank lines are not samples. Label values may hold
    /// braces (route templates do) and escaped quotes.
    private static func sample(_ line: Substring) -> Sample? {
        guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "),
            let value = Double(line[line.index(after: space)...])
        else { return nil }
        let series = line[..<space]
        guard let open = series.firstIndex(of: "{"), series.hasSuffix("}") else {
            return Sample(name: String(series), labels: [:], value: value)
        }
        var labels: [String: String] = [:]
        var rest = series[series.index(after: open)..<series.index(before: series.endIndex)]
        while let equals = rest.firstIndex(of: "=") {
            let key = String(rest[..<equals]).trimmingPrefix(",")
            var text = ""
            var index = rest.index(equals, offsetBy: 2)  // past `="`
            while index < rest.endIndex, rest[index] != "\"" {
                if rest[index] == "\\" { index = rest.index(after: index) }
                text.append(rest[index])
                index = rest.index(after: index)
            }
            labels[String(key)] = text
            rest = rest[rest.index(after: index)...]
        }
        return Sample(name: String(series[..<open]), labels: labels, value: value)
    }
}
