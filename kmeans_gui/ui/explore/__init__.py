"""The Explore tab: the canvas, its side panels, playback, the convergence chart and the explanation."""
