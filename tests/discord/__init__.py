"""Tests of the Discord adapter, driven through discord.py against a local fake Discord."""
