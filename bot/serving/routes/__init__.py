"""HTTP routes, one module per resource. Thin: validate, call the service, record, shape."""
