// Usage in Swift Testing:
//
//   @Test func corpus() throws {
//       guard let dir = SharedData.path("captures/public") else {
//           #expect(!SharedData.isCI, "shared data missing under CI"); return
//       }
//       ...
//   }
//
// The `#expect(!SharedData.isCI)` line is what turns a missing file into a CI failure.
