// NetworkGraph module; see README architecture.
