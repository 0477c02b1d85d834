import Testing

/// Parameterized tests run zero cases if a fixture file fails to load; this makes that a failure.
@Suite("fixture files")
struct FixtureFilesTests {
    @Test(
        "every fixture file loads with its cases",
        arguments: [("conv2d_transpose.json", 20), ("conv2d.json", 5), ("ops.json", 235), ("gradients.json", 7)])
    func loads(file: String, count: Int) throws {
        #expect(try Fixtures.cases(file).count == count)
        #expect(FixtureCase.all(file).count == count)
    }
}
