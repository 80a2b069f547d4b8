"""The review queue: questions that need a reviewer, clustered; decisions; FAQ gaps; retention."""
