"""Derived stores: embedder, mem0 adaptation, vector stores, graph, and the one sync seam."""
