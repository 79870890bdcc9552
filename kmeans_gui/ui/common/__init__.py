"""What every tab shares: the background task runner, the cluster palette, signal blocking."""
