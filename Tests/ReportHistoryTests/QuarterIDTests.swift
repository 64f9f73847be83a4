import Foundation
import Testing
import ReportHistory

@Suite struct QuarterIDTests {
    @Test(arguments: [("2026Q4", 2026, 4), ("2026q1", 2026, 1), ("1999Q2", 1999, 2), ("9999Q3", 9999, 3)])
    func parsesValid(text: String, year: Int, quarter: Int) throws {
        let q = try #require(QuarterID(text))
        #expect(q.year == year && q.quarter == quarter)
        #expect(q.description == "\(year)Q\(quarter)")
    }

    @Test(arguments: ["", "2026Q5", "2026Q0", "26Q4", "2026-Q4", " 2026Q4", "2026Q4 ", "0999Q1", "+026Q1", "2026Q", "20260Q1", "2026X1", "２026Q1"])
    func refusesInvalid(text: String) {
        #expect(QuarterID(text) == nil)
    }

    @Test func ordersByYearThenQuarter() throws {
        let texts = ["2026Q1", "2025Q4", "2026Q3", "2024Q2", "2026Q2"]
        let sorted = try texts.map { try #require(QuarterID($0)) }.sorted().map(\.description)
        #expect(sorted == ["2024Q2", "2025Q4", "2026Q1", "2026Q2", "2026Q3"])
        #expect(try #require(QuarterID("2025Q4")) < #require(QuarterID("2026Q1")))
    }

    @Test func previousCrossesTheYear() throws {
        #expect(try #require(QuarterID("2026Q1")).previous.description == "2025Q4")
        #expect(try #require(QuarterID("2026Q3")).previous.description == "2026Q2")
    }

    @Test func codableAsString() throws {
        let q = try #require(QuarterID("2026q4"))
        let data = try JSONEncoder().encode([q])
        #expect(String(decoding: data, as: UTF8.self) == #"["2026Q4"]"#)
        #expect(try JSONDecoder().decode([QuarterID].self, from: data) == [q])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([QuarterID].self, from: Data(#"["2026Q9"]"#.utf8)) }
    }
}
