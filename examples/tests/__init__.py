"""The example tests, one module per feature of the mhub_fake fixture."""
