"""Evaluation: retrieval metrics on question sets, answer metrics, reports."""
