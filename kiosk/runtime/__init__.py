"""Session runtime: pure state machines that produce view models for the renderer."""
