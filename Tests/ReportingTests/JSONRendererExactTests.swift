import Foundation
import Testing
@testable import Reporting

/// `JSONRenderer.renderCompactExact`: one line, numbers at full precision (what JSONSerialization
/// wrote for the GeoJSON output before it moved onto the report model).
@Suite struct JSONRendererExactTests {
    @Test func numbersKeepEveryDigit() throws {
        let xs: [Double] = [126, 32.478734, 0.08878572022640732, 1e-05, -0.5, 1e300, 2.220446049250313e-16, 0]
        let text = JSONRenderer.renderCompactExact(.array(xs.map { .number($0) }))
        #expect(text == "[126,32.478734,0.08878572022640732,1e-05,-0.5,1e+300,2.220446049250313e-16,0]")
        let back = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [Double]
        #expect(back == xs)
        // The fixed six decimals of the pretty renderer would have changed two of them.
        #expect(JSONRenderer.formatNumber(0.08878572022640732) == "0.088786")
    }

    @Test func nonFiniteIsNullAndTheRestIsCompact() {
        let v: ReportValue = .object([("a", .number(.infinity)), ("b", .number(.nan)), ("c", .array([.integer(1), .bool(true), .null])),
                                      ("d", .string("x/y\"\u{2028}")), ("e", .object([]))])
        #expect(JSONRenderer.renderCompactExact(v) == #"{"a":null,"b":null,"c":[1,true,null],"d":"x/y\"\u2028","e":{}}"#)
    }
}
