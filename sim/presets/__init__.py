"""The classic diffusion presets: Bass, independent cascade, linear threshold."""
