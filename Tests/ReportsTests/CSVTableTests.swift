import Reports
import Testing

@Suite struct CSVTableTests {
  @Test func quotesAndLineEndsFollowRFC4180() {
    var t = CSVTable(header: ["a", "b"])
    t.append(["x,y", "say \"hi\""])
    t.append(["line\nbreak", ""])
    #expect(t.render() == "a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n\"line\nbreak\",\r\n")
  }

  @Test func formulaInjectionIsNeutralised() {
    #expect(CSVTable.neutralise("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")")
    #expect(CSVTable.neutralise("+cmd") == "'+cmd")
    #expect(CSVTable.neutralise("@SUM(A1)") == "'@SUM(A1)")
    #expect(CSVTable.neutralise("\tx") == "'\tx")
    // Numbers keep their sign.
    #expect(CSVTable.neutralise("-0.0123") == "-0.0123")
    #expect(CSVTable.neutralise("+5") == "+5")
    #expect(CSVTable.neutralise("-1e-05") == "-1e-05")
  }

  @Test func numbersKeepFullPrecision() {
    #expect(CSVTable.number(0.1 + 0.2) == "0.30000000000000004")
    #expect(CSVTable.number(Double.nan) == "")
    #expect(CSVTable.number(-3.0) == "-3")
    #expect(Double(CSVTable.number(1.0 / 3.0)) == 1.0 / 3.0)
  }
}
