// LiveCapture module; see README architecture.
