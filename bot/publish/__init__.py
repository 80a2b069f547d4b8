"""Publish: build data/ into a new index build, gate it on the eval sets, then make it current.

Servers notice the new CURRENT by themselves (bot/serving/watcher.py); see docs/PUBLISH.md.
"""
