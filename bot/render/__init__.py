"""Renderers: the neutral Answer turned into each platform's message format."""
