"""Pictures of runs without a window: animated GIFs and filmstrips drawn with Pillow (no Qt)."""
