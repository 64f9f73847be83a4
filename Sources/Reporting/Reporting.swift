// Reporting module; see README architecture.
