"""The read path: search, cache layers and version tags, query intent, favourites."""
