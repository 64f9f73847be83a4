import ArgumentParser

/// `--table` (default), `--json` or `--csv` for `report history`; argument-parser refuses two.
enum HistoryOutputFormat: String, EnumerableFlag {
    case table, json, csv

    static func help(for value: Self) -> ArgumentHelp? {
        switch value {
        case .table: "Aligned text table (default)."
        case .json: "JSON: {schema, schema_version, from, to, quarters, rows}; see docs/history.md."
        case .csv: "CSV (RFC 4180): quarter,section,key,value,unit,previous_value,change."
        }
    }
}
