"""qabot: a cited Q&A bot over a news article, for Slack, Discord and the terminal."""

__version__ = "0.1.0"
