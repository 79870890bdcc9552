"""The Image tab: colour quantization of a photo, its palette and its colour cloud."""
