"""Evaluations of the NLP enrichment against real, human-labelled data."""
