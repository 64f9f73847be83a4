// CaptureFiles module; see README architecture.
