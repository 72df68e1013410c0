"""Running Koers: the health endpoint, start-up checks, the server header, backup and restore."""
