// TrafficAnalysis module; see README architecture.
