"""Platform adapters: translate platform events into calls on the core and render replies."""
